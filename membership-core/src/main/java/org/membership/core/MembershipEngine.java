package org.membership.core;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.membership.api.Actor;
import org.membership.api.ChangeFeed;
import org.membership.api.Command;
import org.membership.api.Decision;
import org.membership.api.FeedPosition;
import org.membership.api.Membership;
import org.membership.api.MembershipEvent;
import org.membership.api.MembershipListener;
import org.membership.api.MembershipRules;
import org.membership.api.Outcome;
import org.membership.api.Refusal;
import org.membership.core.spi.FeedReceipt;
import org.membership.core.spi.MembershipStore;
import org.membership.core.spi.StoreTransaction;

/**
 * The library's {@link Membership}: decides every command under the host's {@link MembershipRules}
 * and carries approved ones out through a {@link MembershipStore}.
 *
 * <pre>{@code
 * Membership membership = MembershipEngine.builder(store)
 *         .rules(Presets.flashback())
 *         .clock(Clock.systemUTC())
 *         .listener(event -> sessions.revokeFor(event))
 *         .build();
 * }</pre>
 *
 * <p>Thread-safe: one engine serves every thread of the host.
 */
public final class MembershipEngine implements Membership {
    private static final System.Logger LOG = System.getLogger(MembershipEngine.class.getName());

    private final MembershipStore store;
    private final Planner planner;
    private final Clock clock;
    private final IdGenerator ids;
    private final List<MembershipListener> listeners;
    private final EngineFeed feed;

    /*
     * Every command runs in two phases inside one store transaction: the Planner reads the few rows
     * the decision needs (taking its locks as the locking protocol of the SPI's package documentation
     * sets out) and returns either a refusal or an effect; only a real call applies the effect, in the same transaction,
     * together with its audit entry and its events, which go to the store's change feed in that
     * same transaction (the outbox: see the SPI's package documentation). A dry run runs the same
     * Planner in a read transaction and drops the effect, which is why it decides exactly as the
     * real call would. Events are collected while the effect runs and published to in-process
     * listeners once the transaction has committed (StoreTransaction#afterCommit: right after the
     * store's own COMMIT, or when the host commits a transaction the store joined); a store that
     * retries a transaction re-runs the whole function, so events of a failed attempt are never
     * published.
     */

    private MembershipEngine(Builder builder) {
        this.store = builder.store;
        this.planner = new Planner(builder.rules);
        this.clock = builder.clock;
        this.ids = builder.ids;
        this.listeners = List.copyOf(builder.listeners);
        this.feed = new EngineFeed(builder.store, builder.clock, builder.feed);
    }

    /**
     * @param store where memberships live
     * @return a builder with the default rules, the UTC system clock and random UUID ids
     * @throws NullPointerException if store is null
     */
    public static Builder builder(MembershipStore store) {
        return new Builder(Objects.requireNonNull(store, "store"));
    }

    @Override
    public <R> Outcome<R> execute(Actor actor, Command<R> command) {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(command, "command");
        Instant now = clock.instant();
        if (command.operation().isRead()) {
            return store.read(tx -> {
                Plan<R> plan = planner.plan(tx, actor, command, now);
                if (plan instanceof Plan.Answered<R> answered) {
                    return new Outcome.Success<>(answered.answer().read(tx));
                }
                return new Outcome.Refused<>(refusalOf(plan, command));
            });
        }
        Function<StoreTransaction, Committed<R>> work = tx -> {
            Plan<R> plan = planner.plan(tx, actor, command, now);
            if (!(plan instanceof Plan.Approved<R> approved)) {
                return new Committed<R>(new Outcome.Refused<>(refusalOf(plan, command)), null, null);
            }
            Change change = new Change(actor, command.operation(), now, ids);
            R result = approved.effect().apply(tx, change);
            if (change.events.isEmpty()) {
                return new Committed<>(null, result, null);
            }
            FeedReceipt receipt = tx.appendEvents(change.events);
            List<MembershipEvent> events = List.copyOf(change.events);
            tx.afterCommit(() -> {
                publish(events);
                feed.maybePrune();
            });
            return new Committed<>(null, result, receipt);
        };
        Committed<R> committed;
        if (store.exclusiveWrites() && Planner.screens(actor)) {
            // Refusals that need no lock are never queued behind other writers (Planner: rule 3 in time): a write
            // that began without waiting answers them itself; otherwise they are answered from a read first.
            Optional<Committed<R>> unqueued = store.writeIfUncontended(work);
            if (unqueued.isPresent()) {
                committed = unqueued.get();
            } else {
                Optional<Refusal> early = store.read(tx -> planner.screen(tx, actor, command, now));
                if (early.isPresent()) {
                    return new Outcome.Refused<>(early.get());
                }
                committed = store.write(work);
            }
        } else {
            committed = store.write(work);
        }
        if (committed.refused != null) {
            return committed.refused;
        }
        // Inside a host's transaction nothing has committed yet, so the receipt has no position.
        Optional<FeedPosition> position = committed.receipt == null ? Optional.empty() : committed.receipt.position();
        return new Outcome.Success<>(committed.result, position);
    }

    @Override
    public Decision check(Actor actor, Command<?> command) {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(command, "command");
        Instant now = clock.instant();
        return store.read(tx -> {
            Plan<?> plan = planner.plan(tx, actor, command, now);
            return plan.refusal().map(Decision::refuse).orElseGet(Decision::allow);
        });
    }

    @Override
    public ChangeFeed changes() {
        return feed;
    }

    private void publish(List<MembershipEvent> events) {
        for (MembershipEvent event : events) {
            for (MembershipListener listener : listeners) {
                try {
                    listener.on(event);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "membership listener failed on " + event, e);
                }
            }
        }
    }

    /** @return the plan's refusal; a plan of the wrong kind for its operation is a programming error */
    private static Refusal refusalOf(Plan<?> plan, Command<?> command) {
        return plan.refusal().orElseThrow(() -> new IllegalStateException(command.operation()
                + (command.operation().isRead() ? " is a read but was planned as a change" : " is a change but was planned as a read")));
    }

    /** What a write transaction returns: a refusal, or the result and where its events went (null if it has none). */
    private record Committed<R>(Outcome<R> refused, R result, FeedReceipt receipt) {}

    /** Builds a {@link MembershipEngine}. Not thread-safe; the engine it builds is. */
    public static final class Builder {
        private final MembershipStore store;
        private MembershipRules rules = MembershipRules.defaults();
        private Clock clock = Clock.systemUTC();
        private IdGenerator ids = () -> UUID.randomUUID().toString();
        private final List<MembershipListener> listeners = new ArrayList<>();
        private FeedSettings feed = FeedSettings.defaults();

        private Builder(MembershipStore store) {
            this.store = store;
        }

        /**
         * @param rules the host's rules
         * @return this builder
         * @throws NullPointerException if rules is null
         */
        public Builder rules(MembershipRules rules) {
            this.rules = Objects.requireNonNull(rules, "rules");
            return this;
        }

        /**
         * @param clock the only source of time the engine reads (invitation expiry, audit times)
         * @return this builder
         * @throws NullPointerException if clock is null
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param ids makes ids for new organizations, workspaces and invitations
         * @return this builder
         * @throws NullPointerException if ids is null
         */
        public Builder ids(IdGenerator ids) {
            this.ids = Objects.requireNonNull(ids, "ids");
            return this;
        }

        /**
         * @param listener receives events after each committed change, in this process, on the thread that
         *                 made the change (the fast path; the change feed is the durable one); may be called
         *                 more than once
         * @return this builder
         * @throws NullPointerException if listener is null
         */
        public Builder listener(MembershipListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * @param settings how this instance runs the change feed's consumers and prunes the feed
         * @return this builder
         * @throws NullPointerException if settings is null
         */
        public Builder feed(FeedSettings settings) {
            this.feed = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /** @return the engine */
        public MembershipEngine build() {
            return new MembershipEngine(this);
        }
    }
}
