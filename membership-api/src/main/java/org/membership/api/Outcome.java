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
     * The command was carried out and committed.
     *
     * @param value its result
     * @param <R> the result type
     */
    record Success<R>(R value) implements Outcome<R> {
        /** @throws NullPointerException if value is null */
        public Success {
            Objects.requireNonNull(value, "value");
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
    }
}
