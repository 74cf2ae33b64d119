package org.membership.inmemory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import org.membership.core.spi.MembershipStore;
import org.membership.tck.AtomicityContract;
import org.membership.tck.ConcurrencyContract;

/** Proves the kit can fail: its race and atomicity tests run against a store without transactions must fail. */
final class ContractSelfTest {
    private static final int ATTEMPTS = 5;

    /** The concurrency contract over the broken store; nested, so the build does not run it on its own. */
    static final class AgainstAutoCommitStore extends ConcurrencyContract {
        @Override
        protected MembershipStore newStore() {
            return new AutoCommitStore();
        }
    }

    /** The atomicity contract over the broken store; nested, so the build does not run it on its own. */
    static final class AtomicityAgainstAutoCommitStore extends AtomicityContract {
        @Override
        protected MembershipStore newStore() {
            return new AutoCommitStore();
        }
    }

    // ---- atomicity -----------------------------------------------------------------------------------

    @Test
    void atomicityContract_failsEveryPositionButTheFirst_onAStoreWithoutTransactions() {
        for (String operation : List.of("removeByEmail_failureAtEveryWritePosition_changesNothing",
                "acceptInvitation_failureAtEveryWritePosition_changesNothing",
                "createOrganization_failureAtEveryWritePosition_changesNothing",
                "inviteReplacingAnExpiredInvitation_failureAtEveryWritePosition_changesNothing",
                "removeWorkspaceMember_failureAtEveryWritePosition_changesNothing")) {
            TestExecutionSummary summary = run(AtomicityAgainstAutoCommitStore.class, operation);
            // failing before the first write leaves nothing behind even without transactions; every later
            // position leaves a partial change that the comparison must catch
            assertTrue(summary.getTestsStartedCount() >= 4, operation);
            assertEquals(summary.getTestsStartedCount() - 1, summary.getTestsFailedCount(), operation);
            summary.getFailures().forEach(f -> assertTrue(f.getException() instanceof AssertionError,
                    () -> operation + " failed by throwing " + f.getException()));
        }
    }

    // ---- concurrency ---------------------------------------------------------------------------------

    @Test
    void concurrencyContract_failsEveryRaceOnAStoreWithoutTransactions() {
        List<String> races = List.of("rule6_lastAdminSurvivesRace", "rule6_lastAdminSurvivesRace_workspaceAdminsLeavingTogether",
                "rule6_lastAdminSurvivesRace_organizationAdminsLeavingTogetherByEmail",
                "rule6_lastAdminSurvivesRace_organizationAdminsRemovingEachOtherByEmail", "rule9_acceptVersusRevoke_exactlyOneWins",
                "organizationRemovalVersusWorkspaceAdd");
        for (String race : races) {
            // Whether threads overlap depends on the scheduler (a loaded machine can serialize a whole
            // run by chance), so a race gets a few runs of its trials to catch the broken store.
            TestExecutionSummary summary = run(AgainstAutoCommitStore.class, race);
            for (int attempt = 1; attempt < ATTEMPTS && summary.getTestsFailedCount() == 0; attempt++) {
                summary = run(AgainstAutoCommitStore.class, race);
            }
            assertEquals(1, summary.getTestsStartedCount(), race);
            assertEquals(1, summary.getTestsFailedCount(),
                    () -> race + " passed " + ATTEMPTS + " times on a store without transactions");
            Throwable why = summary.getFailures().get(0).getException();
            assertTrue(why instanceof AssertionError, () -> race + " failed by throwing " + why);
        }
    }

    private static TestExecutionSummary run(Class<?> contract, String method) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectMethod(contract, method)).build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(request, listener);
        return listener.getSummary();
    }
}
