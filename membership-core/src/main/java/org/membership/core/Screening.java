package org.membership.core;

import org.membership.api.OrganizationId;
import org.membership.api.UserId;
import org.membership.core.spi.StoreLocks;

/**
 * Screening ({@link Planner#screen}): a decision run in a read transaction up to the point where the
 * real one would take its first lock, for the refusals a command meets before any lock (scope
 * before any lock, in the locking protocol of the SPI's package documentation).
 */
final class Screening {
    private Screening() {}

    /** Locks that end a screening decision at its first lock, by throwing {@link ReachedLock}. */
    static final StoreLocks LOCKS = new StoreLocks() {
        @Override
        public void lockOrganization(OrganizationId organization) {
            throw ReachedLock.INSTANCE;
        }

        @Override
        public void lockUser(UserId user) {
            throw ReachedLock.INSTANCE;
        }
    };

    /** Ends a screening decision where the real one would take its first lock. */
    static final class ReachedLock extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final ReachedLock INSTANCE = new ReachedLock();

        private ReachedLock() {
            super("screening reached a lock", null, false, false);
        }
    }
}
