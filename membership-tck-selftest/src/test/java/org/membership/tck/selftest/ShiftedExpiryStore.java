package org.membership.tck.selftest;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;
import org.membership.api.OrganizationId;
import org.membership.core.spi.StoreTransaction;
import org.membership.inmemory.InMemoryStore;

/**
 * A deliberately broken store for the kit's self-tests: it records expiry at the wrong instant.
 * {@link StoreTransaction#expireInvitations} runs as if the clock read {@code now} plus a shift: a
 * negative shift leaves an invitation whose expiry is exactly now stored as pending (the
 * {@code expires_at < ?} slip), a positive one ends invitations that are still acceptable.
 * Everything else is an honest {@link InMemoryStore}. Thread-safe, and wrong on purpose.
 */
final class ShiftedExpiryStore extends InMemoryBacked {
    private final Duration shift;

    ShiftedExpiryStore(Duration shift) {
        super(new InMemoryStore());
        this.shift = shift;
    }

    @Override
    public <T> T write(Function<StoreTransaction, T> work) {
        return rows.write(tx -> work.apply(shifted(tx)));
    }

    @Override
    public <T> T read(Function<StoreTransaction, T> work) {
        return rows.read(tx -> work.apply(shifted(tx)));
    }

    private StoreTransaction shifted(StoreTransaction tx) {
        return (StoreTransaction) Proxy.newProxyInstance(StoreTransaction.class.getClassLoader(),
                new Class<?>[] {StoreTransaction.class}, (proxy, method, args) -> {
                    if (method.getName().equals("expireInvitations")) {
                        return tx.expireInvitations((OrganizationId) args[0], ((Instant) args[1]).plus(shift));
                    }
                    try {
                        return method.invoke(tx, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
