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
}
