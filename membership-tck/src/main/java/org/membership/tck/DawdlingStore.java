package org.membership.tck;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.membership.core.spi.MembershipStore;
import org.membership.core.spi.StoreTransaction;
import org.membership.core.spi.StoreWrites;

/**
 * A store decorator that, once switched on, dawdles for a millisecond before the first write call
 * of each transaction, between the reads a decision rests on and the writes that carry it out, so
 * that racing commands really overlap there; without it, a command on a fast store often finishes before its rival
 * thread has even started, and a race test would pass on a store that does not isolate
 * transactions at all. Write calls are the methods of {@link StoreWrites}.
 *
 * <p>Thread-safe.
 */
final class DawdlingStore extends ForwardingStore {
    private static final long PAUSE_NANOS = 1_000_000;

    private volatile boolean dawdling;
    /** Extra pause of the transactions this thread runs inside {@link #slowly}. */
    private final ThreadLocal<Long> extraNanos = ThreadLocal.withInitial(() -> 0L);

    DawdlingStore(MembershipStore delegate) {
        super(delegate);
    }

    /** Starts pausing before each transaction's first write; building a world beforehand stays fast. */
    void startDawdling() {
        dawdling = true;
    }

    /**
     * Runs {@code call} on this thread with every transaction it starts dawdling {@code millis}
     * longer before its first write, so that one racer decides early and writes late while its
     * rivals commit and decide in between.
     */
    <T> T slowly(long millis, Callable<T> call) throws Exception {
        extraNanos.set(millis * 1_000_000);
        try {
            return call.call();
        } finally {
            extraNanos.remove();
        }
    }

    @Override
    public <T> T write(Function<StoreTransaction, T> work) {
        return super.write(tx -> work.apply(dawdle(tx)));
    }

    @Override
    public <T> T read(Function<StoreTransaction, T> work) {
        return super.read(tx -> work.apply(dawdle(tx)));
    }

    private StoreTransaction dawdle(StoreTransaction tx) {
        if (!dawdling) {
            return tx;
        }
        boolean[] wrote = new boolean[1];
        return (StoreTransaction) Proxy.newProxyInstance(StoreTransaction.class.getClassLoader(),
                new Class<?>[] {StoreTransaction.class}, (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return method.invoke(tx, args);
                    }
                    if (!wrote[0] && method.getDeclaringClass() == StoreWrites.class) {
                        wrote[0] = true;
                        long until = System.nanoTime() + PAUSE_NANOS + extraNanos.get();
                        while (System.nanoTime() < until) {
                            Thread.onSpinWait();
                        }
                    }
                    try {
                        return method.invoke(tx, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
