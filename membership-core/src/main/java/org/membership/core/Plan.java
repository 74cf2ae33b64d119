package org.membership.core;

import org.membership.api.Refusal;
import org.membership.core.spi.StoreTransaction;

/**
 * A decision about one command: refused, or approved with the effect that carries it out. The
 * decision is made from reads only, so a dry run and a real call decide identically; only a real
 * call applies the effect.
 */
final class Plan<R> {
    /** Carries out an approved command inside the same transaction it was decided in. */
    @FunctionalInterface
    interface Effect<R> {
        R apply(StoreTransaction tx, Change change);
    }

    final Refusal refusal;
    final Effect<R> effect;

    private Plan(Refusal refusal, Effect<R> effect) {
        this.refusal = refusal;
        this.effect = effect;
    }

    static <R> Plan<R> refuse(Refusal refusal) {
        return new Plan<>(refusal, null);
    }

    static <R> Plan<R> approve(Effect<R> effect) {
        return new Plan<>(null, effect);
    }
}
