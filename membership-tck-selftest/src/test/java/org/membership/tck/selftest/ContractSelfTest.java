package org.membership.tck.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import org.membership.core.spi.MembershipStore;
import org.membership.inmemory.InMemoryStore;
import org.membership.tck.AtomicityContract;
import org.membership.tck.ConcurrencyContract;
import org.membership.tck.DocumentedApisContract;
import org.membership.tck.StoreContract;

/**
 * Proves the kit can fail: each deliberately broken store fails, with an assertion, the named rules
 * that guard against its defect, and the honest {@link InMemoryStore} passes those very rules.
 * Where a broken store has one defect only, it also passes the rules about the others, so a failure
 * points at the defect and not at an accident of the test.
 */
final class ContractSelfTest {
    /**
     * Runs a race gets to catch its broken store. The three-thread usable-admin race once passed five
     * runs in a row on the write-skew store (2 cores, a full build): eight make that about as rare as
     * the other races' misses, and cost nothing when the store is caught at once.
     */
    private static final NamedRules RULES = new NamedRules(8);
    /** Enough trials of each race to catch a broken store, few enough for a store that replays its history. */
    private static final int TRIALS = 25;

    private static final List<String> ATOMICITY_RULES = List.of("write_failsAfterDeletes_deletedRowsComeBack",
            "write_workThrowsMidway_nothingIsVisible", "write_afterAFailedWrite_nextWriteCommits",
            "expireInvitations_isRolledBackWithItsTransaction");
    private static final List<String> LOCKING_RULES = List.of("lockOrganization_twoAdminsRemovingEachOther_leavesOne",
            "lockOrganization_serializesTwoWriters_theSecondSeesTheFirst",
            "lockUser_anAdminCountAfterTheLock_countsTheStatusTheHolderLeft",
            "lockUser_afterAnAdminCountThatCountedTheUser_seesWhatThatTransactionChanged");
    private static final List<String> RACES = List.of("rule6_lastAdminSurvivesRace",
            "rule6_lastAdminSurvivesRace_workspaceAdminsLeavingTogether",
            "rule6_lastAdminSurvivesRace_organizationAdminsLeavingTogetherByEmail",
            "rule6_lastAdminSurvivesRace_organizationAdminsRemovingEachOtherByEmail", "rule9_acceptVersusRevoke_exactlyOneWins",
            "organizationRemovalVersusWorkspaceAdd", "rule6_usableAdminSurvivesRace_disablingOneAdminWhileRemovingTheOther",
            "rule6_usableAdminSurvivesRace_disablingAUserWhileItBecomesAnAdminAndTheOtherAdminIsRemoved",
            "rule6_usableAdminSurvivesRace_disablingAUserWhileItBecomesAWorkspaceAdminAndTheOtherIsRemoved",
            "rule6_lastAdminSurvivesRace_demotionVersusRemovalOfTheOtherAdmin", "deleteWorkspaceVersusAddMember",
            "deleteOrganizationVersusAcceptInvitation", "rule9_twoUsersChangingToOneEmail_exactlyOneGetsIt");
    private static final List<String> USABLE_ADMIN_RULES = List.of(
            "countOrganizationAdmins_countsOnlyAdminsWithAValidatedAccount",
            "countWorkspaceAdmins_countsOnlyAdminsWithAValidatedAccount");
    private static final List<String> EXPIRY_RULES = List.of(
            "expireInvitations_endsExactlyThePendingOnesAtOrPastTheirExpiry",
            "expireInvitations_neverTouchesAnotherOrganization_unexpiredOrEndedInvitations",
            "expireInvitations_freesTheEmailAndLeavesNothingForListingToSkip",
            "expireInvitations_isRolledBackWithItsTransaction",
            "expireInvitations_manyPendingInvitations_expiresEveryLapsedOneAndNoOther");
    private static final List<String> EMAIL_RULES = List.of("userByEmail_matchesTheNormalizedValue",
            "pendingInvitation_matchesTheNormalizedEmail");

    // ---- the contracts over each store; nested, so the build does not run them on their own ----------

    static final class AgainstAutoCommitStore extends ConcurrencyContract {
        @Override
        protected MembershipStore newStore() {
            return new AutoCommitStore();
        }
    }

    static final class RacesOnInMemoryStore extends ConcurrencyContract {
        @Override
        protected MembershipStore newStore() {
            return new InMemoryStore();
        }

        @Override
        protected int trials() {
            return TRIALS;
        }
    }

    static final class RacesOnWriteSkewStore extends ConcurrencyContract {
        @Override
        protected MembershipStore newStore() {
            return new WriteSkewStore();
        }

        @Override
        protected int trials() {
            return TRIALS;
        }
    }

    static final class StoreRulesOnInMemoryStore extends StoreContract {
        @Override
        protected MembershipStore newStore() {
            return new InMemoryStore();
        }
    }

    static final class StoreRulesOnSerializedAutoCommitStore extends StoreContract {
        @Override
        protected MembershipStore newStore() {
            return AutoCommitStore.serialized();
        }
    }

    static final class StoreRulesOnWriteSkewStore extends StoreContract {
        @Override
        protected MembershipStore newStore() {
            return new WriteSkewStore();
        }
    }

    static final class StoreRulesOnCaseSensitiveEmailStore extends StoreContract {
        @Override
        protected MembershipStore newStore() {
            return new CaseSensitiveEmailStore();
        }
    }

    static final class StoreRulesOnLateExpiryStore extends StoreContract {
        @Override
        protected MembershipStore newStore() {
            return new ShiftedExpiryStore(Duration.ofNanos(-1));
        }
    }

    static final class StoreRulesOnEarlyExpiryStore extends StoreContract {
        @Override
        protected MembershipStore newStore() {
            return new ShiftedExpiryStore(Duration.ofSeconds(1));
        }
    }

    static final class ApisOnInMemoryStore extends DocumentedApisContract {
        @Override
        protected MembershipStore newStore() {
            return new InMemoryStore();
        }
    }

    static final class ApisOnCaseSensitiveEmailStore extends DocumentedApisContract {
        @Override
        protected MembershipStore newStore() {
            return new CaseSensitiveEmailStore();
        }
    }

    // ---- no transactions at all ----------------------------------------------------------------------

    @Test
    void concurrencyContract_failsEveryRaceOnAStoreWithoutTransactions() {
        RULES.assertFail(AgainstAutoCommitStore.class, RACES);
    }

    // ---- a cascade that is not atomic ----------------------------------------------------------------

    @Test
    void storeContract_failsAStoreThatKeepsTheWritesOfAFailedCascade() {
        RULES.assertFail(StoreRulesOnSerializedAutoCommitStore.class, ATOMICITY_RULES);
        RULES.assertPass(StoreRulesOnInMemoryStore.class, ATOMICITY_RULES);
        RULES.assertPass(StoreRulesOnSerializedAutoCommitStore.class, LOCKING_RULES);
    }

    // ---- checking the admin count, then deleting, without a lock ------------------------------------

    @Test
    void storeContract_failsAStoreWhoseTransactionsDoNotLockTheOrganization() {
        RULES.assertFail(StoreRulesOnWriteSkewStore.class, LOCKING_RULES);
        RULES.assertPass(StoreRulesOnInMemoryStore.class, LOCKING_RULES);
        RULES.assertPass(StoreRulesOnWriteSkewStore.class, ATOMICITY_RULES);
    }

    @Test
    void concurrencyContract_failsEveryRaceOnAStoreWhoseTransactionsDoNotLockTheOrganization() {
        RULES.assertFail(RacesOnWriteSkewStore.class, RACES);
        RULES.assertPass(RacesOnInMemoryStore.class, RACES);
    }

    // ---- admins counted whatever their account status ------------------------------------------------

    static final class StoreRulesOnStatusBlindStore extends StoreContract {
        @Override
        protected MembershipStore newStore() {
            return new StatusBlindAdminCountStore();
        }
    }

    static final class RacesOnStatusBlindStore extends ConcurrencyContract {
        @Override
        protected MembershipStore newStore() {
            return new StatusBlindAdminCountStore();
        }

        @Override
        protected int trials() {
            return TRIALS;
        }
    }

    @Test
    void contracts_failAStoreThatCountsAdminsWhoCannotAct() {
        RULES.assertFail(StoreRulesOnStatusBlindStore.class, USABLE_ADMIN_RULES);
        RULES.assertPass(StoreRulesOnInMemoryStore.class, USABLE_ADMIN_RULES);
        RULES.assertPass(StoreRulesOnStatusBlindStore.class, List.of("countWorkspaceAdmins_followsRoleChanges"));
        RULES.assertFail(RacesOnStatusBlindStore.class, List.of("rule6_usableAdminSurvivesRace_disablingOneAdminWhileRemovingTheOther"));
        RULES.assertPass(RacesOnStatusBlindStore.class, List.of("rule6_lastAdminSurvivesRace"));
    }

    // ---- emails matched case-sensitively -------------------------------------------------------------

    @Test
    void storeContract_failsAStoreThatMatchesEmailsCaseSensitively() {
        RULES.assertFail(StoreRulesOnCaseSensitiveEmailStore.class, EMAIL_RULES);
        RULES.assertPass(StoreRulesOnInMemoryStore.class, EMAIL_RULES);
        RULES.assertPass(StoreRulesOnCaseSensitiveEmailStore.class, List.of("values_roundTripExactly_toTheNanosecond"));
    }

    // ---- a standing that reuses a workspace the transaction has since changed -------------------------

    static final class StoreRulesOnStaleStandingStore extends StoreContract {
        @Override
        protected MembershipStore newStore() {
            return new StaleStandingStore();
        }
    }

    @Test
    void storeContract_failsAStoreWhoseStandingKeepsAWorkspaceTheTransactionChanged() {
        List<String> rule = List.of("standing_isWhatTheFourReadsAnswer_inAnyOrder_andAfterTheTransactionWrites");
        RULES.assertFail(StoreRulesOnStaleStandingStore.class, rule);
        RULES.assertPass(StoreRulesOnInMemoryStore.class, rule);
        RULES.assertPass(StoreRulesOnStaleStandingStore.class, List.of("values_roundTripExactly_toTheNanosecond"));
    }

    // ---- expiry recorded at the wrong instant ---------------------------------------------------------

    @Test
    void storeContract_failsStoresThatRecordExpiryAtTheWrongInstant() {
        List<String> rules = List.of("expireInvitations_endsExactlyThePendingOnesAtOrPastTheirExpiry");
        RULES.assertFail(StoreRulesOnLateExpiryStore.class, rules);
        RULES.assertFail(StoreRulesOnEarlyExpiryStore.class, rules);
        RULES.assertPass(StoreRulesOnInMemoryStore.class, EXPIRY_RULES);
        RULES.assertPass(StoreRulesOnLateExpiryStore.class, List.of("expireInvitations_isRolledBackWithItsTransaction"));
    }

    @Test
    void documentedApisContract_failsRemovalByMixedCaseEmailOnThatStore() {
        List<String> rules = List.of("x_mixedCaseEmail_matches", "x_activeMember_isRemovedWithWorkspacesAndInvitation_inOneChange");
        RULES.assertFail(ApisOnCaseSensitiveEmailStore.class, rules);
        RULES.assertPass(ApisOnInMemoryStore.class, rules);
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
            TestExecutionSummary summary = NamedRules.run(AtomicityAgainstAutoCommitStore.class, operation);
            // failing before the first write leaves nothing behind even without transactions; every later
            // position leaves a partial change that the comparison must catch
            assertTrue(summary.getTestsStartedCount() >= 4, operation);
            assertEquals(summary.getTestsStartedCount() - 1, summary.getTestsFailedCount(), operation);
            summary.getFailures().forEach(f -> assertTrue(f.getException() instanceof AssertionError,
                    () -> operation + " failed by throwing " + f.getException()));
        }
    }
}
