package org.membership.core;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.membership.api.Refusal;

/**
 * One named step of a command's decision, asked about what the command has found so far (its
 * facts, of type {@code F}): a rule, which answers with the refusal it imposes or with nothing; or a
 * lock, which never refuses. A command's policies are an ordered list that {@link Policies#firstRefusal}
 * runs, stopping at the first refusal, so the list's order is the precedence of refusals, and a lock's
 * place in it is where the command takes that lock. Facts read what they need when a policy first
 * asks, so a command that stops early reads nothing more.
 *
 * @param name what the step checks or locks, with the rule it enforces
 * @param test the step itself
 * @param <F> the facts of the command it decides
 */
record Policy<F>(String name, Function<F, Optional<Refusal>> test) {
    Policy {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(test, "test");
    }

    /** A rule: refuses with what {@code test} answers, if anything. */
    static <F> Policy<F> check(String name, Function<F, Optional<Refusal>> test) {
        return new Policy<>(name, test);
    }

    /**
     * A lock, taken at this point of the decision and held until the transaction ends; in a screening
     * plan the decision ends here ({@link Locks#SCREENING}).
     */
    static <F> Policy<F> lock(String name, Consumer<F> take) {
        return new Policy<>(name, facts -> {
            take.accept(facts);
            return Optional.empty();
        });
    }

    @Override
    public String toString() {
        return name;
    }
}
