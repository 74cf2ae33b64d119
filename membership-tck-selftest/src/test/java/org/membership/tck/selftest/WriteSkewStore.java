package org.membership.tck.selftest;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.membership.core.spi.StoreTransaction;
import org.membership.core.spi.StoreWrites;
import org.membership.inmemory.InMemoryStore;
import org.membership.tck.StoreTransactionMethods;

/**
 * A deliberately broken store for the kit's self-tests: it checks the admin count and then deletes
 * without a lock. Each write transaction works on its own snapshot of the committed state, and if
 * its work returns, all its writes reach the shared state in one step; {@link StoreTransaction#lockOrganization}
 * does nothing. That is snapshot isolation without conflict detection, what a SQL store gets under
 * {@code REPEATABLE READ} when it forgets to lock the organization's row first: two admins who each
 * count two admins and remove the other both commit, and the organization has none.
 *
 * <p>Transactions stay all or nothing (a failed one leaves nothing behind) and readers see only
 * committed states, so the kit's atomicity rules pass and only its locking and race rules can
 * catch this store. The window between a transaction's reads and its writes is widened by a
 * millisecond's sleep before it publishes, so racing transactions really overlap on two cores.
 *
 * <p>Snapshots are rebuilt by replaying every committed write, so the store slows down as it fills;
 * it is meant for a self-test's few hundred transactions. Thread-safe, and wrong on purpose.
 */
final class WriteSkewStore extends InMemoryBacked {
    private record Write(Method method, Object[] args) {}

    /** Every committed write, in commit order; guarded by {@code this}. */
    private final List<Write> history = new ArrayList<>();

    WriteSkewStore() {
        super(new InMemoryStore());
    }

    @Override
    public <T> T write(Function<StoreTransaction, T> work) {
        List<Write> base;
        synchronized (this) {
            base = List.copyOf(history);
        }
        InMemoryStore snapshot = new InMemoryStore();
        snapshot.write(tx -> {
            base.forEach(w -> StoreTransactionMethods.invoke(tx, w.method(), w.args()));
            return null;
        });
        List<Write> writes = new ArrayList<>();
        T result = snapshot.write(tx -> work.apply(recording(tx, writes)));
        sleep();
        synchronized (this) {
            rows.write(tx -> {
                writes.forEach(w -> StoreTransactionMethods.invoke(tx, w.method(), w.args()));
                return null;
            });
            history.addAll(writes);
        }
        return result;
    }

    @Override
    public <T> T read(Function<StoreTransaction, T> work) {
        return rows.read(work);
    }

    private static StoreTransaction recording(StoreTransaction tx, List<Write> writes) {
        return (StoreTransaction) Proxy.newProxyInstance(StoreTransaction.class.getClassLoader(),
                new Class<?>[] {StoreTransaction.class}, (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return method.invoke(tx, args);
                    }
                    Object result = StoreTransactionMethods.invoke(tx, method, args);
                    if (method.getDeclaringClass() == StoreWrites.class) {
                        writes.add(new Write(method, args));
                    }
                    return result;
                });
    }

    private static void sleep() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
