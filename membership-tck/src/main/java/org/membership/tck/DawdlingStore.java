package org.membership.tck;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Objects;
import java.util.function.Function;
import org.membership.core.spi.MembershipStore;
import org.membership.core.spi.StoreTransaction;

/**
 * A store decorator that, once switched on, dawdles briefly before every transaction call, so that
 * racing commands overlap between the reads a decision depends on and the writes that follow it:
 * without it, a command on a fast store often finishes before its rival thread has even woken up,
 * and a race test would pass on a store that does not isolate transactions at all.
 *
 * <p>Thread-safe.
 */
final class DawdlingStore implements MembershipStore {
    private static final long PAUSE_NANOS = 20_000;

    private final MembershipStore delegate;
    private volatile boolean dawdling;

    DawdlingStore(MembershipStore delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** Starts pausing before each transaction call; building a world beforehand stays fast. */
    void startDawdling() {
        dawdling = true;
    }

    @Override
    public <T> T write(Function<StoreTransaction, T> work) {
        return delegate.write(tx -> work.apply(dawdle(tx)));
    }

    @Override
    public <T> T read(Function<StoreTransaction, T> work) {
        return delegate.read(tx -> work.apply(dawdle(tx)));
    }

    private StoreTransaction dawdle(StoreTransaction tx) {
        if (!dawdling) {
            return tx;
        }
        return (StoreTransaction) Proxy.newProxyInstance(StoreTransaction.class.getClassLoader(),
                new Class<?>[] {StoreTransaction.class}, (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return method.invoke(tx, args);
                    }
                    long until = System.nanoTime() + PAUSE_NANOS;
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                    try {
                        return method.invoke(tx, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
