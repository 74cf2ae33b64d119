package org.membership.api;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a command did: {@link Success} with its result, or {@link Refused} with the reason nothing
 * changed. Business rules never throw. {@link Decision}, a dry run's answer, has the same shape.
 *
 * <pre>{@code
 * Outcome<WorkspaceMember> outcome = membership.execute(actor, command);
 * Response response = outcome.fold(
 *         member -> Response.ok(member),
 *         refusal -> Response.problem(refusal.status(), refusal.toProblemDetails()));
 * WorkspaceMember member = outcome.orElseThrow();          // or RefusedException, carrying the refusal
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param <R> the result type of the command
 */
public sealed interface Outcome<R> {
    /** @return whether the command succeeded */
    boolean succeeded();

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
     * @return the result, if the command succeeded
     * @throws RefusedException carrying the refusal, if it was refused
     */
    R orElseThrow();

    /**
     * @param exception makes the exception to throw from the refusal
     * @param <X> the exception's type
     * @return the result, if the command succeeded
     * @throws X if it was refused
     * @throws NullPointerException if exception is null, or makes null
     */
    <X extends Throwable> R orElseThrow(Function<? super Refusal, ? extends X> exception) throws X;

    /**
     * @param mapper turns the result into another value
     * @param <T> that value's type
     * @return a success with the mapped value and the same position, or this refusal
     * @throws NullPointerException if mapper is null, or maps to null
     */
    <T> Outcome<T> map(Function<? super R, ? extends T> mapper);

    /**
     * Answers both cases at once.
     *
     * @param onSuccess what a success becomes
     * @param onRefusal what a refusal becomes
     * @param <T> what both become
     * @return the value of the function for this outcome's case
     * @throws NullPointerException if a function is null
     */
    <T> T fold(Function<? super R, ? extends T> onSuccess, Function<? super Refusal, ? extends T> onRefusal);

    /**
     * The command was carried out and committed.
     *
     * @param value its result: the one success accessor
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
        public Optional<Refusal> refusal() {
            return Optional.empty();
        }

        @Override
        public R orElseThrow() {
            return value;
        }

        @Override
        public <X extends Throwable> R orElseThrow(Function<? super Refusal, ? extends X> exception) {
            Objects.requireNonNull(exception, "exception");
            return value;
        }

        @Override
        public <T> Outcome<T> map(Function<? super R, ? extends T> mapper) {
            return new Success<>(mapper.apply(value), position);
        }

        @Override
        public <T> T fold(Function<? super R, ? extends T> onSuccess, Function<? super Refusal, ? extends T> onRefusal) {
            Objects.requireNonNull(onRefusal, "onRefusal");
            return onSuccess.apply(value);
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
        public Optional<Refusal> refusal() {
            return Optional.of(why);
        }

        @Override
        public Optional<FeedPosition> position() {
            return Optional.empty();
        }

        @Override
        public R orElseThrow() {
            throw new RefusedException(why);
        }

        @Override
        public <X extends Throwable> R orElseThrow(Function<? super Refusal, ? extends X> exception) throws X {
            throw Objects.requireNonNull(exception.apply(why), "exception");
        }

        @Override
        public <T> Outcome<T> map(Function<? super R, ? extends T> mapper) {
            Objects.requireNonNull(mapper, "mapper");
            return new Refused<>(why);
        }

        @Override
        public <T> T fold(Function<? super R, ? extends T> onSuccess, Function<? super Refusal, ? extends T> onRefusal) {
            Objects.requireNonNull(onSuccess, "onSuccess");
            return onRefusal.apply(why);
        }
    }
}
