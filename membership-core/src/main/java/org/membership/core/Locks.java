package org.membership.core;

import org.membership.api.OrganizationId;
import org.membership.api.UserId;
import org.membership.core.spi.StoreTransaction;

/**
 * The locks a plan takes, in the order it takes them. A real plan takes them in its transaction; a
 * screening plan ({@link Planner#screen}) stops where the real one would take its first lock.
 */
interface Locks {
    /** @see StoreTransaction#lockOrganization */
    void lockOrganization(OrganizationId organization);

    /** @see StoreTransaction#lockUser */
    void lockUser(UserId user);

    /** @return the locks of this transaction */
    static Locks of(StoreTransaction tx) {
        return new Locks() {
            @Override
            public void lockOrganization(OrganizationId organization) {
                tx.lockOrganization(organization);
            }

            @Override
            public void lockUser(UserId user) {
                tx.lockUser(user);
            }
        };
    }

    /** Locks that end a screening plan at its first lock, by throwing {@link ReachedLock}. */
    Locks SCREENING = new Locks() {
        @Override
        public void lockOrganization(OrganizationId organization) {
            throw ReachedLock.INSTANCE;
        }

        @Override
        public void lockUser(UserId user) {
            throw ReachedLock.INSTANCE;
        }
    };

    /** Ends a screening plan where the real one would take its first lock. */
    final class ReachedLock extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final ReachedLock INSTANCE = new ReachedLock();

        private ReachedLock() {
            super("screening reached a lock", null, false, false);
        }
    }
}
