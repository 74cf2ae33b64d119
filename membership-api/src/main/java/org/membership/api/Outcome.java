package org.membership.api;

import java.util.Objects;
import java.util.Optional;

/**
 * What a command did: {@link Success} with its result, or {@link Refused} with the reason nothing
 * changed. Business rules never throw.
 *
 * <pre>{@code
 * Outcome<WorkspaceMember> outcome = membership.execute(actor, command);
 * if (outcome instanceof Outcome.Success<WorkspaceMember> s) { ... s.value() ... }
 * else if (outcome instanceof Outcome.Refused<WorkspaceMember> r) { ... r.why().status() ... }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param <R> the result type of the command
 */
public sealed interface Outcome<R> {
    /** @return whether the command succeeded */
    boolean succeeded();

    /** @return the result, if the command succeeded */
    Optional<R> result();

    /** @return the refusal, if the command was refused (the same accessor as {@link Decision#refusal()}) */
    Optional<Refusal> refusal();

    /**
     * @return for a change that committed, the feed position of its last event: a host passes it to
     *         {@link Subscription#awaitPosition} on any instance to wait until a consumer there has seen the
     *         change; empty for reads, refusals, changes that changed nothing, and the rare commit whose
     *         position the store could not learn (its events are in the feed all the same)
     */
    Optional<FeedPosition> position();

    /**
     * The command was carried out and committed.
     *
     * @param value its result
     * @param position the feed position of the change's last event, if it changed anything
     * @param <R> the result type
     */
    record Success<R>(R value, Optional<FeedPosition> position) implements Outcome<R> {
        /** @throws NullPointerException if an argument is null */
        public Success {
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(position, "position");
        }

        /**
         * A success with no feed position: a read, or a change that changed nothing.
         *
         * @param value its result
         * @throws NullPointerException if value is null
         */
        public Success(R value) {
            this(value, Optional.empty());
        }

        @Override
        public boolean succeeded() {
            return true;
        }

        @Override
        public Optional<R> result() {
            return Optional.of(value);
        }

        @Override
        public Optional<Refusal> refusal() {
            return Optional.empty();
        }
    }

    /**
     * The command was refused; nothing changed.
     *
     * @param why the refusal
     * @param <R> the result type the command would have had
     */
    record Refused<R>(Refusal why) implements Outcome<R> {
        /** @throws NullPointerException if why is null */
        public Refused {
            Objects.requireNonNull(why, "why");
        }

        @Override
        public boolean succeeded() {
            return false;
        }

        @Override
        public Optional<R> result() {
            return Optional.empty();
        }

        @Override
        public Optional<Refusal> refusal() {
            return Optional.of(why);
        }

        @Override
        public Optional<FeedPosition> position() {
            return Optional.empty();
        }
    }
}
