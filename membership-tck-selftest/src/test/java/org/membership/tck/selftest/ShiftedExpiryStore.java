package org.membership.tck.selftest;

import java.lang.reflect.InvocationHandler;
import java.time.Duration;
import java.time.Instant;
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
final class ShiftedExpiryStore extends InMemoryBacked.Lying {
    private final Duration shift;

    ShiftedExpiryStore(Duration shift) {
        this.shift = shift;
    }


    @Override
    InvocationHandler lie(StoreTransaction tx) {
        return (proxy, method, args) -> {
            if (method.getName().equals("expireInvitations")) {
                return tx.expireInvitations((OrganizationId) args[0], ((Instant) args[1]).plus(shift));
            }
            return honestly(tx, method, args);
        };
    }
}
