package org.membership.core.spi;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.membership.api.FeedPosition;

/**
 * A consumer of the change feed as a store keeps it: its position and, while an instance delivers
 * it, that instance and the end of its lease. The engine decides what these mean; the store only
 * keeps the row.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the consumer's name (an id: 1-128 characters from {@code A-Z a-z 0-9 _ - . :})
 * @param position the last event it has passed
 * @param owner the instance delivering it, if any
 * @param leaseUntil until when the owner holds it, unless it renews
 */
public record ConsumerRecord(String name, FeedPosition position, Optional<String> owner, Instant leaseUntil) {
    /** @throws NullPointerException if an argument is null */
    public ConsumerRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(leaseUntil, "leaseUntil");
    }
}
