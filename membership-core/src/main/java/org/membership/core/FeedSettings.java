package org.membership.core;

import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * How the engine runs the change feed's consumers on this instance. Immutable and thread-safe;
 * start from {@link #defaults()}.
 *
 * <pre>{@code
 * MembershipEngine.builder(store)
 *         .feed(FeedSettings.defaults().instance("web-" + hostName).retention(Duration.ofDays(3)))
 *         .build();
 * }</pre>
 *
 * @param instance this instance's name in consumer leases (1-128 characters from {@code A-Z a-z 0-9 _ - . :});
 *                 two running instances must not share one
 * @param lease how long an instance holds a consumer delivered one instance at a time without renewing it;
 *              a listener call that takes longer may be repeated by another instance
 * @param pollInterval the longest a consumer waits before looking at the feed again when the store sends no
 *                     wake-up (the stores wake consumers at once on changes they see)
 * @param retention how long events are kept at least, once every stored consumer has passed them
 * @param pruneEvery how often, at most, the engine prunes the feed by itself after a change or while a
 *                   consumer runs; {@link Duration#ZERO} never (a host then calls
 *                   {@link org.membership.api.ChangeFeed#prune()})
 * @param batchSize how many events a consumer reads at once, 1 to 1000
 */
public record FeedSettings(String instance, Duration lease, Duration pollInterval, Duration retention,
                           Duration pruneEvery, int batchSize) {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

    /**
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the instance is not a valid name, a duration is negative (or the
     *                                  lease or poll interval zero), or the batch size is outside 1 to 1000
     */
    public FeedSettings {
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(pruneEvery, "pruneEvery");
        if (!ID.matcher(instance).matches()) {
            throw new IllegalArgumentException("instance must be 1-128 characters from A-Z a-z 0-9 _ - . :");
        }
        if (lease.isNegative() || lease.isZero() || pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("lease and pollInterval must be positive");
        }
        if (retention.isNegative() || pruneEvery.isNegative()) {
            throw new IllegalArgumentException("retention and pruneEvery must not be negative");
        }
        if (batchSize < 1 || batchSize > 1000) {
            throw new IllegalArgumentException("batchSize must be between 1 and 1000");
        }
    }

    /**
     * @return a random instance name, a 30 s lease, a 1 s poll interval, 7 days' retention, pruning at most
     *         once a minute, batches of 100
     */
    public static FeedSettings defaults() {
        return new FeedSettings("instance-" + UUID.randomUUID(), Duration.ofSeconds(30), Duration.ofSeconds(1),
                Duration.ofDays(7), Duration.ofMinutes(1), 100);
    }

    /** @param value this instance's name @return a copy with it */
    public FeedSettings instance(String value) {
        return new FeedSettings(value, lease, pollInterval, retention, pruneEvery, batchSize);
    }

    /** @param value the lease @return a copy with it */
    public FeedSettings lease(Duration value) {
        return new FeedSettings(instance, value, pollInterval, retention, pruneEvery, batchSize);
    }

    /** @param value the poll interval @return a copy with it */
    public FeedSettings pollInterval(Duration value) {
        return new FeedSettings(instance, lease, value, retention, pruneEvery, batchSize);
    }

    /** @param value the retention @return a copy with it */
    public FeedSettings retention(Duration value) {
        return new FeedSettings(instance, lease, pollInterval, value, pruneEvery, batchSize);
    }

    /** @param value how often to prune at most, ZERO for never @return a copy with it */
    public FeedSettings pruneEvery(Duration value) {
        return new FeedSettings(instance, lease, pollInterval, retention, value, batchSize);
    }

    /** @param value the batch size @return a copy with it */
    public FeedSettings batchSize(int value) {
        return new FeedSettings(instance, lease, pollInterval, retention, pruneEvery, value);
    }
}
