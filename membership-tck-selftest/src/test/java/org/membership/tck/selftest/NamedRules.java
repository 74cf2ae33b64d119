package org.membership.tck.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.util.List;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs named rules of a contract over the store its subclass opens, and says whether they failed as
 * a caught defect must: each with an assertion, not by throwing something else. Whether racing
 * threads overlap depends on the scheduler (a loaded machine can serialize a whole run by chance), so
 * a rule gets up to {@code attempts} runs to catch a broken store; a rule that does not race fails or
 * passes alike on every run. Immutable.
 */
final class NamedRules {
    private final int attempts;

    /** @param attempts how many runs a rule gets to fail */
    NamedRules(int attempts) {
        this.attempts = attempts;
    }

    /** Each rule fails, with an assertion, within the attempts. */
    void assertFail(Class<?> contract, List<String> rules) {
        for (String rule : rules) {
            TestExecutionSummary summary = run(contract, rule);
            for (int attempt = 1; attempt < attempts && summary.getTestsFailedCount() == 0; attempt++) {
                summary = run(contract, rule);
            }
            assertEquals(1, summary.getTestsStartedCount(), rule);
            assertEquals(1, summary.getTestsFailedCount(),
                    () -> rule + " passed " + attempts + " times on " + contract.getSimpleName());
            Throwable why = summary.getFailures().get(0).getException();
            assertTrue(why instanceof AssertionError, () -> rule + " on " + contract.getSimpleName() + " failed by throwing " + why);
        }
    }

    /** Each rule passes, on its first run. */
    void assertPass(Class<?> contract, List<String> rules) {
        for (String rule : rules) {
            TestExecutionSummary summary = run(contract, rule);
            assertEquals(1, summary.getTestsStartedCount(), rule);
            assertEquals(List.of(), summary.getFailures().stream().map(f -> f.getException().toString()).toList(),
                    () -> rule + " failed on " + contract.getSimpleName());
        }
    }

    /** @return the summary of one run of the contract's test {@code method} */
    static TestExecutionSummary run(Class<?> contract, String method) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectMethod(contract, method)).build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(request, listener);
        return listener.getSummary();
    }
}
