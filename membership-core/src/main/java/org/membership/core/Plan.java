package org.membership.core;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.membership.api.Refusal;
import org.membership.core.spi.StoreTransaction;

/**
 * A decision about one command: refused, or approved with the effect that carries it out. The
 * decision is made from reads only, so a dry run and a real call decide identically; only a real
 * call applies the effect.
 *
 * @param <R> the command's result
 */
sealed interface Plan<R> {
    /** Carries out an approved command inside the same transaction it was decided in. */
    @FunctionalInterface
    interface Effect<R> {
        R apply(StoreTransaction tx, Change change);
    }

    /** @return the refusal, if the command was refused */
    Optional<Refusal> refusal();

    static <R> Plan<R> refuse(Refusal why) {
        return new Refused<>(why);
    }

    static <R> Plan<R> approve(Effect<R> effect) {
        return new Approved<>(effect);
    }

    /**
     * Runs a command's policies on its facts: refused with the first refusal, else approved with the
     * effect the facts describe.
     */
    static <F, R> Plan<R> decide(List<Policy<F>> policies, F facts, Function<F, Effect<R>> effect) {
        Optional<Refusal> refusal = Policies.firstRefusal(policies, facts);
        return refusal.isPresent() ? refuse(refusal.get()) : approve(effect.apply(facts));
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

    /** @param effect what carries the command out */
    record Approved<R>(Effect<R> effect) implements Plan<R> {
        public Approved {
            Objects.requireNonNull(effect, "effect");
        }

        @Override
        public Optional<Refusal> refusal() {
            return Optional.empty();
        }
    }
}
