package org.membership.core;

import java.util.Objects;
import java.util.Optional;
import org.membership.api.Refusal;

/**
 * What a gate a command passes through answers: passed, with what it found on the way, or refused.
 *
 * @param <T> what a passed gate found
 */
sealed interface Gate<T> {
    /** @return the refusal, if the gate refused */
    Optional<Refusal> refusal();

    /**
     * @return what the gate found
     * @throws IllegalStateException if it refused: only a policy after the gate's own asks for it
     */
    T found();

    static <T> Gate<T> passed(T found) {
        return new Passed<>(found);
    }

    static <T> Gate<T> refused(Refusal why) {
        return new Refused<>(why);
    }

    /** @param found what the gate found on the way */
    record Passed<T>(T found) implements Gate<T> {
        public Passed {
            Objects.requireNonNull(found, "found");
        }

        @Override
        public Optional<Refusal> refusal() {
            return Optional.empty();
        }
    }

    /** @param why the refusal */
    record Refused<T>(Refusal why) implements Gate<T> {
        public Refused {
            Objects.requireNonNull(why, "why");
        }

        @Override
        public Optional<Refusal> refusal() {
            return Optional.of(why);
        }

        @Override
        public T found() {
            throw new IllegalStateException("the gate refused (" + why.code() + "): nothing was found");
        }
    }
}
