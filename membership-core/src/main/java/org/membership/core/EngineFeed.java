package org.membership.core;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReference;
import org.membership.api.ChangeFeed;
import org.membership.api.ConsumerStatus;
import org.membership.api.FeedConsumer;
import org.membership.api.FeedEvent;
import org.membership.api.FeedPosition;
import org.membership.api.InvalidInputException;
import org.membership.api.PageRequest;
import org.membership.api.Subscription;
import org.membership.core.spi.ConsumerRecord;
import org.membership.core.spi.MembershipStore;
import org.membership.core.spi.StoreTransaction;

/**
 * The engine's {@link ChangeFeed}: reads go straight to the store; subscriptions run on threads of
 * their own ({@link DurableSubscription}, {@link InstanceSubscription}). Thread-safe.
 */
final class EngineFeed implements ChangeFeed {
    private static final System.Logger LOG = System.getLogger(EngineFeed.class.getName());
    /** How many parked events a status lists at most. */
    static final int PARKED_SHOWN = 100;
    private static final int PRUNE_BATCH = 1000;
    private static final int PRUNE_BATCHES = 20;

    final MembershipStore store;
    final Clock clock;
    final FeedSettings settings;
    private final ConcurrentMap<String, FeedSubscription> running = new ConcurrentHashMap<>();
    private final AtomicReference<Instant> lastPrune;

    EngineFeed(MembershipStore store, Clock clock, FeedSettings settings) {
        this.store = store;
        this.clock = clock;
        this.settings = settings;
        this.lastPrune = new AtomicReference<>(clock.instant());
    }

    @Override
    public List<FeedEvent> read(FeedPosition after, int limit) {
        Objects.requireNonNull(after, "after");
        if (limit < 1 || limit > PageRequest.MAX_LIMIT) {
            throw new InvalidInputException("limit", "limit must be between 1 and " + PageRequest.MAX_LIMIT);
        }
        return store.changes(after, limit);
    }

    @Override
    public FeedPosition head() {
        return store.head();
    }

    @Override
    public Subscription subscribe(FeedConsumer consumer) {
        Objects.requireNonNull(consumer, "consumer");
        FeedSubscription subscription;
        switch (consumer.delivery()) {
            case ONE_INSTANCE_AT_A_TIME:
                subscription = new DurableSubscription(this, consumer);
                break;
            case EVERY_INSTANCE:
                subscription = new InstanceSubscription(this, consumer, consumer.startAfter().orElseGet(store::head));
                break;
            default:
                throw new AssertionError(consumer.delivery());
        }
        if (running.putIfAbsent(consumer.name(), subscription) != null) {
            throw new IllegalStateException("a consumer named " + consumer.name() + " is already subscribed here");
        }
        subscription.start();
        return subscription;
    }

    /** Called by a subscription once it has stopped. */
    void ended(FeedSubscription subscription) {
        running.remove(subscription.consumer(), subscription);
    }

    @Override
    public List<ConsumerStatus> consumers() {
        FeedPosition head = store.head();
        return store.read(tx -> {
            List<ConsumerStatus> out = new ArrayList<>();
            for (ConsumerRecord record : tx.consumers()) {
                out.add(status(tx, record, head));
            }
            return out;
        });
    }

    @Override
    public Optional<ConsumerStatus> consumer(String name) {
        String checked = FeedConsumer.named(name, event -> { }).build().name();
        FeedPosition head = store.head();
        return store.read(tx -> tx.consumer(checked).map(record -> status(tx, record, head)));
    }

    /** @return a stored consumer's status, as of {@code head} */
    ConsumerStatus status(StoreTransaction tx, ConsumerRecord record, FeedPosition head) {
        boolean leased = record.owner().isPresent() && record.leaseUntil().isAfter(clock.instant());
        return new ConsumerStatus(record.name(), FeedConsumer.Delivery.ONE_INSTANCE_AT_A_TIME, record.position(),
                Math.max(0, head.value() - record.position().value()),
                leased ? record.owner() : Optional.empty(), leased ? Optional.of(record.leaseUntil()) : Optional.empty(),
                tx.parked(record.name(), PARKED_SHOWN));
    }

    @Override
    public boolean removeConsumer(String name) {
        String checked = FeedConsumer.named(name, event -> { }).build().name();
        return store.write(tx -> tx.deleteConsumer(checked));
    }

    @Override
    public int prune() {
        int total = 0;
        for (int batch = 0; batch < PRUNE_BATCHES; batch++) {
            Instant before = clock.instant().minus(settings.retention());
            int deleted = store.write(tx -> {
                long through = Long.MAX_VALUE;
                for (ConsumerRecord consumer : tx.consumers()) {
                    through = Math.min(through, consumer.position().value());
                }
                return tx.pruneFeed(FeedPosition.of(through), before, PRUNE_BATCH);
            });
            total += deleted;
            if (deleted < PRUNE_BATCH) {
                break;
            }
        }
        return total;
    }

    /**
     * Prunes the feed if the settings ask for it and the last time is long enough ago; at most one
     * caller at a time does it. A failure is logged: pruning is housekeeping, never a reason to fail
     * the change that triggered it.
     */
    void maybePrune() {
        if (settings.pruneEvery().isZero()) {
            return;
        }
        Instant last = lastPrune.get();
        Instant now = clock.instant();
        if (now.isBefore(last.plus(settings.pruneEvery())) || !lastPrune.compareAndSet(last, now)) {
            return;
        }
        try {
            // A look first, so that when nothing is old enough (nearly always) pruning costs no write transaction.
            List<FeedEvent> oldest = store.changes(FeedPosition.START, 1);
            if (oldest.isEmpty() || !oldest.get(0).at().isBefore(now.minus(settings.retention()))) {
                return;
            }
            int deleted = prune();
            if (deleted > 0) {
                LOG.log(System.Logger.Level.DEBUG, "pruned {0} events from the change feed", deleted);
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "could not prune the change feed; will try again later", e);
        }
    }
}
