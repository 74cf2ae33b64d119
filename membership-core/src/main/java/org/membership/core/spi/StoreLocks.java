package org.membership.core.spi;

import org.membership.api.OrganizationId;
import org.membership.api.UserId;

/**
 * The locks of one transaction, which the engine takes while it decides, in the order the
 * <a href="package-summary.html#locking">locking protocol</a> sets out: what each lock guarantees,
 * when the engine takes it, and what a store does about lost races. Both hold until the transaction
 * ends; in a read transaction they may do nothing, and never fail.
 *
 * <p>Used by one thread, for the duration of one transaction; not thread-safe.
 */
public interface StoreLocks {
    /** Locks the organization until the transaction ends: see the locking protocol. */
    void lockOrganization(OrganizationId organization);

    /** Locks the user's account until the transaction ends, ordering it with every admin count that counts the user: see the locking protocol. */
    void lockUser(UserId user);

    /**
     * Whether what this transaction reads before a lock is what it would read under it: a read
     * transaction that reads one snapshot, or a write transaction that has excluded every other writer
     * since it began (a store with {@link MembershipStore#exclusiveWrites}, in a transaction it began
     * itself). The engine then reads nothing again after a lock (see the locking protocol). A store that
     * cannot promise it answers false, the default.
     *
     * @return whether reads before this transaction's locks stay what they were under them
     */
    default boolean readsHoldUnderLocks() {
        return false;
    }
}
