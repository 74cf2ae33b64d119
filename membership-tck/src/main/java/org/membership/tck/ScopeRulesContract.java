package org.membership.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.membership.api.WorkspaceRole.ADMIN;
import static org.membership.api.WorkspaceRole.USER;
import static org.membership.tck.support.Reads.invitations;
import static org.membership.tck.support.Specs.append;
import static org.membership.tck.support.Specs.org;
import static org.membership.tck.support.Specs.twoOrganizations;
import static org.membership.tck.support.Specs.ws;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.membership.api.Actor;
import org.membership.api.Command;
import org.membership.api.Email;
import org.membership.api.InvitationId;
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationRole;
import org.membership.api.Outcome;
import org.membership.api.PageRequest;
import org.membership.api.Reason;
import org.membership.api.Refusal;
import org.membership.api.UserId;
import org.membership.api.WorkspaceId;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Rules 3 and 4: scope without existence leaks, and valid actors.
 *
 * <p>Extend it in a store's test sources and implement {@link #newStore()}, or extend
 * {@link RulesContract}, which runs every rule group. Each rule's documentation says what it proves
 * and, under "If it fails", where to look. A falsified property prints its smallest failing example
 * and {@code Seed was <n>}; {@code -DQT_SEED=<n>} replays it (see {@link RuleGroupContract}).
 *
 * <p>Not thread-safe; JUnit runs one method per instance.
 */
public abstract class ScopeRulesContract extends RuleGroupContract {
    // ---- rule 3: scope and no existence leak ---------------------------------------------------

    /** A pair of probes: one aimed at something in another organization, one at something that does not exist. */
    record LeakProbe(String name, Function<World, Command<?>> foreign, Function<World, Command<?>> missing) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final WorkspaceId NO_WORKSPACE = WorkspaceId.of(World.MISSING + "ws");
    private static final UserId NO_USER = UserId.of(World.MISSING + "user");
    private static final OrganizationId NO_ORGANIZATION = OrganizationId.of(World.MISSING + "org");
    private static final InvitationId NO_INVITATION = InvitationId.of(World.MISSING + "inv");
    private static final Email NOBODY = Email.of("nobody@nowhere.example");

    static final List<LeakProbe> LEAK_PROBES = List.of(
            new LeakProbe("remove from another organization's custom workspace",
                    w -> new Command.RemoveWorkspaceMember(w.workspace("zw"), w.user("y")),
                    w -> new Command.RemoveWorkspaceMember(NO_WORKSPACE, w.user("y"))),
            new LeakProbe("remove from another organization's default workspace",
                    w -> new Command.RemoveWorkspaceMember(w.workspace("other"), w.user("z")),
                    w -> new Command.RemoveWorkspaceMember(NO_WORKSPACE, w.user("z"))),
            new LeakProbe("get a member of another organization's workspace",
                    w -> new Command.GetWorkspaceMember(w.workspace("zw"), w.user("y")),
                    w -> new Command.GetWorkspaceMember(NO_WORKSPACE, w.user("y"))),
            new LeakProbe("read one's authority in another organization's workspace",
                    w -> new Command.GetWorkspaceAuthority(w.workspace("zw")),
                    w -> new Command.GetWorkspaceAuthority(NO_WORKSPACE)),
            new LeakProbe("list another organization's workspace",
                    w -> new Command.ListWorkspaceMembers(w.workspace("zw"), PageRequest.first()),
                    w -> new Command.ListWorkspaceMembers(NO_WORKSPACE, PageRequest.first())),
            new LeakProbe("add to another organization's workspace",
                    w -> new Command.AddWorkspaceMember(w.workspace("zw"), w.user("m"), USER),
                    w -> new Command.AddWorkspaceMember(NO_WORKSPACE, w.user("m"), USER)),
            new LeakProbe("change a role in another organization's workspace",
                    w -> new Command.ChangeWorkspaceRole(w.workspace("zw"), w.user("y"), ADMIN),
                    w -> new Command.ChangeWorkspaceRole(NO_WORKSPACE, w.user("y"), ADMIN)),
            new LeakProbe("add another organization's user to an own workspace",
                    w -> new Command.AddWorkspaceMember(w.workspace("aw"), w.user("y"), USER),
                    w -> new Command.AddWorkspaceMember(w.workspace("aw"), NO_USER, USER)),
            new LeakProbe("get another organization's user in an own workspace",
                    w -> new Command.GetWorkspaceMember(w.workspace("aw"), w.user("y")),
                    w -> new Command.GetWorkspaceMember(w.workspace("aw"), NO_USER)),
            new LeakProbe("remove another organization's user from an own workspace",
                    w -> new Command.RemoveWorkspaceMember(w.workspace("aw"), w.user("y")),
                    w -> new Command.RemoveWorkspaceMember(w.workspace("aw"), NO_USER)),
            new LeakProbe("remove another organization's user from the own organization by email",
                    w -> new Command.RemoveOrganizationUser(w.organization("acme"), Fixture.email("y")),
                    w -> new Command.RemoveOrganizationUser(w.organization("acme"), NOBODY)),
            new LeakProbe("remove another organization's invitee from the own organization by email",
                    w -> new Command.RemoveOrganizationUser(w.organization("acme"), Email.of("foreign@x.com")),
                    w -> new Command.RemoveOrganizationUser(w.organization("acme"), NOBODY)),
            new LeakProbe("revoke another organization's invitation",
                    w -> new Command.RevokeInvitation(w.invitation("Foreign@X.com")),
                    w -> new Command.RevokeInvitation(NO_INVITATION)),
            new LeakProbe("accept another organization's invitation for someone else",
                    w -> new Command.AcceptInvitation(w.invitation("Foreign@X.com")),
                    w -> new Command.AcceptInvitation(NO_INVITATION)),
            new LeakProbe("list another organization's invitations",
                    w -> new Command.ListInvitations(w.organization("other"), PageRequest.first()),
                    w -> new Command.ListInvitations(NO_ORGANIZATION, PageRequest.first())),
            new LeakProbe("invite to another organization",
                    w -> new Command.InviteToOrganization(w.organization("other"), NOBODY, OrganizationRole.MEMBER),
                    w -> new Command.InviteToOrganization(NO_ORGANIZATION, NOBODY, OrganizationRole.MEMBER)),
            new LeakProbe("create a workspace in another organization",
                    w -> new Command.CreateWorkspace(w.organization("other"), "Mine now"),
                    w -> new Command.CreateWorkspace(NO_ORGANIZATION, "Mine now")),
            new LeakProbe("read another organization's audit trail",
                    w -> Command.ListAuditTrail.of(w.organization("other"), PageRequest.first()),
                    w -> Command.ListAuditTrail.of(NO_ORGANIZATION, PageRequest.first())),
            new LeakProbe("remove a member of another organization by email",
                    w -> new Command.RemoveOrganizationUser(w.organization("other"), Fixture.email("y")),
                    w -> new Command.RemoveOrganizationUser(NO_ORGANIZATION, Fixture.email("y"))),
            new LeakProbe("add a user to another organization",
                    w -> new Command.AddOrganizationMember(w.organization("other"), w.user("m"), OrganizationRole.MEMBER),
                    w -> new Command.AddOrganizationMember(NO_ORGANIZATION, w.user("m"), OrganizationRole.MEMBER)),
            new LeakProbe("add another organization's user to the own organization",
                    w -> new Command.AddOrganizationMember(w.organization("acme"), w.user("y"), OrganizationRole.MEMBER),
                    w -> new Command.AddOrganizationMember(w.organization("acme"), NO_USER, OrganizationRole.MEMBER)),
            new LeakProbe("change an organization role in another organization",
                    w -> new Command.ChangeOrganizationRole(w.organization("other"), w.user("y"), OrganizationRole.ADMIN),
                    w -> new Command.ChangeOrganizationRole(NO_ORGANIZATION, w.user("y"), OrganizationRole.ADMIN)),
            new LeakProbe("change another organization's user's role in the own organization",
                    w -> new Command.ChangeOrganizationRole(w.organization("acme"), w.user("y"), OrganizationRole.MEMBER),
                    w -> new Command.ChangeOrganizationRole(w.organization("acme"), NO_USER, OrganizationRole.MEMBER)),
            new LeakProbe("remove a member of another organization by id",
                    w -> new Command.RemoveOrganizationMember(w.organization("other"), w.user("y")),
                    w -> new Command.RemoveOrganizationMember(NO_ORGANIZATION, w.user("y"))),
            new LeakProbe("remove another organization's user from the own organization by id",
                    w -> new Command.RemoveOrganizationMember(w.organization("acme"), w.user("y")),
                    w -> new Command.RemoveOrganizationMember(w.organization("acme"), NO_USER)),
            new LeakProbe("leave another organization",
                    w -> new Command.LeaveOrganization(w.organization("other")),
                    w -> new Command.LeaveOrganization(NO_ORGANIZATION)),
            new LeakProbe("get a member of another organization",
                    w -> new Command.GetOrganizationMember(w.organization("other"), w.user("y")),
                    w -> new Command.GetOrganizationMember(NO_ORGANIZATION, w.user("y"))),
            new LeakProbe("get another organization's user as a member of the own organization",
                    w -> new Command.GetOrganizationMember(w.organization("acme"), w.user("y")),
                    w -> new Command.GetOrganizationMember(w.organization("acme"), NO_USER)),
            new LeakProbe("list another organization's members",
                    w -> new Command.ListOrganizationMembers(w.organization("other"), PageRequest.first()),
                    w -> new Command.ListOrganizationMembers(NO_ORGANIZATION, PageRequest.first())),
            new LeakProbe("read another organization's invitation",
                    w -> new Command.GetInvitation(w.invitation("Foreign@X.com")),
                    w -> new Command.GetInvitation(NO_INVITATION)),
            new LeakProbe("read another organization's user's account",
                    w -> new Command.GetUser(w.user("y")),
                    w -> new Command.GetUser(NO_USER)),
            new LeakProbe("find another organization's user by email",
                    w -> new Command.FindUserByEmail(Fixture.email("y")),
                    w -> new Command.FindUserByEmail(NOBODY)),
            new LeakProbe("rename another organization's workspace",
                    w -> new Command.RenameWorkspace(w.workspace("zw"), "Mine now"),
                    w -> new Command.RenameWorkspace(NO_WORKSPACE, "Mine now")),
            new LeakProbe("delete another organization's workspace",
                    w -> new Command.DeleteWorkspace(w.workspace("zw")),
                    w -> new Command.DeleteWorkspace(NO_WORKSPACE)),
            new LeakProbe("delete another organization",
                    w -> new Command.DeleteOrganization(w.organization("other")),
                    w -> new Command.DeleteOrganization(NO_ORGANIZATION)));

    /**
     * Rule 3: whatever an actor asks of another organization's workspace, user or invitation
     * answers exactly like the same command on something that does not exist (reason, message,
     * status), for real and as a dry run, and changes nothing.
     *
     * <p>If it fails: check every lookup scoped by organization (organizationMember,
     * pendingInvitation, workspaceMembershipsIn): it must never find rows of another organization.
     */
    @Test
    public void rule3_anotherOrganizationsThings_answerExactlyLikeMissingOnes() {
        Gen<String> actors = Generate.pick(List.of("a", "m", "wa", "key"));
        qt().forAll(Generators.rules(), Generate.pick(LEAK_PROBES), actors).checkAssert((rules, probe, who) -> {
            World w = World.build(twoOrganizations(), newStore(), rules);
            Actor actor = who.equals("key") ? Actor.organizationKey(w.organization("acme"), "key") : Actor.user(w.user(who));
            World.State before = w.snapshot();
            Outcome<?> foreign = w.membership().execute(actor, probe.foreign().apply(w));
            assertFalse(foreign.succeeded(), () -> who + " reached into another organization: " + foreign);
            assertEquals(before, w.snapshot(), "a refused probe changes nothing");
            Outcome<?> missing = w.membership().execute(actor, probe.missing().apply(w));
            assertEquals(missing.refusal(), foreign.refusal(), "reason, message and status are identical");
            assertEquals(missing.refusal(), w.membership().check(actor, probe.foreign().apply(w)).refusal());
        });
    }

    // ---- rule 4: valid actor -------------------------------------------------------------------

    /**
     * Rule 4: an unknown or disabled user, or the key of a missing organization, is unauthenticated
     * (401); a user whose account is not validated is account_not_validated (400); either way
     * nothing changes.
     *
     * <p>If it fails: check user() and organization() for the actor, and the stored status.
     */
    @Test
    public void rule4_unknownOrDisabledActor_isUnauthenticated_unvalidatedIsRefused() {
        Gen<World.Spec> worlds = Generators.worlds().map(s -> new World.Spec(s.organizations(),
                append(s.pendingUsers(), "pending_01"), append(s.disabledUsers(), "disabled_01"), s.instanceAdmins(),
                s.disabledMembers(), s.unvalidatedMembers()));
        Gen<Pair<World.Spec, World.CommandRef>> scenarios = worlds.flatMap(s -> Generators.commands(s).map(c -> Pair.of(s, c)));
        Gen<String> invalid = Generate.pick(List.of("unknown user", "disabled user", "disabled member",
                "pending user", "key of a missing organization"));
        qt().forAll(scenarios, invalid, Generators.presets()).checkAssert((scenario, kind, rules) -> {
            World w = World.build(scenario._1, newStore(), rules);
            Actor actor = switch (kind) {
                case "unknown user" -> Actor.user(UserId.of(World.MISSING + "who"));
                case "disabled user" -> Actor.user(w.user("disabled_01"));
                case "disabled member" -> Actor.user(w.user(scenario._1.disabledMembers().isEmpty()
                        ? "disabled_01" : scenario._1.disabledMembers().get(0)));
                case "pending user" -> Actor.user(w.user("pending_01"));
                default -> Actor.organizationKey(NO_ORGANIZATION, "key");
            };
            Refusal expected = Refusal.of(kind.equals("pending user") ? Reason.ACCOUNT_NOT_VALIDATED : Reason.UNAUTHENTICATED);
            World.State before = w.snapshot();
            Command<?> command = scenario._2.in(w);
            assertEquals(Optional.of(expected), w.membership().check(actor, command).refusal());
            assertEquals(Optional.of(expected), w.membership().execute(actor, command).refusal());
            assertEquals(kind.equals("pending user") ? 400 : 401, expected.status());
            assertEquals(before, w.snapshot());
            assertEquals(List.of(), w.events());
        });
    }
}
