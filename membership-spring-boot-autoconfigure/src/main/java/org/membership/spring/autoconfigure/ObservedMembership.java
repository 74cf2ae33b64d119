package org.membership.spring.autoconfigure;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.membership.api.Actor;
import org.membership.api.ChangeFeed;
import org.membership.api.Command;
import org.membership.api.Decision;
import org.membership.api.Membership;
import org.membership.api.Outcome;
import org.membership.api.Refusal;

/**
 * A {@link Membership} that runs every command and every dry run inside a Micrometer
 * {@link Observation} named {@value #NAME}: a timer per operation and outcome wherever the
 * application records metrics, a span wherever it traces. Thread-safe, as its delegate is.
 */
final class ObservedMembership implements Membership {
    /*
     * Tags are low-cardinality only, the same few values for every call: the operation, whether it
     * was carried out or only checked, how it ended, and the refusal's stable code. Nothing that names
     * an actor, a user, a workspace or an email ever becomes a tag (nor a high-cardinality key value:
     * a span exported elsewhere is as public as a metric).
     */
    static final String NAME = "membership.command";
    static final String OPERATION = "membership.operation";
    static final String MODE = "membership.mode";
    static final String OUTCOME = "membership.outcome";
    static final String REASON = "membership.reason";

    private final Membership delegate;
    private final ObservationRegistry registry;

    ObservedMembership(Membership delegate, ObservationRegistry registry) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public <R> Outcome<R> execute(Actor actor, Command<R> command) {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(command, "command");
        Observation observation = start("execute", command);
        Observation.Scope scope = observation.openScope();
        try {
            Outcome<R> outcome = delegate.execute(actor, command);
            ended(observation, outcome.refusal());
            return outcome;
        } catch (RuntimeException | Error e) {
            failed(observation, e);
            throw e;
        } finally {
            scope.close();
            observation.stop();
        }
    }

    @Override
    public Decision check(Actor actor, Command<?> command) {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(command, "command");
        Observation observation = start("check", command);
        Observation.Scope scope = observation.openScope();
        try {
            Decision decision = delegate.check(actor, command);
            ended(observation, decision.refusal());
            return decision;
        } catch (RuntimeException | Error e) {
            failed(observation, e);
            throw e;
        } finally {
            scope.close();
            observation.stop();
        }
    }

    @Override
    public ChangeFeed changes() {
        return delegate.changes();
    }

    private Observation start(String mode, Command<?> command) {
        String operation = command.operation().name().toLowerCase(Locale.ROOT);
        return Observation.createNotStarted(NAME, registry)
                .contextualName("membership " + mode + " " + operation)
                .lowCardinalityKeyValue(OPERATION, operation)
                .lowCardinalityKeyValue(MODE, mode)
                .start();
    }

    private static void ended(Observation observation, Optional<Refusal> refusal) {
        observation.lowCardinalityKeyValue(OUTCOME, refusal.isPresent() ? "refused" : "success")
                .lowCardinalityKeyValue(REASON, refusal.map(Refusal::code).orElse("none"));
    }

    private static void failed(Observation observation, Throwable e) {
        observation.lowCardinalityKeyValue(OUTCOME, "failed").lowCardinalityKeyValue(REASON, "none");
        observation.error(e);
    }
}
