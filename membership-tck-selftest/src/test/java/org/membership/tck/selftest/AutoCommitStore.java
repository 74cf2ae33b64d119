package org.membership.tck.selftest;

import java.lang.reflect.Proxy;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.membership.core.spi.StoreTransaction;
import org.membership.core.spi.StoreWrites;
import org.membership.inmemory.InMemoryStore;
import org.membership.tck.StoreTransactionMethods;

/**
 * A deliberately broken store for the kit's self-tests: it has no transactions. Every read of a
 * "write transaction" is its own read and every write commits on its own at once, so a failure
 * halfway (through an organization-removal cascade, say) leaves the writes before it in place.
 * By default decisions also race with other changes; {@link #serialized()} makes a variant whose
 * write transactions run one at a time, so that losing half of a failed change is its only defect.
 *
 * <p>Thread-safe, and wrong on purpose.
 */
final class AutoCommitStore extends InMemoryBacked {
    private final ReentrantLock writers;

    /** A store whose write transactions neither roll back nor exclude each other. */
    AutoCommitStore() {
        this(null);
    }

    private AutoCommitStore(ReentrantLock writers) {
        super(new InMemoryStore());
        this.writers = writers;
    }

    /** @return a store whose write transactions exclude each other but still keep what they wrote before failing */
    static AutoCommitStore serialized() {
        return new AutoCommitStore(new ReentrantLock());
    }

    @Override
    public <T> T write(Function<StoreTransaction, T> work) {
        if (writers == null) {
            return work.apply(autoCommitting());
        }
        writers.lock();
        try {
            return work.apply(autoCommitting());
        } finally {
            writers.unlock();
        }
    }

    @Override
    public <T> T read(Function<StoreTransaction, T> work) {
        return rows.read(work);
    }

    private StoreTransaction autoCommitting() {
        return (StoreTransaction) Proxy.newProxyInstance(StoreTransaction.class.getClassLoader(),
                new Class<?>[] {StoreTransaction.class}, (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return method.invoke(rows, args);
                    }
                    if (method.getName().equals("afterCommit")) {
                        ((Runnable) args[0]).run(); // every write is committed already
                        return null;
                    }
                    return method.getDeclaringClass() == StoreWrites.class
                            ? rows.write(tx -> StoreTransactionMethods.invoke(tx, method, args))
                            : rows.read(tx -> StoreTransactionMethods.invoke(tx, method, args));
                });
    }
}
