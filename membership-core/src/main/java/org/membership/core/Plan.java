package org.membership.core;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.membership.api.Refusal;
import org.membership.core.spi.StoreReads;
import org.membership.core.spi.StoreWrites;

/**
 * A decision about one command: refused; or, for a change, approved with the effect that carries it
 * out; or, for a read, answered with what reads its result. The decision is made from reads and
 * locks only, so a dry run and a real call decide identically; only a real call applies the effect
 * or reads the answer.
 *
 * @param <R> the command's result
 */
sealed interface Plan<R> {
    /** Carries out an approved change inside the same transaction it was decided in: its writes, audit and events. */
    @FunctionalInterface
    interface Effect<R> {
        R apply(StoreWrites writes, Change change);
    }

    /** Reads an answered read's result inside the same transaction it was decided in. */
    @FunctionalInterface
    interface Answer<R> {
        R read(StoreReads reads);
    }

    /** @return the refusal, if the command was refused */
    Optional<Refusal> refusal();

    static <R> Plan<R> refuse(Refusal why) {
        return new Refused<>(why);
    }

    /**
     * Runs a change's policies on its facts: refused with the first refusal, else approved with the
     * effect the facts describe.
     */
    static <F, R> Plan<R> decide(List<Policy<F>> policies, F facts, Function<F, Effect<R>> effect) {
        Optional<Refusal> refusal = Policies.firstRefusal(policies, facts);
        return refusal.isPresent() ? refuse(refusal.get()) : new Approved<>(effect.apply(facts));
    }

    /**
     * Runs a read's policies on its facts: refused with the first refusal, else answered with what
     * reads the result.
     */
    static <F, R> Plan<R> answer(List<Policy<F>> policies, F facts, Function<F, Answer<R>> answer) {
        Optional<Refusal> refusal = Policies.firstRefusal(policies, facts);
        return refusal.isPresent() ? refuse(refusal.get()) : new Answered<>(answer.apply(facts));
    }

    /** @param why the refusal */
    record Refused<R>(Refusal why) implements Plan<R> {
        public Refused {
            Objects.requireNonNull(why, "why");
        }

        @Override
        public Optional<Refusal> refusal() {
            return Optional.of(why);
        }
    }

    /** @param effect what carries the change out */
    record Approved<R>(Effect<R> effect) implements Plan<R> {
        public Approved {
            Objects.requireNonNull(effect, "effect");
        }

        @Override
        public Optional<Refusal> refusal() {
            return Optional.empty();
        }
    }

    /** @param answer what reads the result */
    record Answered<R>(Answer<R> answer) implements Plan<R> {
        public Answered {
            Objects.requireNonNull(answer, "answer");
        }

        @Override
        public Optional<Refusal> refusal() {
            return Optional.empty();
        }
    }
}
