package org.membership.api;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A named consumer of the change feed: its listener, how instances of the host share it, and how
 * it retries. Subscribe it with {@link ChangeFeed#subscribe}.
 *
 * <pre>{@code
 * // Side effects elsewhere: one instance at a time, resuming after a restart where it stopped.
 * feed.subscribe(FeedConsumer.named("revoke-api-keys", event -> keys.revokeFor(event)).build());
 *
 * // A cache on every instance: each one gets every event from the moment it subscribes.
 * Subscription cache = feed.subscribe(FeedConsumer.named("access-cache", event -> access.invalidate(event))
 *         .delivery(FeedConsumer.Delivery.EVERY_INSTANCE)
 *         .build());
 * }</pre>
 *
 * <p>Immutable and thread-safe; its builder is not.
 */
public final class FeedConsumer {
    /** How the instances of a host that subscribe the same consumer share its events. */
    public enum Delivery {
        /**
         * One instance at a time delivers, under a lease stored beside the consumer's position; the
         * others stand by and take over when its lease lapses. The position is stored in the store,
         * after the listener returns, so delivery resumes after a restart where it stopped: every
         * event at least once, across instances. For side effects that must happen once per event
         * (revoking keys in another system). Holds back pruning until it has passed an event.
         */
        ONE_INSTANCE_AT_A_TIME,
        /**
         * Every instance gets its own copy of every event committed from the moment it subscribes
         * (or from {@link Builder#startAfter}); its position lives in the instance and ends with it.
         * For per-instance state that must follow every change (an access cache). Does not hold back
         * pruning; falling further behind than the feed's retention calls {@link FeedListener#onGap}.
         */
        EVERY_INSTANCE
    }

    private final String name;
    private final FeedListener listener;
    private final Delivery delivery;
    private final int maxAttempts;
    private final Duration firstRetry;
    private final Duration maxRetry;
    private final Optional<FeedPosition> startAfter;

    private FeedConsumer(Builder builder) {
        this.name = builder.name;
        this.listener = builder.listener;
        this.delivery = builder.delivery;
        this.maxAttempts = builder.maxAttempts;
        this.firstRetry = builder.firstRetry;
        this.maxRetry = builder.maxRetry;
        this.startAfter = builder.startAfter;
    }

    /**
     * @param name the consumer's name: 1-128 characters from {@code A-Z a-z 0-9 _ - . :}, the key of its stored position
     * @param listener receives the events
     * @return a builder: delivered one instance at a time, 10 attempts per event, retries after 100 ms doubling up to 30 s
     * @throws InvalidInputException naming {@code consumer} if the name is not valid
     * @throws NullPointerException if listener is null
     */
    public static Builder named(String name, FeedListener listener) {
        return new Builder(Inputs.id("consumer", name), Objects.requireNonNull(listener, "listener"));
    }

    /** @return the name */
    public String name() {
        return name;
    }

    /** @return the listener */
    public FeedListener listener() {
        return listener;
    }

    /** @return how instances share it */
    public Delivery delivery() {
        return delivery;
    }

    /** @return how many times an event is offered to the listener before it is parked */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** @return the pause before the first retry of an event; each later pause doubles */
    public Duration firstRetry() {
        return firstRetry;
    }

    /** @return the longest pause between two attempts */
    public Duration maxRetry() {
        return maxRetry;
    }

    /**
     * @return where delivery starts: for {@link Delivery#ONE_INSTANCE_AT_A_TIME}, only when the consumer is
     *         first stored (empty: the oldest event the feed keeps); for {@link Delivery#EVERY_INSTANCE}, at
     *         each subscription (empty: the feed's head at that moment)
     */
    public Optional<FeedPosition> startAfter() {
        return startAfter;
    }

    @Override
    public String toString() {
        return "FeedConsumer[" + name + ", " + delivery + "]";
    }

    /** Builds a {@link FeedConsumer}. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private final FeedListener listener;
        private Delivery delivery = Delivery.ONE_INSTANCE_AT_A_TIME;
        private int maxAttempts = 10;
        private Duration firstRetry = Duration.ofMillis(100);
        private Duration maxRetry = Duration.ofSeconds(30);
        private Optional<FeedPosition> startAfter = Optional.empty();

        private Builder(String name, FeedListener listener) {
            this.name = name;
            this.listener = listener;
        }

        /**
         * @param value how instances share the consumer
         * @return this builder
         * @throws NullPointerException if value is null
         */
        public Builder delivery(Delivery value) {
            this.delivery = Objects.requireNonNull(value, "delivery");
            return this;
        }

        /**
         * @param value how many times an event is offered before it is parked, at least 1
         * @return this builder
         * @throws IllegalArgumentException if value is below 1
         */
        public Builder maxAttempts(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1");
            }
            this.maxAttempts = value;
            return this;
        }

        /**
         * @param first the pause before the first retry, doubling after each failure
         * @param max the longest pause
         * @return this builder
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if a pause is negative or first is longer than max
         */
        public Builder retries(Duration first, Duration max) {
            Objects.requireNonNull(first, "first");
            Objects.requireNonNull(max, "max");
            if (first.isNegative() || max.isNegative() || first.compareTo(max) > 0) {
                throw new IllegalArgumentException("retry pauses must be positive, the first no longer than the longest");
            }
            this.firstRetry = first;
            this.maxRetry = max;
            return this;
        }

        /**
         * @param position deliver the events after this one (see {@link FeedConsumer#startAfter()})
         * @return this builder
         * @throws NullPointerException if position is null
         */
        public Builder startAfter(FeedPosition position) {
            this.startAfter = Optional.of(Objects.requireNonNull(position, "position"));
            return this;
        }

        /** @return the consumer */
        public FeedConsumer build() {
            return new FeedConsumer(this);
        }
    }
}
