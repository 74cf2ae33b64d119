package org.membership.core.spi;

import java.util.Optional;
import org.membership.api.FeedPosition;

/**
 * What {@link StoreWrites#appendEvents} hands back: the feed position of the last event it
 * appended, which a store may only learn at or after commit (see the package documentation). Read
 * it once {@link MembershipStore#write} has returned.
 *
 * <p>Thread-safe once the write has returned.
 */
@FunctionalInterface
public interface FeedReceipt {
    /**
     * @return the position of the last appended event; empty if the transaction did not commit, or
     *         if the store could not learn it after committing (the events are in the feed regardless)
     */
    Optional<FeedPosition> position();
}
