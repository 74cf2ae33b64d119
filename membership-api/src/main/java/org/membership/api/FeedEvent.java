package org.membership.api;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One event of the change feed: a {@link MembershipEvent} as it was committed, with the id that
 * identifies it for ever (for de-duplicating an at-least-once delivery) and its position in commit
 * order.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the event's id, unique in its store, at least 1; never reused
 * @param position where it sits in the feed, after {@link FeedPosition#START}
 * @param event what happened
 */
public record FeedEvent(long id, FeedPosition position, MembershipEvent event) {
    /**
     * @throws IllegalArgumentException if the id is below 1 or the position is the start
     * @throws NullPointerException if position or event is null
     */
    public FeedEvent {
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(event, "event");
        if (id < 1) {
            throw new IllegalArgumentException("an event id is at least 1, not " + id);
        }
        if (!position.isAfter(FeedPosition.START)) {
            throw new IllegalArgumentException("an event's position comes after the start");
        }
    }

    /** @return the organization the event belongs to; empty for instance-level events (accounts) */
    public Optional<OrganizationId> organization() {
        return event.scope();
    }

    /** @return when it happened, by the clock of the instance that made the change */
    public Instant at() {
        return event.at();
    }

    /** @return the event's type name, for example {@code WorkspaceMemberRemoved} */
    public String type() {
        return event.getClass().getSimpleName();
    }
}
