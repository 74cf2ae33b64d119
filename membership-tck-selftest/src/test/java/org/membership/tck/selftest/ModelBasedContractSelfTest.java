package org.membership.tck.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.membership.api.Invitation;
import org.membership.api.InvitationStatus;
import org.membership.core.spi.MembershipStore;
import org.membership.core.spi.StoreTransaction;
import org.membership.inmemory.InMemoryStore;
import org.membership.tck.ModelBasedContract;

/**
 * Proves that the model-based contract has teeth: against stores broken in one small way it
 * fails, names a seed, and that seed replays the failure; against the honest store, the same
 * sequences pass.
 */
final class ModelBasedContractSelfTest {
    private static final long BASE_SEED = 20261127L;
    private static final int SEQUENCES = 60;

    // ---- the honest store passes the very sequences the broken ones fail ----------------------

    @Test
    void honestStore_passesTheSameSequences() {
        int steps = new Against(InMemoryStore::new).run(BASE_SEED, SEQUENCES);
        assertTrue(steps > SEQUENCES * 30, "ran " + steps + " steps");
    }

    // ---- broken stores are caught -------------------------------------------------------------

    @Test
    void workspaceAdminCountThatLies_isCaught() {
        // One admin too many: the last workspace admin can be removed or demoted.
        assertCaught(lying("countWorkspaceAdmins", (real, args) -> real.countWorkspaceAdmins(
                (org.membership.api.WorkspaceId) args[0]) + 1), "LAST_ADMIN");
    }

    @Test
    void organizationAdminCountThatLies_isCaught() {
        assertCaught(lying("countOrganizationAdmins", (real, args) -> real.countOrganizationAdmins(
                (org.membership.api.OrganizationId) args[0]) + 1), "LAST_ADMIN");
    }

    @Test
    void adminCountsBlindToAccountStatus_areCaught() {
        // Disabled and unvalidated admins counted as if they could act: the last usable admin can go.
        assertCaught(StatusBlindAdminCountStore::new, "LAST_ADMIN");
    }

    @Test
    void removalByEmailWithoutCascade_isCaught() {
        // The organization membership goes, the custom-workspace memberships stay behind.
        assertCaught(lying("deleteWorkspaceMembershipsIn", (real, args) -> List.of()),
                "workspaces=[], revokedInvitation=");
    }

    @Test
    void membershipsThatForgetWorkspaces_areCaught() {
        assertCaught(lying("workspaceMembershipsOf", (real, args) -> List.of()), "memberships of");
    }

    @Test
    void expiryStoredOnlyWhenTheSameEmailIsInvitedAgain_isCaught() {
        // The store as it was before invitations swept their organization: a lapsed invitation is
        // stored as expired only when its own email is invited again. Listing and every refusal
        // still look right; only the stored rows tell.
        Supplier<MembershipStore> beforeSweeping = lying(Map.of(
                "expireInvitations", (real, args) -> 0,
                "insertInvitation", (real, args) -> {
                    Invitation sent = (Invitation) args[0];
                    real.pendingInvitation(sent.organization(), sent.email())
                            .ifPresent(stale -> real.updateInvitationStatus(stale.id(), InvitationStatus.EXPIRED));
                    real.insertInvitation(sent);
                    return null;
                }));
        assertCaught(beforeSweeping, "stored invitations differ");
    }

    @Test
    void invitationsStoredAsExpiredADayEarly_areCaught() {
        assertCaught(lying("expireInvitations", (real, args) -> real.expireInvitations(
                (org.membership.api.OrganizationId) args[0], ((java.time.Instant) args[1]).plus(java.time.Duration.ofDays(1)))),
                "pending invitations of organization");
    }

    @Test
    void workspaceRenamesThatAreLost_areCaught() {
        // The rename answers and is audited, but the stored name stays: the workspace read back differs.
        assertCaught(lying("updateWorkspaceName", (real, args) -> null), "stored workspaces differ");
    }

    @Test
    void organizationDeletionThatDeletesNothing_isCaught() {
        // The deletion answers, is audited and publishes its event, but no row goes.
        assertCaught(lying("deleteOrganization", (real, args) -> new org.membership.core.spi.DeletedOrganization(0, 0, 0, 0)),
                "but the library answered success OrganizationDeletion");
    }

    // ---- machinery ----------------------------------------------------------------------------

    private static void assertCaught(Supplier<MembershipStore> broken, String expectedInMessage) {
        Against contract = new Against(broken);
        AssertionError failure = assertThrows(AssertionError.class, () -> contract.run(BASE_SEED, SEQUENCES));
        String message = failure.getMessage();
        assertTrue(message.contains(expectedInMessage), message);
        assertTrue(message.contains("History"), message);
        Matcher seed = Pattern.compile("-D" + ModelBasedContract.SEED_PROPERTY + "=(-?\\d+)").matcher(message);
        assertTrue(seed.find(), "the failure names a replayable seed: " + message);

        AssertionError replayed = assertThrows(AssertionError.class,
                () -> contract.replay(Long.parseLong(seed.group(1))), "the named seed replays the failure");
        assertEquals(firstLine(message), firstLine(replayed.getMessage()));
    }

    private static String firstLine(String message) {
        return message.substring(0, message.indexOf('\n'));
    }

    /** A new in-memory store each time, whose transactions answer {@code method} with {@code lie}. */
    private static Supplier<MembershipStore> lying(String method,
                                                   BiFunction<StoreTransaction, Object[], Object> lie) {
        return lying(Map.of(method, lie));
    }

    /** A new in-memory store each time, whose transactions answer each method named in {@code lies} with its lie. */
    private static Supplier<MembershipStore> lying(Map<String, BiFunction<StoreTransaction, Object[], Object>> lies) {
        return () -> {
            InMemoryStore real = new InMemoryStore();
            return new InMemoryBacked(real) {
                @Override
                public <T> T write(Function<StoreTransaction, T> work) {
                    return real.write(tx -> work.apply(wrap(tx)));
                }

                @Override
                public <T> T read(Function<StoreTransaction, T> work) {
                    return real.read(tx -> work.apply(wrap(tx)));
                }

                private StoreTransaction wrap(StoreTransaction tx) {
                    return (StoreTransaction) Proxy.newProxyInstance(StoreTransaction.class.getClassLoader(),
                            new Class<?>[] {StoreTransaction.class}, (proxy, m, args) -> invoke(tx, m, args));
                }

                private Object invoke(StoreTransaction tx, Method m, Object[] args) throws Throwable {
                    BiFunction<StoreTransaction, Object[], Object> lie = lies.get(m.getName());
                    if (lie != null) {
                        return lie.apply(tx, args);
                    }
                    try {
                        return m.invoke(tx, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                }
            };
        };
    }

    /** The contract over a chosen store; not itself a test class the build runs. */
    private static final class Against extends ModelBasedContract {
        private final Supplier<MembershipStore> stores;

        Against(Supplier<MembershipStore> stores) {
            this.stores = stores;
        }

        @Override
        protected MembershipStore newStore() {
            return stores.get();
        }

        int run(long baseSeed, int count) {
            return runSequences(baseSeed, count);
        }

        int replay(long seed) {
            return runSequence(seed);
        }
    }
}
