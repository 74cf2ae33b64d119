package org.membership.api;

import java.time.Instant;
import java.util.Objects;

/**
 * An event a consumer's listener kept failing on: after the consumer's last attempt it was set
 * aside, with the last failure, so that the consumer could go on with the events after it. It stays
 * visible in {@link ConsumerStatus#parked()} (and survives pruning of the feed) until the consumer
 * is removed.
 *
 * <p>Immutable and thread-safe.
 *
 * @param event the event
 * @param attempts how many times the listener was called with it
 * @param error the last failure: its class and message
 * @param parkedAt when it was set aside
 */
public record ParkedEvent(FeedEvent event, int attempts, String error, Instant parkedAt) {
    /** @throws NullPointerException if an argument is null */
    public ParkedEvent {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(parkedAt, "parkedAt");
    }
}
