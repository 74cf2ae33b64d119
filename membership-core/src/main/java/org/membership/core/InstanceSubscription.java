package org.membership.core;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.membership.api.ConsumerStatus;
import org.membership.api.FeedConsumer;
import org.membership.api.FeedEvent;
import org.membership.api.FeedPosition;
import org.membership.api.ParkedEvent;
import org.membership.api.UnableToPersistException;

/**
 * A consumer delivered to every instance ({@link FeedConsumer.Delivery#EVERY_INSTANCE}): its position
 * lives here. Deliveries run on the subscription's thread, or on a thread that calls
 * {@link #catchUp}; one lock keeps them one at a time and in order.
 *
 * <p>Thread-safe.
 */
final class InstanceSubscription extends FeedSubscription {
    private static final System.Logger LOG = System.getLogger(InstanceSubscription.class.getName());

    private final ReentrantLock delivering = new ReentrantLock();
    /** Guarded by itself: the newest parked events, at most {@link EngineFeed#PARKED_SHOWN}. */
    private final Deque<ParkedEvent> parked = new ArrayDeque<>();

    InstanceSubscription(EngineFeed feed, FeedConsumer consumer, FeedPosition start) {
        super(feed, consumer, start);
    }

    @Override
    void deliver() {
        while (!closed()) {
            try {
                if (!deliverAvailable(consumer.maxAttempts())) {
                    FeedPosition at = position;
                    interruptibly(() -> feed.store.awaitChanges(at, feed.settings.pollInterval()));
                }
            } catch (UnableToPersistException | IllegalStateException e) {
                LOG.log(System.Logger.Level.WARNING, "feed consumer " + consumer.name() + " could not read the feed;"
                        + " trying again", e);
                pause(AFTER_FAILURE);
            }
        }
    }

    /**
     * Delivers one batch, if there is one.
     *
     * @param attempts how many times to offer each event before parking it; a caller's thread makes one and
     *                 leaves a failing event to the subscription's thread
     * @return whether it delivered anything
     */
    private boolean deliverAvailable(int attempts) {
        delivering.lock();
        try {
            List<FeedEvent> batch = feed.store.changes(position, feed.settings.batchSize());
            for (FeedEvent event : batch) {
                if (closed()) {
                    break;
                }
                gapBefore(event);
                Offered offered = offer(event, () -> true, attempts);
                if (offered == null) {
                    return true;
                }
                if (!offered.delivered()) {
                    if (attempts < consumer.maxAttempts()) {
                        return true; // the subscription's thread retries it
                    }
                    park(new ParkedEvent(event, offered.attempts(), offered.error(), feed.clock.instant()));
                }
                advanceTo(event.position());
            }
            return !batch.isEmpty();
        } finally {
            delivering.unlock();
        }
    }

    private void park(ParkedEvent event) {
        LOG.log(System.Logger.Level.ERROR, "feed consumer " + consumer.name() + " parked event " + event.event().id()
                + " after " + event.attempts() + " attempts: " + event.error());
        synchronized (parked) {
            if (parked.size() == EngineFeed.PARKED_SHOWN) {
                parked.removeFirst();
            }
            parked.addLast(event);
        }
    }

    @Override
    FeedPosition reached() {
        return position;
    }

    @Override
    public boolean catchUp(Duration timeout) throws InterruptedException {
        FeedPosition head = feed.store.head();
        if (!head.isAfter(position)) {
            return true;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        if (delivering.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            try {
                while (head.isAfter(position) && !closed() && System.nanoTime() < deadline) {
                    FeedPosition before = position;
                    deliverAvailable(1);
                    if (!position.isAfter(before)) {
                        break; // a listener failed: the subscription's thread retries it
                    }
                }
            } finally {
                delivering.unlock();
            }
        }
        return awaitPosition(head, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }

    @Override
    public ConsumerStatus status() {
        FeedPosition head = feed.store.head();
        List<ParkedEvent> shown;
        synchronized (parked) {
            shown = List.copyOf(parked);
        }
        return new ConsumerStatus(consumer.name(), FeedConsumer.Delivery.EVERY_INSTANCE, position,
                Math.max(0, head.value() - position.value()), Optional.of(feed.settings.instance()), Optional.empty(),
                shown);
    }
}
