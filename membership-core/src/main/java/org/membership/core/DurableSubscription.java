package org.membership.core;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.membership.api.ConsumerStatus;
import org.membership.api.FeedConsumer;
import org.membership.api.FeedEvent;
import org.membership.api.FeedPosition;
import org.membership.api.ParkedEvent;
import org.membership.api.UnableToPersistException;
import org.membership.core.spi.ConsumerRecord;

/**
 * A consumer delivered by one instance at a time ({@link FeedConsumer.Delivery#ONE_INSTANCE_AT_A_TIME}).
 *
 * <p>Thread-safe.
 */
final class DurableSubscription extends FeedSubscription {
    private static final System.Logger LOG = System.getLogger(DurableSubscription.class.getName());

    /*
     * The lease protocol. The consumer's row holds its position, the instance delivering it (owner)
     * and until when (leaseUntil, by the engine's clock). Every step that decides something about
     * the row runs in a write transaction that first reads the row, which locks it (see the SPI's
     * package documentation), so two instances take turns:
     *  - claim: an instance takes the row if nobody owns it, it owns it already, or the owner's lease
     *    has lapsed; it then delivers from the stored position (a standby first looks in a read
     *    transaction, so that waiting costs no write);
     *  - ack: after the listener returned (or the event was parked), the owner stores the event's
     *    position and a fresh lease, but only if the row still names it as owner at the position it
     *    delivered from; otherwise another instance took over, and this one stops delivering;
     *  - renew: while it waits or retries, the owner extends its lease the same way;
     *  - release: on close, the owner clears itself from the row so that a standby takes over at once.
     * A listener call is therefore repeated only when the instance stopped (or lost its lease, by
     * being slower than the lease) after the call and before its ack: at least once, in order.
     */

    private boolean owned;
    private Instant leaseUntil = Instant.MIN;

    DurableSubscription(EngineFeed feed, FeedConsumer consumer) {
        super(feed, consumer, FeedPosition.START);
    }

    private Duration lease() {
        return feed.settings.lease();
    }

    private boolean claimable(ConsumerRecord record, Instant now) {
        return record.owner().isEmpty() || record.owner().get().equals(feed.settings.instance())
                || !record.leaseUntil().isAfter(now);
    }

    /** @return the stored position if this instance now owns the consumer; empty if another does */
    private Optional<FeedPosition> claim() {
        Optional<ConsumerRecord> seen = feed.store.read(tx -> tx.consumer(consumer.name()));
        if (seen.isPresent() && !claimable(seen.get(), feed.clock.instant())) {
            leaseUntil = seen.get().leaseUntil();
            return Optional.empty();
        }
        return feed.store.write(tx -> {
            Optional<ConsumerRecord> record = tx.consumer(consumer.name());
            Instant now = feed.clock.instant();
            if (record.isPresent() && !claimable(record.get(), now)) {
                leaseUntil = record.get().leaseUntil();
                return Optional.empty();
            }
            FeedPosition from = record.map(ConsumerRecord::position)
                    .orElseGet(() -> owned || position.isAfter(FeedPosition.START)
                            ? position : consumer.startAfter().orElse(FeedPosition.START));
            leaseUntil = now.plus(lease());
            ConsumerRecord claimed = new ConsumerRecord(consumer.name(), from, Optional.of(feed.settings.instance()),
                    leaseUntil);
            if (record.isPresent()) {
                tx.updateConsumer(claimed);
            } else {
                tx.insertConsumer(claimed); // a rival that inserted it first makes this a lost race, run again
            }
            return Optional.of(from);
        });
    }

    /**
     * Stores {@code reached} (parking the event first if it was not delivered) with a fresh lease.
     *
     * @return false if another instance owns the consumer now, or it moved on without this one
     */
    private boolean store(FeedPosition from, FeedPosition reached, Optional<ParkedEvent> parked) {
        return feed.store.write(tx -> {
            Optional<ConsumerRecord> record = tx.consumer(consumer.name());
            if (record.isEmpty() || !record.get().owner().equals(Optional.of(feed.settings.instance()))
                    || !record.get().position().equals(from)) {
                return false;
            }
            parked.ifPresent(p -> tx.park(consumer.name(), p));
            Instant until = feed.clock.instant().plus(lease());
            tx.updateConsumer(new ConsumerRecord(consumer.name(), reached, Optional.of(feed.settings.instance()), until));
            leaseUntil = until;
            return true;
        });
    }

    /** Renews the lease once half of it has passed. @return whether this instance still owns the consumer */
    private boolean keepLease() {
        if (feed.clock.instant().isBefore(leaseUntil.minus(lease().dividedBy(2)))) {
            return true;
        }
        try {
            owned = store(position, position, Optional.empty());
        } catch (UnableToPersistException e) {
            LOG.log(System.Logger.Level.WARNING, "feed consumer " + consumer.name() + " could not renew its lease", e);
        }
        return owned;
    }

    @Override
    void deliver() {
        while (!closed()) {
            try {
                if (!owned) {
                    Optional<FeedPosition> from = claim();
                    if (from.isEmpty()) {
                        Duration untilLapse = Duration.between(feed.clock.instant(), leaseUntil);
                        pause(untilLapse.isNegative() || untilLapse.compareTo(feed.settings.pollInterval()) > 0
                                ? feed.settings.pollInterval() : untilLapse);
                        continue;
                    }
                    owned = true;
                    advanceTo(from.get());
                }
                List<FeedEvent> batch = feed.store.changes(position, feed.settings.batchSize());
                if (batch.isEmpty()) {
                    if (keepLease()) {
                        Duration wait = feed.settings.pollInterval().compareTo(lease().dividedBy(3)) < 0
                                ? feed.settings.pollInterval() : lease().dividedBy(3);
                        FeedPosition at = position;
                        interruptibly(() -> feed.store.awaitChanges(at, wait));
                        feed.maybePrune();
                    }
                    continue;
                }
                for (FeedEvent event : batch) {
                    if (closed() || !deliverOne(event)) {
                        break;
                    }
                }
            } catch (UnableToPersistException | IllegalStateException e) {
                LOG.log(System.Logger.Level.WARNING, "feed consumer " + consumer.name() + " could not reach the store;"
                        + " trying again", e);
                pause(AFTER_FAILURE);
            }
        }
    }

    /** @return whether to go on with the batch */
    private boolean deliverOne(FeedEvent event) {
        gapBefore(event);
        FeedPosition from = position;
        Offered offered = offer(event, this::keepLease, consumer.maxAttempts());
        if (offered == null) {
            return false;
        }
        Optional<ParkedEvent> parked = offered.delivered() ? Optional.empty()
                : Optional.of(new ParkedEvent(event, offered.attempts(), offered.error(), feed.clock.instant()));
        parked.ifPresent(p -> LOG.log(System.Logger.Level.ERROR, "feed consumer " + consumer.name() + " parked event "
                + event.id() + " after " + p.attempts() + " attempts: " + p.error()));
        owned = store(from, event.position(), parked);
        if (owned) {
            advanceTo(event.position());
        }
        return owned;
    }

    @Override
    void stopped() {
        if (!owned) {
            return;
        }
        try {
            feed.store.write(tx -> {
                Optional<ConsumerRecord> record = tx.consumer(consumer.name());
                if (record.isPresent() && record.get().owner().equals(Optional.of(feed.settings.instance()))) {
                    tx.updateConsumer(new ConsumerRecord(consumer.name(), record.get().position(), Optional.empty(),
                            feed.clock.instant()));
                }
                return null;
            });
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "feed consumer " + consumer.name() + " could not give up its lease;"
                    + " another instance takes over when it lapses", e);
        }
        owned = false;
    }

    @Override
    FeedPosition reached() {
        return feed.store.read(tx -> tx.consumer(consumer.name()).map(ConsumerRecord::position)).orElse(position);
    }

    @Override
    public boolean catchUp(Duration timeout) throws InterruptedException {
        return awaitPosition(feed.store.head(), timeout);
    }

    @Override
    public ConsumerStatus status() {
        FeedPosition head = feed.store.head();
        return feed.store.read(tx -> tx.consumer(consumer.name()).map(record -> feed.status(tx, record, head)))
                .orElseGet(() -> new ConsumerStatus(consumer.name(), FeedConsumer.Delivery.ONE_INSTANCE_AT_A_TIME,
                        position, Math.max(0, head.value() - position.value()), Optional.empty(), Optional.empty(),
                        List.of()));
    }
}
