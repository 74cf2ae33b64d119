package org.membership.api;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The answer to a dry run ("may this actor do this now?"): exactly the decision the real call
 * would make against the same state, without any effect. It has the shape of {@link Outcome}:
 * {@link Allowed} where the call would be a {@link Outcome.Success}, {@link Refused} with the very
 * refusal its {@link Outcome.Refused} would carry, and the same {@link #refusal()} and {@link #fold}.
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface Decision {
    /** @return the refusal, if the command would be refused (the same accessor as {@link Outcome#refusal()}) */
    Optional<Refusal> refusal();

    /** @return whether the command would be carried out (where {@link Outcome#succeeded()} would be true) */
    default boolean allowed() {
        return refusal().isEmpty();
    }

    /**
     * Answers both cases at once.
     *
     * @param onAllowed what an allowed command becomes
     * @param onRefusal what a refusal becomes
     * @param <T> what both become
     * @return the value of the function for this decision's case
     * @throws NullPointerException if a function is null
     */
    <T> T fold(Supplier<? extends T> onAllowed, Function<? super Refusal, ? extends T> onRefusal);

    /** @return the decision that allows */
    static Decision allow() {
        return Allowed.ALLOWED;
    }

    /**
     * @param refusal why not
     * @return the decision that refuses
     * @throws NullPointerException if refusal is null
     */
    static Decision refuse(Refusal refusal) {
        return new Refused(refusal);
    }

    /** The command would be carried out. */
    record Allowed() implements Decision {
        private static final Allowed ALLOWED = new Allowed();

        @Override
        public Optional<Refusal> refusal() {
            return Optional.empty();
        }

        @Override
        public <T> T fold(Supplier<? extends T> onAllowed, Function<? super Refusal, ? extends T> onRefusal) {
            Objects.requireNonNull(onRefusal, "onRefusal");
            return onAllowed.get();
        }
    }

    /**
     * The command would be refused.
     *
     * @param why the refusal the real call would return
     */
    record Refused(Refusal why) implements Decision {
        /** @throws NullPointerException if why is null */
        public Refused {
            Objects.requireNonNull(why, "why");
        }

        @Override
        public Optional<Refusal> refusal() {
            return Optional.of(why);
        }

        @Override
        public <T> T fold(Supplier<? extends T> onAllowed, Function<? super Refusal, ? extends T> onRefusal) {
            Objects.requireNonNull(onAllowed, "onAllowed");
            return onRefusal.apply(why);
        }
    }
}
