package org.membership.api;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a consumer of the change feed stands.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the consumer's name
 * @param delivery how its instances share the feed
 * @param position the last event it has passed (delivered, or parked)
 * @param lag how many committed events it has not passed yet
 * @param owner for a consumer delivered one instance at a time: the instance holding it, while its lease lasts
 * @param leaseUntil for such a consumer: when the owner's lease ends unless renewed
 * @param parked the events it set aside, oldest first
 */
public record ConsumerStatus(String name, FeedConsumer.Delivery delivery, FeedPosition position, long lag,
                             Optional<String> owner, Optional<Instant> leaseUntil, List<ParkedEvent> parked) {
    /** @throws NullPointerException if an argument is null */
    public ConsumerStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(delivery, "delivery");
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(leaseUntil, "leaseUntil");
        parked = List.copyOf(parked);
    }
}
