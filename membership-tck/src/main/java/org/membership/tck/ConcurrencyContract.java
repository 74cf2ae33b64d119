package org.membership.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.membership.api.Actor;
import org.membership.api.Command;
import org.membership.api.Decision;
import org.membership.api.InvitationId;
import org.membership.api.InvitationStatus;
import org.membership.api.MembershipRules;
import org.membership.api.Memberships;
import org.membership.api.OrganizationDeletion;
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationRole;
import org.membership.api.OrganizationUserRemoval;
import org.membership.api.Outcome;
import org.membership.api.PageRequest;
import org.membership.api.Presets;
import org.membership.api.Reason;
import org.membership.api.UserStatus;
import org.membership.api.WorkspaceDeletion;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceMember;
import org.membership.api.WorkspaceRole;
import org.membership.core.spi.MembershipStore;

/**
 * Rules that must hold under concurrency (specification rules 6 and 9, and the workspace-follows-
 * organization invariant), checked with real threads released together by a barrier onto the same
 * rows, many times over. Each race runs {@link #trials()} times, every trial in its own organization
 * of one store, and checks both the outcomes and the stored state they left.
 *
 * <p>Extend it in a store's test sources and implement {@link #newStore()}; a slow store may lower
 * {@link #trials()}. Racing threads are released together by a barrier and a short spin, and once a
 * world is built every transaction pauses for a millisecond before its first write, so the racing
 * commands really overlap between the reads their decisions rest on and their writes: without that,
 * a fast store often finishes one command before the rival thread wakes, and a store that does not
 * isolate transactions would pass. Where a race needs one racer to decide early and write late,
 * that racer dawdles a few milliseconds longer in half of the trials. The kit's own self-test runs every race against such a store and
 * requires each to fail.
 *
 * <p>Not thread-safe itself; JUnit runs one test per instance, and the test drives its own threads.
 */
public abstract class ConcurrencyContract {
    private static final Actor ROOT_KEY = Actor.instanceKey("contract-root");
    /** Only a guard against a deadlocked store hanging the build; never an expectation about speed. */
    private static final long HANG_GUARD_SECONDS = 120;

    private ExecutorService pool;
    private DawdlingStore store;

    /** @return a new, empty store; called once per test */
    protected abstract MembershipStore newStore();

    /** @return how many times each race is run; at least 200 unless the store is slow */
    protected int trials() {
        return 200;
    }

    @BeforeEach
    void startThreads() {
        pool = Executors.newFixedThreadPool(4);
    }

    @AfterEach
    void stopThreads() throws InterruptedException {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(HANG_GUARD_SECONDS, TimeUnit.SECONDS), "race threads did not stop");
    }

    // ---- rule 6: last admin ------------------------------------------------------------------------

    /**
     * Rule 6 under a race: two workspace admins removing each other at the same moment leave
     * exactly one admin; the other removal is last_admin, in every trial.
     *
     * <p>If it fails: check lockOrganization: two writers that lock one organization must not
     * interleave, and the count after the lock must see the other's committed removal (the locking
     * protocol in the SPI's package documentation).
     */
    @Test
    void rule6_lastAdminSurvivesRace() throws Exception {
        // two organization admins who are the workspace's only admins remove each other from it
        Fixture f = world(Presets.flashback(), (org, i) -> org.admin(a(i)).admin(b(i))
                .workspace(ws(i), w -> w.admin(a(i)).admin(b(i))));
        for (int trial = 0; trial < trials(); trial++) {
            int i = trial;
            WorkspaceId ws = f.workspace(ws(i));
            List<Outcome<WorkspaceMember>> outcomes = race(
                    () -> f.membership().execute(f.actor(a(i)), new Command.RemoveWorkspaceMember(ws, f.user(b(i)))),
                    () -> f.membership().execute(f.actor(b(i)), new Command.RemoveWorkspaceMember(ws, f.user(a(i)))));
            int winner = exactlyOneWinner(outcomes, i);
            assertRefusedWith(outcomes.get(1 - winner), Reason.LAST_ADMIN, i);
            String survivor = winner == 0 ? a(i) : b(i);
            assertEquals(List.of(survivor), workspaceAdmins(f, ws), "trial " + i + ": exactly the winner stays admin");
        }
    }

    /**
     * Rule 6 under a race: two workspace admins leaving at once leave one.
     *
     * <p>If it fails: check lockOrganization, as for two admins removing each other.
     */
    @Test
    void rule6_lastAdminSurvivesRace_workspaceAdminsLeavingTogether() throws Exception {
        // the host lets admins leave while another admin remains: both try to leave at once
        Fixture f = world(Presets.factory(), (org, i) -> org.admin(o(i)).member(a(i)).member(b(i))
                .workspace(ws(i), w -> w.admin(a(i)).admin(b(i))));
        for (int trial = 0; trial < trials(); trial++) {
            int i = trial;
            WorkspaceId ws = f.workspace(ws(i));
            List<Outcome<WorkspaceMember>> outcomes = race(
                    () -> f.membership().execute(f.actor(a(i)), new Command.RemoveWorkspaceMember(ws, f.user(a(i)))),
                    () -> f.membership().execute(f.actor(b(i)), new Command.RemoveWorkspaceMember(ws, f.user(b(i)))));
            int winner = exactlyOneWinner(outcomes, i);
            assertRefusedWith(outcomes.get(1 - winner), Reason.LAST_ADMIN, i);
            String stayed = winner == 0 ? b(i) : a(i);
            assertEquals(List.of(stayed), workspaceAdmins(f, ws), "trial " + i + ": one admin stays");
        }
    }

    /**
     * Rule 6 under a race: two organization admins removing each other by email leave exactly the
     * winner as admin.
     *
     * <p>If it fails: check lockOrganization and countOrganizationAdmins read under it.
     */
    @Test
    void rule6_lastAdminSurvivesRace_organizationAdminsRemovingEachOtherByEmail() throws Exception {
        Fixture f = world(Presets.factory(), (org, i) -> org.admin(a(i)).admin(b(i)).member(m(i)));
        for (int trial = 0; trial < trials(); trial++) {
            int i = trial;
            OrganizationId org = f.organization(org(i));
            List<Outcome<OrganizationUserRemoval>> outcomes = race(
                    () -> f.membership().execute(f.actor(a(i)), new Command.RemoveOrganizationUser(org, Fixture.email(b(i)))),
                    () -> f.membership().execute(f.actor(b(i)), new Command.RemoveOrganizationUser(org, Fixture.email(a(i)))));
            int winner = exactlyOneWinner(outcomes, i);
            // the loser is no longer in the organization, so it no longer sees it (rule 3)
            assertRefusedWith(outcomes.get(1 - winner), Reason.ORGANIZATION_NOT_FOUND, i);
            String survivor = winner == 0 ? a(i) : b(i);
            assertEquals(List.of(survivor), organizationAdmins(f, i), "trial " + i + ": exactly the winner stays admin");
        }
    }

    /**
     * Rule 6 under a race: two organization admins leaving at once by email leave one.
     *
     * <p>If it fails: check lockOrganization and countOrganizationAdmins read under it.
     */
    @Test
    void rule6_lastAdminSurvivesRace_organizationAdminsLeavingTogetherByEmail() throws Exception {
        Fixture f = world(Presets.factory(), (org, i) -> org.admin(a(i)).admin(b(i)).member(m(i)));
        for (int trial = 0; trial < trials(); trial++) {
            int i = trial;
            OrganizationId org = f.organization(org(i));
            List<Outcome<OrganizationUserRemoval>> outcomes = race(
                    () -> f.membership().execute(f.actor(a(i)), new Command.RemoveOrganizationUser(org, Fixture.email(a(i)))),
                    () -> f.membership().execute(f.actor(b(i)), new Command.RemoveOrganizationUser(org, Fixture.email(b(i)))));
            int winner = exactlyOneWinner(outcomes, i);
            assertRefusedWith(outcomes.get(1 - winner), Reason.LAST_ADMIN, i);
            String stayed = winner == 0 ? b(i) : a(i);
            assertEquals(List.of(stayed), organizationAdmins(f, i), "trial " + i + ": one admin stays");
        }
    }

    /**
     * Rule 6 under a race: disabling a user while it becomes an organization admin and the other
     * admin is removed never leaves the organization without a usable admin.
     *
     * <p>If it fails: check lockUser and the admin counts' ordering with it (step 3 of the locking
     * protocol): a count must wait for, or be seen by, a status change of an account it counts.
     */
    @Test
    void rule6_usableAdminSurvivesRace_disablingAUserWhileItBecomesAnAdminAndTheOtherAdminIsRemoved() throws Exception {
        // c accepts an admin invitation to the organization whose only admin is b, an operator
        // disables c, and the organization's key removes b. If the disabling read c's memberships
        // before the acceptance committed and the removal counted c as usable before the disabling
        // committed, both would succeed and leave the organization with no admin who can act.
        Fixture.Builder builder = builder(Presets.factory());
        for (int trial = 0; trial < trials(); trial++) {
            int t = trial;
            builder.user(c(t), UserStatus.VALIDATED).organization(org(t), org -> org.admin(b(t)).member(m(t))
                    .invitation(Fixture.email(c(t)).value(), OrganizationRole.ADMIN));
        }
        Fixture f = build(builder);
        for (int trial = 0; trial < trials(); trial++) {
            int i = trial;
            OrganizationId org = f.organization(org(i));
            InvitationId invitation = f.invitation(Fixture.email(c(i)).value());
            List<Outcome<?>> outcomes = this.<Outcome<?>>race(
                    () -> f.membership().execute(f.actor(c(i)), new Command.AcceptInvitation(invitation)),
                    () -> disableSlowlyEveryOtherTrial(f, c(i), i),
                    () -> f.membership().execute(f.organizationKey(org(i)),
                            new Command.RemoveOrganizationUser(org, Fixture.email(b(i)))));
            // accepting fails only for an account already disabled; disabling or removing only as the last usable admin
            assertSucceededOrRefusedWith(outcomes.get(0), Reason.UNAUTHENTICATED, i);
            assertSucceededOrRefusedWith(outcomes.get(1), Reason.LAST_ADMIN, i);
            assertSucceededOrRefusedWith(outcomes.get(2), Reason.LAST_ADMIN, i);
            assertTrue(outcomes.get(0).succeeded() || outcomes.get(1).succeeded(),
                    () -> "trial " + i + ": acceptance refused though c was not disabled " + outcomes);
            List<String> usable = organizationAdmins(f, i).stream()
                    .filter(admin -> status(admin, f) == UserStatus.VALIDATED).toList();
            assertEquals(List.of(outcomes.get(2).succeeded() ? c(i) : b(i)), usable,
                    () -> "trial " + i + ": one usable admin stays, c if b was removed, b otherwise " + outcomes);
            assertEquals(!outcomes.get(2).succeeded(), outcomes.get(1).succeeded(),
                    () -> "trial " + i + ": c was disabled exactly when b stayed " + outcomes);
        }
    }

    /**
     * Rule 6 under a race, for a custom workspace: as above, with the user becoming a workspace
     * admin.
     *
     * <p>If it fails: check lockUser and countWorkspaceAdmins' ordering with it.
     */
    @Test
    void rule6_usableAdminSurvivesRace_disablingAUserWhileItBecomesAWorkspaceAdminAndTheOtherIsRemoved() throws Exception {
        // the same three-way race in a custom workspace: o adds c as the workspace's second admin
        // and removes b, its first, while an operator disables c
        Fixture f = world(Presets.factory(), (org, i) -> org.admin(o(i)).member(b(i)).member(c(i))
                .workspace(ws(i), w -> w.admin(b(i))));
        for (int trial = 0; trial < trials(); trial++) {
            int i = trial;
            WorkspaceId ws = f.workspace(ws(i));
            List<Outcome<?>> outcomes = this.<Outcome<?>>race(
                    () -> f.membership().execute(f.actor(o(i)), new Command.AddWorkspaceMember(ws, f.user(c(i)), WorkspaceRole.ADMIN)),
                    () -> disableSlowlyEveryOtherTrial(f, c(i), i),
                    () -> f.membership().execute(f.actor(o(i)), new Command.RemoveWorkspaceMember(ws, f.user(b(i)))));
            succeeded(outcomes.get(0), i);
            assertSucceededOrRefusedWith(outcomes.get(1), Reason.LAST_ADMIN, i);
            assertSucceededOrRefusedWith(outcomes.get(2), Reason.LAST_ADMIN, i);
            List<String> usable = workspaceAdmins(f, ws).stream()
                    .filter(admin -> status(admin, f) == UserStatus.VALIDATED).toList();
            assertEquals(List.of(outcomes.get(2).succeeded() ? c(i) : b(i)), usable,
                    () -> "trial " + i + ": one usable admin stays, c if b was removed, b otherwise " + outcomes);
            assertEquals(!outcomes.get(2).succeeded(), outcomes.get(1).succeeded(),
                    () -> "trial " + i + ": c was disabled exactly when b stayed " + outcomes);
        }
    }

    /**
     * Disables the user; in even trials the disabling dawdles 5 ms longer between its reads and its
     * write, so that the rival admin grant commits and the removal counts inside that window, the
     * interleaving that needs the account's lock. Odd trials leave every order to chance.
     */
    private Outcome<?> disableSlowlyEveryOtherTrial(Fixture f, String user, int trial) throws Exception {
        Callable<Outcome<?>> disable = () -> f.membership().execute(ROOT_KEY,
                new Command.ChangeUserStatus(f.user(user), UserStatus.DISABLED));
        return trial % 2 == 0 ? store.slowly(5, disable) : disable.call();
    }

    // ---- rule 9: accept versus revoke ----------------------------------------------------------------

    /**
     * Rule 6 under a race: disabling one admin while the other is removed leaves a usable admin.
     *
     * <p>If it fails: check that the status change locks the organizations it administers before it
     * counts, and that the counts join the users' status.
     */
    @Test
    void rule6_usableAdminSurvivesRace_disablingOneAdminWhileRemovingTheOther() throws Exception {
        // an instance operator disables admin a while the organization's key removes admin b: each
        // change alone is fine, both together would leave only a disabled admin, who cannot act
        Fixture f = world(Presets.factory(), (org, i) -> org.admin(a(i)).admin(b(i)).member(m(i)));
        for (int trial = 0; trial < trials(); trial++) {
            int i = trial;
            OrganizationId org = f.organization(org(i));
            List<Outcome<?>> outcomes = this.<Outcome<?>>race(
                    () -> f.membership().execute(ROOT_KEY, new Command.ChangeUserStatus(f.user(a(i)), UserStatus.DISABLED)),
                    () -> f.membership().execute(f.organizationKey(org(i)),
                            new Command.RemoveOrganizationUser(org, Fixture.email(b(i)))));
            int winner = exactlyOneWinner(outcomes, i);
            assertRefusedWith(outcomes.get(1 - winner), Reason.LAST_ADMIN, i);
            List<String> usable = organizationAdmins(f, i).stream()
                    .filter(admin -> status(admin, f) == UserStatus.VALIDATED).toList();
            assertEquals(List.of(winner == 0 ? b(i) : a(i)), usable,
                    "trial " + i + ": exactly one usable admin stays, the one the winner left alone");
        }
    }

    /**
     * Rule 9 under a race: accepting and revoking one invitation at once, exactly one succeeds and
     * the stored invitation says which.
     *
     * <p>If it fails: check lockOrganization and the invitation read again under it.
     */
    @Test
    void rule9_acceptVersusRevoke_exactlyOneWins() throws Exception {
        Fixture.Builder builder = builder(MembershipRules.defaults());
        for (int trial = 0; trial < trials(); trial++) {
            int t = trial;
            builder.user(c(t), UserStatus.VALIDATED)
                    .organization(org(t), org -> org.admin(a(t)).invitation(Fixture.email(c(t)).value()));
        }
        Fixture f = build(builder);
        for (int trial = 0; trial < trials(); trial++) {
            int i = trial;
            InvitationId invitation = f.invitation(Fixture.email(c(i)).value());
            OrganizationId org = f.organization(org(i));
            List<Outcome<?>> outcomes = race(
                    () -> f.membership().execute(f.actor(c(i)), new Command.AcceptInvitation(invitation)),
                    () -> f.membership().execute(f.actor(a(i)), new Command.RevokeInvitation(invitation)));
            int winner = exactlyOneWinner(outcomes, i);
            assertRefusedWith(outcomes.get(1 - winner), Reason.INVITATION_NOT_PENDING, i);
            boolean acceptWon = winner == 0;
            InvitationStatus stored = f.store().read(tx -> tx.invitation(invitation)).orElseThrow().storedStatus();
            assertEquals(acceptWon ? InvitationStatus.ACCEPTED : InvitationStatus.REVOKED, stored, "trial " + i);
            Memberships memberships = succeeded(f.membership().execute(f.actor(c(i)),
                    new Command.ListMemberships(f.user(c(i)))), i);
            assertEquals(acceptWon, memberships.organizations().stream().anyMatch(m -> m.organization().equals(org)),
                    "trial " + i + ": membership exists iff accept won");
            assertEquals(List.of(), pendingInvitations(f, org), "trial " + i + ": nothing stays pending");
        }
    }

    // ---- workspace membership follows organization membership -------------------------------------

    /**
     * Removing a user from an organization while it is added to workspaces there: the removal's
     * cascade covers exactly the additions that committed before it, the others are user_not_found,
     * and nothing is left behind.
     *
     * <p>If it fails: check that insertWorkspaceMember and deleteWorkspaceMembershipsIn are serialized
     * by the organization's lock, and the foreign key from workspace to organization membership.
     */
    @Test
    void organizationRemovalVersusWorkspaceAdd() throws Exception {
        Fixture f = world(Presets.factory(), (org, i) -> org.admin(a(i)).admin(b(i)).member(m(i))
                .workspace(ws(i), w -> w.admin(a(i))).workspace(ws2(i), w -> w.admin(b(i))));
        for (int trial = 0; trial < trials(); trial++) {
            int i = trial;
            OrganizationId org = f.organization(org(i));
            WorkspaceId first = f.workspace(ws(i));
            WorkspaceId second = f.workspace(ws2(i));
            List<Outcome<?>> outcomes = race(
                    () -> f.membership().execute(f.actor(a(i)), new Command.RemoveOrganizationUser(org, Fixture.email(m(i)))),
                    () -> f.membership().execute(f.actor(a(i)), new Command.AddWorkspaceMember(first, f.user(m(i)), WorkspaceRole.USER)),
                    () -> f.membership().execute(f.actor(b(i)), new Command.AddWorkspaceMember(second, f.user(m(i)), WorkspaceRole.DEVELOPER)));
            OrganizationUserRemoval.MemberRemoved removal = assertInstanceOf(OrganizationUserRemoval.MemberRemoved.class, succeeded(outcomes.get(0), i));
            assertEquals(f.user(m(i)), removal.member().user());
            List<WorkspaceId> addedBeforeRemoval = new ArrayList<>();
            for (int k = 1; k <= 2; k++) {
                WorkspaceId ws = k == 1 ? first : second;
                if (outcomes.get(k).succeeded()) {
                    addedBeforeRemoval.add(ws);
                } else {
                    assertRefusedWith(outcomes.get(k), Reason.USER_NOT_FOUND, i);
                }
            }
            assertEquals(addedBeforeRemoval.stream().sorted().toList(), removal.workspaces(),
                    "trial " + i + ": the removal cascades over exactly the adds that committed before it");
            Memberships left = succeeded(f.membership().execute(ROOT_KEY, new Command.ListMemberships(f.user(m(i)))), i);
            assertEquals(List.of(), left.organizations(), "trial " + i);
            assertEquals(List.of(), left.workspaces(), "trial " + i + ": no workspace member outside the organization");
            assertFalse(memberIds(f, first).contains(m(i)), "trial " + i);
            assertFalse(memberIds(f, second).contains(m(i)), "trial " + i);
        }
    }

    // ---- managing organizations directly ------------------------------------------------------------

    /**
     * Rule 6 under a race: one organization admin demotes the other while the other removes it by id.
     * Exactly one wins and the organization keeps exactly one admin: the demoted admin has lost the
     * authority to remove (insufficient_authority), or the removed admin no longer sees the
     * organization (organization_not_found); never both changes, never no admin.
     *
     * <p>If it fails: check lockOrganization, and that the caller's own membership is read again under
     * it (Access, rule 3 in time): a decision taken on the caller's role before the lock is stale.
     */
    @Test
    void rule6_lastAdminSurvivesRace_demotionVersusRemovalOfTheOtherAdmin() throws Exception {
        Fixture f = world(MembershipRules.defaults(), (org, i) -> org.admin(a(i)).admin(b(i)).member(m(i)));
        for (int trial = 0; trial < trials(); trial++) {
            int i = trial;
            OrganizationId org = f.organization(org(i));
            List<Outcome<?>> outcomes = race(
                    () -> f.membership().execute(f.actor(a(i)),
                            new Command.ChangeOrganizationRole(org, f.user(b(i)), OrganizationRole.MEMBER)),
                    () -> f.membership().execute(f.actor(b(i)), new Command.RemoveOrganizationMember(org, f.user(a(i)))));
            int winner = exactlyOneWinner(outcomes, i);
            assertRefusedWith(outcomes.get(1 - winner), winner == 0 ? Reason.INSUFFICIENT_AUTHORITY : Reason.ORGANIZATION_NOT_FOUND, i);
            assertEquals(List.of(winner == 0 ? a(i) : b(i)), organizationAdmins(f, i),
                    "trial " + i + ": exactly the winner stays admin");
            List<String> members = organizationUsers(f, org);
            assertEquals(winner == 0 ? List.of(a(i), b(i), m(i)) : List.of(b(i), m(i)), members,
                    "trial " + i + ": the loser's change left no trace");
        }
    }

    /**
     * Deleting a custom workspace while a member is added to it: the deletion takes exactly the
     * members that committed before it (the addition among them if it won), an addition after it is
     * workspace_not_found, and no membership of the deleted workspace is left in the store.
     *
     * <p>If it fails: check that deleteWorkspace and insertWorkspaceMember are serialized by the
     * organization's lock, and that the workspace is read again under it.
     */
    @Test
    void deleteWorkspaceVersusAddMember() throws Exception {
        Fixture f = world(MembershipRules.defaults(), (org, i) -> org.admin(a(i)).admin(b(i)).member(m(i))
                .workspace(ws(i), w -> w.admin(b(i))));
        for (int trial = 0; trial < trials(); trial++) {
            int i = trial;
            WorkspaceId ws = f.workspace(ws(i));
            List<Outcome<?>> outcomes = race(
                    () -> f.membership().execute(f.actor(a(i)), new Command.DeleteWorkspace(ws)),
                    () -> f.membership().execute(f.actor(b(i)), new Command.AddWorkspaceMember(ws, f.user(m(i)), WorkspaceRole.USER)));
            WorkspaceDeletion deletion = (WorkspaceDeletion) succeeded(outcomes.get(0), i);
            boolean addedFirst = outcomes.get(1).succeeded();
            if (!addedFirst) {
                assertRefusedWith(outcomes.get(1), Reason.WORKSPACE_NOT_FOUND, i);
            }
            assertEquals(addedFirst ? List.of(f.user(b(i)), f.user(m(i))) : List.of(f.user(b(i))), deletion.members(),
                    "trial " + i + ": the deletion took exactly the members committed before it");
            assertRefusedWith(f.membership().execute(ROOT_KEY, new Command.ListWorkspaceMembers(ws, PageRequest.first())),
                    Reason.WORKSPACE_NOT_FOUND, i);
            assertEquals(Optional.empty(), f.store().read(tx -> tx.workspaceMember(ws, f.user(m(i)))), "trial " + i);
            assertEquals(Optional.empty(), f.store().read(tx -> tx.workspaceMember(ws, f.user(b(i)))), "trial " + i);
            Memberships left = succeeded(f.membership().execute(ROOT_KEY, new Command.ListMemberships(f.user(m(i)))), i);
            assertEquals(List.of(), left.workspaces(), "trial " + i + ": no membership of a deleted workspace");
            assertEquals(1, left.organizations().size(), "trial " + i + ": the organization membership stays");
        }
    }

    /**
     * Deleting an organization while its invitation is accepted: the deletion always succeeds and
     * takes the new membership with it if the acceptance committed first; an acceptance after it is
     * invitation_not_found. Either way nothing of the organization is left: no membership, no
     * invitation, and the invitee belongs to nothing.
     *
     * <p>If it fails: check that deleteOrganization and the acceptance are serialized by the
     * organization's lock, and that the invitation is read again under it.
     */
    @Test
    void deleteOrganizationVersusAcceptInvitation() throws Exception {
        Fixture.Builder builder = builder(MembershipRules.defaults());
        for (int trial = 0; trial < trials(); trial++) {
            int t = trial;
            builder.user(c(t), UserStatus.VALIDATED)
                    .organization(org(t), org -> org.admin(a(t)).workspace(ws(t), w -> w.admin(a(t)))
                            .invitation(Fixture.email(c(t)).value()));
        }
        Fixture f = build(builder);
        for (int trial = 0; trial < trials(); trial++) {
            int i = trial;
            InvitationId invitation = f.invitation(Fixture.email(c(i)).value());
            OrganizationId org = f.organization(org(i));
            List<Outcome<?>> outcomes = race(
                    () -> f.membership().execute(ROOT_KEY, new Command.DeleteOrganization(org)),
                    () -> f.membership().execute(f.actor(c(i)), new Command.AcceptInvitation(invitation)));
            OrganizationDeletion deletion = (OrganizationDeletion) succeeded(outcomes.get(0), i);
            boolean acceptedFirst = outcomes.get(1).succeeded();
            if (!acceptedFirst) {
                assertRefusedWith(outcomes.get(1), Reason.INVITATION_NOT_FOUND, i);
            }
            assertEquals(acceptedFirst ? 2 : 1, deletion.members(), "trial " + i + ": " + deletion);
            assertEquals(1, deletion.invitations(), "trial " + i);
            assertEquals(2, deletion.workspaces(), "trial " + i);
            assertEquals(1, deletion.workspaceMemberships(), "trial " + i);
            assertEquals(Optional.empty(), f.store().read(tx -> tx.invitation(invitation)), "trial " + i);
            assertEquals(Optional.empty(), f.store().read(tx -> tx.organization(org)), "trial " + i);
            for (String user : List.of(a(i), c(i))) {
                Memberships left = succeeded(f.membership().execute(ROOT_KEY, new Command.ListMemberships(f.user(user))), i);
                assertEquals(List.of(), left.organizations(), "trial " + i + ": " + user + " belongs to nothing");
                assertEquals(List.of(), left.workspaces(), "trial " + i + ": " + user);
            }
            assertRefusedWith(f.membership().execute(ROOT_KEY, new Command.ListInvitations(org, PageRequest.first())),
                    Reason.ORGANIZATION_NOT_FOUND, i);
        }
    }

    /**
     * Rule 9 under a race: two users changing their emails to one new address (typed in different
     * case) at once: exactly one gets it, the other is user_exists, and the store holds it once.
     *
     * <p>If it fails: check the uniqueness of the normalized email in the store (a unique index, or
     * the write lock) and that a unique key taken by a concurrent transaction is retried, not thrown.
     */
    @Test
    void rule9_twoUsersChangingToOneEmail_exactlyOneGetsIt() throws Exception {
        Fixture f = world(MembershipRules.defaults(), (org, i) -> org.admin(a(i)).member(b(i)));
        for (int trial = 0; trial < trials(); trial++) {
            int i = trial;
            List<Outcome<?>> outcomes = race(
                    () -> f.membership().execute(ROOT_KEY, new Command.ChangeUserEmail(f.user(a(i)),
                            org.membership.api.Email.of("shared-" + i + "@example.com"))),
                    () -> f.membership().execute(ROOT_KEY, new Command.ChangeUserEmail(f.user(b(i)),
                            org.membership.api.Email.of("Shared-" + i + "@Example.com"))));
            int winner = exactlyOneWinner(outcomes, i);
            assertRefusedWith(outcomes.get(1 - winner), Reason.USER_EXISTS, i);
            String holder = winner == 0 ? a(i) : b(i);
            String other = winner == 0 ? b(i) : a(i);
            assertEquals(Optional.of(f.user(holder)), f.store().read(tx -> tx.userByEmail(
                    org.membership.api.Email.of("shared-" + i + "@example.com"))).map(u -> u.id()), "trial " + i);
            assertEquals(Fixture.email(other), f.store().read(tx -> tx.user(f.user(other))).orElseThrow().email(),
                    "trial " + i + ": the loser keeps its email");
        }
    }

    // ---- dry runs ------------------------------------------------------------------------------------

    /**
     * Dry runs racing with writes never throw and always decide from a committed state.
     *
     * <p>If it fails: check that read transactions see one consistent, committed snapshot and are
     * never blocked into failing by writers.
     */
    @Test
    void dryRunsRacingWithWrites_neverThrow_andDecideFromACommittedState() throws Exception {
        int members = 3;
        Fixture f = build(builder(Presets.flashback())
                .organization("acme", org -> {
                    org.admin("alice");
                    for (int k = 0; k < members; k++) {
                        org.member(m(k));
                    }
                    org.workspace("research", ws -> {
                        ws.admin("alice");
                        for (int k = 0; k < members; k++) {
                            ws.member(m(k));
                        }
                    });
                }));
        WorkspaceId research = f.workspace("research");
        int auditBefore = auditSize(f, f.organization("acme"));
        int rounds = trials();
        List<Callable<Integer>> contestants = new ArrayList<>();
        for (int k = 0; k < members; k++) {
            int member = k;
            contestants.add(() -> {
                for (int r = 0; r < rounds; r++) {
                    succeeded(f.membership().execute(f.actor("alice"),
                            new Command.RemoveWorkspaceMember(research, f.user(m(member)))), r);
                    succeeded(f.membership().execute(f.actor("alice"),
                            new Command.AddWorkspaceMember(research, f.user(m(member)), WorkspaceRole.USER)), r);
                }
                return 0;
            });
        }
        contestants.add(() -> {
            int checks = 0;
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < members; k++) {
                    Decision remove = f.membership().check(f.actor("alice"),
                            new Command.RemoveWorkspaceMember(research, f.user(m(k))));
                    assertTrue(remove.allowed() || remove.refusal().orElseThrow().reason() == Reason.MEMBER_NOT_FOUND,
                            () -> "an impossible decision: " + remove);
                    Decision own = f.membership().check(f.actor(m(k)),
                            new Command.GetWorkspaceMember(research, f.user(m(k))));
                    assertTrue(own.allowed() || own.refusal().orElseThrow().reason() == Reason.INSUFFICIENT_AUTHORITY,
                            () -> "an impossible decision: " + own);
                    Decision leave = f.membership().check(f.actor("alice"),
                            new Command.RemoveOrganizationUser(f.organization("acme"), Fixture.email(m(k))));
                    assertTrue(leave.allowed(), () -> "an impossible decision: " + leave);
                    checks += 3;
                }
            }
            return checks;
        });
        race(contestants);
        assertEquals(auditBefore + 2 * rounds * members, auditSize(f, f.organization("acme")),
                "every write audited once, no dry run left a trace");
        List<String> expected = new ArrayList<>(List.of("alice"));
        for (int k = 0; k < members; k++) {
            expected.add(m(k));
        }
        assertEquals(expected, memberIds(f, research));
    }

    // ---- the world and its names ---------------------------------------------------------------------

    /** Declares one organization per trial, with users and workspaces named after the trial. */
    @FunctionalInterface
    private interface PerTrial {
        void declare(Fixture.Builder.OrganizationSpec org, int trial);
    }

    private Fixture world(MembershipRules rules, PerTrial perTrial) {
        Fixture.Builder builder = builder(rules);
        for (int trial = 0; trial < trials(); trial++) {
            int t = trial;
            Consumer<Fixture.Builder.OrganizationSpec> spec = org -> perTrial.declare(org, t);
            builder.organization(org(t), spec);
        }
        return build(builder);
    }

    /** A builder over a new store that dawdles once the world is built (see {@link #build}). */
    private Fixture.Builder builder(MembershipRules rules) {
        store = new DawdlingStore(newStore());
        return Fixture.builder(store).rules(rules);
    }

    private Fixture build(Fixture.Builder builder) {
        Fixture f = builder.build();
        store.startDawdling();
        return f;
    }

    private static String org(int i) {
        return "org-" + i;
    }

    private static String ws(int i) {
        return "ws-" + i;
    }

    private static String ws2(int i) {
        return "ws2-" + i;
    }

    private static String o(int i) {
        return "o-" + i;
    }

    private static String a(int i) {
        return "a-" + i;
    }

    private static String b(int i) {
        return "b-" + i;
    }

    private static String c(int i) {
        return "c-" + i;
    }

    private static String m(int i) {
        return "m-" + i;
    }

    // ---- racing --------------------------------------------------------------------------------------

    @SafeVarargs
    private <T> List<T> race(Callable<T>... contestants) throws Exception {
        return race(List.of(contestants));
    }

    /** Runs the contestants on their own threads, released together; returns their results in order. */
    private <T> List<T> race(List<Callable<T>> contestants) throws Exception {
        if (contestants.size() > 4) {
            throw new IllegalArgumentException("the pool has 4 threads");
        }
        // The barrier gathers the threads; parked threads wake at different moments, so they then
        // spin (yielding, in case there are more threads than processors) until all are awake.
        CyclicBarrier gathered = new CyclicBarrier(contestants.size());
        AtomicInteger awake = new AtomicInteger();
        List<Future<T>> running = new ArrayList<>();
        for (Callable<T> contestant : contestants) {
            running.add(pool.submit(() -> {
                gathered.await(HANG_GUARD_SECONDS, TimeUnit.SECONDS);
                awake.incrementAndGet();
                while (awake.get() < contestants.size()) {
                    Thread.yield();
                }
                return contestant.call();
            }));
        }
        List<T> results = new ArrayList<>();
        for (Future<T> future : running) {
            try {
                results.add(future.get(HANG_GUARD_SECONDS, TimeUnit.SECONDS));
            } catch (ExecutionException e) {
                if (e.getCause() instanceof AssertionError assertion) {
                    throw assertion;
                }
                throw new AssertionError("a racing call threw instead of answering", e.getCause());
            } catch (TimeoutException e) {
                fail("a racing call never returned: the store deadlocked");
            }
        }
        return results;
    }

    private static int exactlyOneWinner(List<? extends Outcome<?>> outcomes, int trial) {
        int winner = -1;
        for (int k = 0; k < 2; k++) {
            if (outcomes.get(k).succeeded()) {
                assertEquals(-1, winner, () -> "trial " + trial + ": both succeeded " + outcomes);
                winner = k;
            }
        }
        assertTrue(winner >= 0, "trial " + trial + ": neither succeeded " + outcomes);
        return winner;
    }

    private static void assertRefusedWith(Outcome<?> outcome, Reason reason, int trial) {
        assertEquals(Optional.of(reason), outcome.refusal().map(r -> r.reason()), () -> "trial " + trial + ": " + outcome);
    }

    private static void assertSucceededOrRefusedWith(Outcome<?> outcome, Reason reason, int trial) {
        if (!outcome.succeeded()) {
            assertRefusedWith(outcome, reason, trial);
        }
    }

    private static <R> R succeeded(Outcome<R> outcome, int trial) {
        return outcome.orElseThrow(refusal -> new AssertionError("trial " + trial + ": expected success, got " + outcome));
    }

    // ---- reading the state back ----------------------------------------------------------------------

    private static List<WorkspaceMember> members(Fixture f, WorkspaceId workspace) {
        return succeeded(f.membership().execute(ROOT_KEY,
                new Command.ListWorkspaceMembers(workspace, PageRequest.first(PageRequest.MAX_LIMIT))), -1).items();
    }

    private static List<String> memberIds(Fixture f, WorkspaceId workspace) {
        return members(f, workspace).stream().map(m -> m.user().value()).toList();
    }

    private static List<String> workspaceAdmins(Fixture f, WorkspaceId workspace) {
        return members(f, workspace).stream().filter(m -> m.role() == WorkspaceRole.ADMIN).map(m -> m.user().value()).toList();
    }

    private static List<String> organizationUsers(Fixture f, OrganizationId org) {
        return succeeded(f.membership().execute(ROOT_KEY, new Command.ListOrganizationMembers(org,
                PageRequest.first(PageRequest.MAX_LIMIT))), -1).items().stream().map(u -> u.user().id().value()).toList();
    }

    private static List<String> organizationAdmins(Fixture f, int trial) {
        // the default workspace shows organization admins as its admins
        List<String> admins = workspaceAdmins(f, f.workspace(org(trial)));
        for (String admin : admins) {
            Memberships memberships = succeeded(f.membership().execute(ROOT_KEY,
                    new Command.ListMemberships(f.user(admin))), trial);
            assertTrue(memberships.organizations().stream().anyMatch(m -> m.organization().equals(f.organization(org(trial)))
                    && m.role() == OrganizationRole.ADMIN), "trial " + trial);
        }
        return admins;
    }

    /** @return the user's account status, read from the store (the engine offers no lookup of one user) */
    private UserStatus status(String user, Fixture f) {
        return store.read(tx -> tx.user(f.user(user))).orElseThrow().status();
    }

        private static List<InvitationId> pendingInvitations(Fixture f, OrganizationId org) {
        return succeeded(f.membership().execute(ROOT_KEY, new Command.ListInvitations(org, PageRequest.first())), -1)
                .items().stream().map(i -> i.id()).toList();
    }

    private static int auditSize(Fixture f, OrganizationId org) {
        int size = 0;
        PageRequest request = PageRequest.first(PageRequest.MAX_LIMIT);
        while (true) {
            var page = succeeded(f.membership().execute(ROOT_KEY, Command.ListAuditTrail.of(org, request)), -1);
            size += page.items().size();
            if (!page.hasMore()) {
                return size;
            }
            request = PageRequest.after(page.lastId().orElseThrow(), PageRequest.MAX_LIMIT);
        }
    }
}
