package org.membership.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.membership.api.WorkspaceRole.ADMIN;
import static org.membership.api.WorkspaceRole.USER;
import static org.membership.tck.support.Outranking.levelInOutrankingWorld;
import static org.membership.tck.support.Outranking.outrankingActor;
import static org.membership.tck.support.Outranking.outrankingWorld;
import static org.membership.tck.support.Reads.OBSERVER;
import static org.membership.tck.support.Reads.memberships;
import static org.membership.tck.support.Specs.org;
import static org.membership.tck.support.Specs.seat;
import static org.membership.tck.support.Specs.spec;
import static org.membership.tck.support.Specs.ws;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.membership.api.Actor;
import org.membership.api.AuthorityLevel;
import org.membership.api.Command;
import org.membership.api.Decision;
import org.membership.api.Email;
import org.membership.api.MembershipRules;
import org.membership.api.Operation;
import org.membership.api.OrganizationAdminRemoval;
import org.membership.api.OrganizationRole;
import org.membership.api.OrganizationUserRemoval;
import org.membership.api.Outcome;
import org.membership.api.PageRequest;
import org.membership.api.Presets;
import org.membership.api.Reason;
import org.membership.api.Refusal;
import org.membership.api.UserId;
import org.membership.api.UserStatus;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceMember;
import org.membership.api.WorkspaceRole;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Rules 1 and 2: the minimum authority each operation needs, and outranking (with the protection of organization admins where the host asks for it).
 *
 * <p>Extend it in a store's test sources and implement {@link #newStore()}, or extend
 * {@link RulesContract}, which runs every rule group. Each rule's documentation says what it proves
 * and, under "If it fails", where to look. A falsified property prints its smallest failing example
 * and {@code Seed was <n>}; {@code -DQT_SEED=<n>} replays it (see {@link RuleGroupContract}).
 *
 * <p>Not thread-safe; JUnit runs one method per instance.
 */
public abstract class AuthorityRulesContract extends RuleGroupContract {
    // ---- rule 1: minimum authority per operation ---------------------------------------------

    /** Who acts in rule 1's world, with its level in workspace "ws", in organization "acme", and instance-wide. */
    private enum Who {
        OUTSIDE_WORKSPACE("o", AuthorityLevel.NONE, AuthorityLevel.MEMBER, AuthorityLevel.NONE),
        WORKSPACE_MEMBER("m", AuthorityLevel.MEMBER, AuthorityLevel.MEMBER, AuthorityLevel.NONE),
        WORKSPACE_ADMIN("wa", AuthorityLevel.WORKSPACE_ADMIN, AuthorityLevel.MEMBER, AuthorityLevel.NONE),
        ORGANIZATION_ADMIN("oa", AuthorityLevel.ORGANIZATION_ADMIN, AuthorityLevel.ORGANIZATION_ADMIN, AuthorityLevel.NONE),
        ORGANIZATION_KEY(null, AuthorityLevel.ORGANIZATION_ADMIN, AuthorityLevel.ORGANIZATION_ADMIN, AuthorityLevel.NONE),
        INSTANCE_ADMIN("ia", AuthorityLevel.INSTANCE_ADMIN, AuthorityLevel.INSTANCE_ADMIN, AuthorityLevel.INSTANCE_ADMIN),
        INSTANCE_KEY(null, AuthorityLevel.INSTANCE_ADMIN, AuthorityLevel.INSTANCE_ADMIN, AuthorityLevel.INSTANCE_ADMIN);

        final String user;
        final AuthorityLevel inWorkspace;
        final AuthorityLevel inOrganization;
        final AuthorityLevel inInstance;

        Who(String user, AuthorityLevel inWorkspace, AuthorityLevel inOrganization, AuthorityLevel inInstance) {
            this.user = user;
            this.inWorkspace = inWorkspace;
            this.inOrganization = inOrganization;
            this.inInstance = inInstance;
        }

        Actor in(World w) {
            if (this == ORGANIZATION_KEY) {
                return Actor.organizationKey(w.organization("acme"), "key");
            }
            return this == INSTANCE_KEY ? RuleGroupContract.INSTANCE_KEY : Actor.user(w.user(user));
        }
    }

    /** An operation rule 1 probes: nothing but its authority can refuse it with insufficient_authority. */
    record Probe(Operation operation, String scope, Function<World, Command<?>> command) {
        AuthorityLevel level(Who who) {
            return switch (scope) {
                case "workspace" -> who.inWorkspace;
                case "organization" -> who.inOrganization;
                default -> who.inInstance;
            };
        }

        @Override
        public String toString() {
            return operation + " (" + scope + ")";
        }
    }

    static final List<Probe> PROBES = List.of(
            new Probe(Operation.REMOVE_WORKSPACE_MEMBER, "workspace",
                    w -> new Command.RemoveWorkspaceMember(w.workspace("ws"), w.user("t"))),
            new Probe(Operation.GET_WORKSPACE_MEMBER, "workspace",
                    w -> new Command.GetWorkspaceMember(w.workspace("ws"), w.user("t"))),
            new Probe(Operation.LIST_WORKSPACE_MEMBERS, "workspace",
                    w -> new Command.ListWorkspaceMembers(w.workspace("ws"), PageRequest.first())),
            new Probe(Operation.GET_WORKSPACE_AUTHORITY, "workspace",
                    w -> new Command.GetWorkspaceAuthority(w.workspace("ws"))),
            // t is already a member, so whoever reaches the minimum is refused as already_member
            new Probe(Operation.ADD_WORKSPACE_MEMBER, "workspace",
                    w -> new Command.AddWorkspaceMember(w.workspace("ws"), w.user("t"), USER)),
            // t keeps its role: whoever reaches the minimum outranks or equals t and may grant it
            new Probe(Operation.CHANGE_WORKSPACE_ROLE, "workspace",
                    w -> new Command.ChangeWorkspaceRole(w.workspace("ws"), w.user("t"), USER)),
            new Probe(Operation.LIST_INVITATIONS, "organization",
                    w -> new Command.ListInvitations(w.organization("acme"), PageRequest.first())),
            new Probe(Operation.CREATE_WORKSPACE, "organization",
                    w -> new Command.CreateWorkspace(w.organization("acme"), "New")),
            new Probe(Operation.INVITE_TO_ORGANIZATION, "organization",
                    w -> new Command.InviteToOrganization(w.organization("acme"), Email.of("new@x.com"),
                            OrganizationRole.MEMBER)),
            new Probe(Operation.REVOKE_INVITATION, "organization",
                    w -> new Command.RevokeInvitation(w.invitation("guest@x.com"))),
            new Probe(Operation.REMOVE_ORGANIZATION_USER, "organization",
                    w -> new Command.RemoveOrganizationUser(w.organization("acme"), Email.of("t@example.com"))),
            new Probe(Operation.LIST_AUDIT_TRAIL, "organization",
                    w -> Command.ListAuditTrail.of(w.organization("acme"), PageRequest.first())),
            new Probe(Operation.REGISTER_USER, "instance",
                    w -> new Command.RegisterUser(new org.membership.api.User(UserId.of(World.NEWCOMER),
                            Email.of(World.NEWCOMER + "@example.com"), UserStatus.VALIDATED, false))),
            new Probe(Operation.CHANGE_USER_STATUS, "instance",
                    w -> new Command.ChangeUserStatus(w.user("t"), UserStatus.VALIDATED)),
            new Probe(Operation.CREATE_ORGANIZATION, "instance",
                    w -> new Command.CreateOrganization("Another", w.user("oa"))),
            new Probe(Operation.LIST_MEMBERSHIPS, "instance", w -> new Command.ListMemberships(w.user("t"))),
            // t is already a member, so whoever reaches the minimum is refused as already_member
            new Probe(Operation.ADD_ORGANIZATION_MEMBER, "organization",
                    w -> new Command.AddOrganizationMember(w.organization("acme"), w.user("t"), OrganizationRole.MEMBER)),
            // t keeps its role: whoever reaches the minimum outranks or equals t and may grant it
            new Probe(Operation.CHANGE_ORGANIZATION_ROLE, "organization",
                    w -> new Command.ChangeOrganizationRole(w.organization("acme"), w.user("t"), OrganizationRole.MEMBER)),
            new Probe(Operation.REMOVE_ORGANIZATION_MEMBER, "organization",
                    w -> new Command.RemoveOrganizationMember(w.organization("acme"), w.user("t"))),
            new Probe(Operation.GET_ORGANIZATION_MEMBER, "organization",
                    w -> new Command.GetOrganizationMember(w.organization("acme"), w.user("t"))),
            new Probe(Operation.LIST_ORGANIZATION_MEMBERS, "organization",
                    w -> new Command.ListOrganizationMembers(w.organization("acme"), PageRequest.first())),
            new Probe(Operation.GET_INVITATION, "organization", w -> new Command.GetInvitation(w.invitation("guest@x.com"))),
            // an account is measured by the actor's level in the organizations it shares with it: acme
            new Probe(Operation.GET_USER, "organization", w -> new Command.GetUser(w.user("t"))),
            new Probe(Operation.FIND_USER_BY_EMAIL, "organization",
                    w -> new Command.FindUserByEmail(Email.of("T@Example.com"))),
            // t keeps its email: whoever reaches the minimum changes nothing
            new Probe(Operation.CHANGE_USER_EMAIL, "instance",
                    w -> new Command.ChangeUserEmail(w.user("t"), Email.of("t@example.com"))),
            new Probe(Operation.RENAME_WORKSPACE, "workspace", w -> new Command.RenameWorkspace(w.workspace("ws"), "Renamed")),
            new Probe(Operation.DELETE_WORKSPACE, "workspace", w -> new Command.DeleteWorkspace(w.workspace("ws"))),
            new Probe(Operation.DELETE_ORGANIZATION, "organization",
                    w -> new Command.DeleteOrganization(w.organization("acme"))));

    static World.Spec authorityWorld() {
        return spec(List.of(org("acme", List.of("oa"), List.of("wa", "m", "t", "o"),
                        List.of(ws("ws", seat("wa", ADMIN), seat("m", USER), seat("t", USER))),
                        List.of(new World.Invite("guest@x.com", OrganizationRole.MEMBER)))),
                List.of(), List.of(), List.of("ia"));
    }

    /**
     * Rule 1, for every operation the probes cover and any configured minimums: an actor below the
     * minimum is insufficient_authority and nothing changes; at or above it, authority is not what
     * refuses it.
     *
     * <p>If it fails: check the actor's level as the store's rows give it (organizationMember,
     * workspaceMember, the user's instance-admin flag), per probe and level in the message.
     */
    @Test
    public void rule1_belowMinimumAuthority_isForbidden_atOrAbove_passesThatCheck() {
        qt().forAll(Generators.rules(), Generate.pick(PROBES), Generate.enumValues(Who.class))
                .checkAssert((rules, probe, who) -> {
                    World w = World.build(authorityWorld(), newStore(), rules);
                    World.State before = w.snapshot();
                    Command<?> command = probe.command().apply(w);
                    Decision decision = w.membership().check(who.in(w), command);
                    Outcome<?> outcome = w.membership().execute(who.in(w), command);
                    AuthorityLevel required = rules.requiredAuthority(probe.operation());
                    if (!probe.level(who).atLeast(required)) {
                        assertEquals(Optional.of(Refusal.of(Reason.INSUFFICIENT_AUTHORITY)), outcome.refusal(),
                                who + " at " + probe.level(who) + " below " + required);
                        assertEquals(403, outcome.refusal().orElseThrow().status());
                        assertEquals(before, w.snapshot(), "a refusal changes nothing");
                    } else {
                        assertNotEquals(Optional.of(Reason.INSUFFICIENT_AUTHORITY),
                                outcome.refusal().map(Refusal::reason),
                                who + " at " + probe.level(who) + " reaches " + required);
                    }
                    assertEquals(decision.refusal(), outcome.refusal(), "the dry run decided the same");
                });
    }

    /** The documented APIs' removal rules (spec §1): who may remove a workspace member under each preset. */
    private static final Map<String, Pair<MembershipRules, AuthorityLevel>> DOCUMENTED = Map.of(
            "F (Flashback)", Pair.of(Presets.flashback(), AuthorityLevel.WORKSPACE_ADMIN),
            "P1 (Paradigm company)", Pair.of(Presets.paradigmCompany(), AuthorityLevel.ORGANIZATION_ADMIN),
            "P2 (Paradigm instance)", Pair.of(Presets.paradigmInstance(), AuthorityLevel.INSTANCE_ADMIN),
            "A (Anthropic Admin API)", Pair.of(Presets.anthropicAdmin(), AuthorityLevel.ORGANIZATION_ADMIN),
            "X (Factory)", Pair.of(Presets.factory(), AuthorityLevel.WORKSPACE_ADMIN));

    /**
     * Rule 1 under each documented API's preset: exactly the actors that API allows remove a
     * workspace member (F workspace admins, P1 organization admins or higher, P2 instance admins, A
     * and X as documented).
     *
     * <p>If it fails: check the preset's levels (Presets) and the actor's standing in the store.
     */
    @Test
    public void rule1_presets_removeExactlyAsTheDocumentedApisAllow() {
        qt().forAll(Generate.pick(List.copyOf(new java.util.TreeSet<>(DOCUMENTED.keySet()))), Generate.enumValues(Who.class))
                .checkAssert((api, who) -> {
                    MembershipRules rules = DOCUMENTED.get(api)._1;
                    AuthorityLevel documented = DOCUMENTED.get(api)._2;
                    World w = World.build(authorityWorld(), newStore(), rules);
                    Outcome<WorkspaceMember> outcome = w.membership().execute(who.in(w),
                            new Command.RemoveWorkspaceMember(w.workspace("ws"), w.user("t")));
                    if (who.inWorkspace.atLeast(documented)) {
                        assertTrue(outcome.succeeded(), () -> api + ": " + who + " may remove; got " + outcome);
                        assertEquals(Optional.of(Refusal.of(Reason.MEMBER_NOT_FOUND)), w.membership().execute(OBSERVER,
                                new Command.GetWorkspaceMember(w.workspace("ws"), w.user("t"))).refusal());
                    } else {
                        assertEquals(Optional.of(403), outcome.refusal().map(Refusal::status), () -> api + ": " + who);
                    }
                });
    }

    // ---- rule 2: outranking --------------------------------------------------------------------

    /**
     * Rule 2 in a workspace: nobody removes or demotes a member whose authority there (account,
     * organization role, workspace role) is higher than its own: outranked, and nothing changes.
     *
     * <p>If it fails: check the target's standing: its user row (instance admin), its organization
     * membership and its workspace role as the store returns them.
     */
    @Test
    public void rule2_nobodyRemovesOrDemotesHigherAuthority_inWorkspace() {
        Gen<String> actors = Generate.pick(List.of("wa", "oa", "key", "ia", "instance key"));
        Gen<String> targets = Generate.pick(List.of("wa2", "m", "oa", "ia"));
        Gen<Optional<WorkspaceRole>> change = Generators.workspaceRoles().toOptionals(50);
        qt().forAll(Generators.workspaceRoles().zip(Generators.workspaceRoles(), Pair::of), actors, targets, change)
                .checkAssert((roles, who, target, demoteTo) -> {
                    World w = World.build(outrankingWorld(roles._1, roles._2), newStore(), MembershipRules.defaults());
                    if (who.equals(target)) {
                        return;
                    }
                    World.State before = w.snapshot();
                    WorkspaceId ws = w.workspace("ws");
                    Command<WorkspaceMember> command = demoteTo.isPresent()
                            ? new Command.ChangeWorkspaceRole(ws, w.user(target), demoteTo.get())
                            : new Command.RemoveWorkspaceMember(ws, w.user(target));
                    Outcome<WorkspaceMember> outcome = w.membership().execute(outrankingActor(w, who), command);
                    AuthorityLevel actorLevel = levelInOutrankingWorld(who, false);
                    AuthorityLevel targetLevel = levelInOutrankingWorld(target, false);
                    if (targetLevel.compareTo(actorLevel) > 0) {
                        assertEquals(Optional.of(Refusal.of(Reason.OUTRANKED)), outcome.refusal(),
                                who + " (" + actorLevel + ") acting on " + target + " (" + targetLevel + ")");
                        assertEquals(before, w.snapshot(), "an outranked change changes nothing");
                    } else {
                        assertTrue(outcome.succeeded(), () -> who + " on " + target + ": " + outcome);
                        Outcome<WorkspaceMember> now = w.membership().execute(OBSERVER,
                                new Command.GetWorkspaceMember(ws, w.user(target)));
                        if (demoteTo.isPresent()) {
                            assertEquals(demoteTo.get(), now.orElseThrow().role());
                        } else {
                            assertEquals(Optional.of(Refusal.of(Reason.MEMBER_NOT_FOUND)), now.refusal());
                        }
                    }
                });
    }

    /**
     * Rule 2 in an organization: removing a user by email is outranked when the user's organization
     * standing is higher than the actor's.
     *
     * <p>If it fails: check userByEmail and organizationMember for the target.
     */
    @Test
    public void rule2_nobodyRemovesHigherAuthority_fromOrganization() {
        Gen<String> actors = Generate.pick(List.of("oa", "key", "ia", "instance key"));
        Gen<String> targets = Generate.pick(List.of("wa", "m", "oa2", "ia"));
        qt().forAll(actors, targets).checkAssert((who, target) -> {
                    World w = World.build(outrankingWorld(USER, USER), newStore(), MembershipRules.defaults());
                    if (who.equals(target)) {
                        return;
                    }
                    World.State before = w.snapshot();
                    Outcome<OrganizationUserRemoval> outcome = w.membership().execute(outrankingActor(w, who),
                            new Command.RemoveOrganizationUser(w.organization("acme"), Fixture.email(target)));
                    AuthorityLevel actorLevel = levelInOutrankingWorld(who, true);
                    AuthorityLevel targetLevel = levelInOutrankingWorld(target, true);
                    if (targetLevel.compareTo(actorLevel) > 0) {
                        assertEquals(Optional.of(Refusal.of(Reason.OUTRANKED)), outcome.refusal(), who + " on " + target);
                        assertEquals(before, w.snapshot());
                    } else {
                        assertEquals(w.user(target),
                                assertInstanceOf(OrganizationUserRemoval.MemberRemoved.class, outcome.orElseThrow()).member().user());
                        assertTrue(memberships(w, target).organizations().isEmpty());
                    }
                });
    }

    // ---- rule 2, where the host protects organization admins (OrganizationAdminRemoval) ----------

    /** Rule 2's world with both organization admins seated in the custom workspace "ws", in the given roles. */
    private static World.Spec protectionWorld(WorkspaceRole oaRole, WorkspaceRole oa2Role) {
        return spec(List.of(org("acme", List.of("oa", "oa2"), List.of("wa", "wa2", "m", "ia"),
                        List.of(ws("ws", seat("wa", ADMIN), seat("wa2", ADMIN), seat("m", USER),
                                seat("oa", oaRole), seat("oa2", oa2Role), seat("ia", USER))), List.of())),
                List.of(), List.of(), List.of("ia"));
    }

    /** A change to someone's membership that organization-admin protection may refuse. */
    private enum Change { REMOVE_FROM_WORKSPACE, CHANGE_WORKSPACE_ROLE, REMOVE_FROM_ORGANIZATION }

    /**
     * Rule 2 where the host protects organization admins: below instance authority nobody removes
     * an organization admin from a workspace or the organization, or changes its workspace role
     * (organization_admin_protected), and the setting changes nothing else.
     *
     * <p>If it fails: check the target's organization role as stored; the message names actor, target
     * and change.
     */
    @Test
    public void rule2_protectedOrganizationAdmins_onlyInstanceAdminsRemoveOrDemoteThem_nothingElseChanges() {
        // Weighted so that an organization-admin actor meets an organization-admin target often.
        Gen<String> actors = Generate.frequency(List.of(Pair.of(4, Generate.constant("oa")),
                Pair.of(4, Generate.constant("key")), Pair.of(1, Generate.constant("wa")), Pair.of(1, Generate.constant("m")),
                Pair.of(1, Generate.constant("ia")), Pair.of(1, Generate.constant("instance key"))));
        Gen<String> targets = Generate.frequency(List.of(Pair.of(3, Generate.constant("oa")),
                Pair.of(3, Generate.constant("oa2")), Pair.of(1, Generate.constant("wa2")), Pair.of(1, Generate.constant("m")),
                Pair.of(1, Generate.constant("ia"))));
        Gen<Pair<Change, WorkspaceRole>> changes = Generate.enumValues(Change.class).zip(Generators.workspaceRoles(), Pair::of);
        Gen<Pair<WorkspaceRole, WorkspaceRole>> seats = Generators.workspaceRoles().zip(Generators.workspaceRoles(), Pair::of);
        AtomicInteger refusedByProtection = new AtomicInteger();
        qt().forAll(Generate.oneOf(Generators.presets(), Generators.rules()), seats, actors.zip(targets, Pair::of), changes)
                .checkAssert((rules, roles, who, change) -> {
                    String actorName = who._1;
                    String target = who._2;
                    // The generated rules' own setting does not matter: each example runs under both.
                    MembershipRules off = rules.toBuilder()
                            .organizationAdminRemoval(OrganizationAdminRemoval.BY_ORGANIZATION_ADMINS).build();
                    MembershipRules on = rules.toBuilder()
                            .organizationAdminRemoval(OrganizationAdminRemoval.BY_INSTANCE_ADMINS_ONLY).build();
                    World unprotected = World.build(protectionWorld(roles._1, roles._2), newStore(), off);
                    World guarded = World.build(protectionWorld(roles._1, roles._2), newStore(), on);
                    World.State before = guarded.snapshot();
                    Function<World, Command<?>> command = w -> switch (change._1) {
                        case REMOVE_FROM_WORKSPACE -> new Command.RemoveWorkspaceMember(w.workspace("ws"), w.user(target));
                        case CHANGE_WORKSPACE_ROLE -> new Command.ChangeWorkspaceRole(w.workspace("ws"), w.user(target), change._2);
                        case REMOVE_FROM_ORGANIZATION -> new Command.RemoveOrganizationUser(w.organization("acme"),
                                Fixture.email(target));
                    };
                    Outcome<?> without = unprotected.membership().execute(outrankingActor(unprotected, actorName),
                            command.apply(unprotected));
                    Decision dryRun = guarded.membership().check(outrankingActor(guarded, actorName), command.apply(guarded));
                    Outcome<?> with = guarded.membership().execute(outrankingActor(guarded, actorName), command.apply(guarded));
                    assertEquals(dryRun.refusal(), with.refusal(), "the dry run decided the same");
                    assertNotEquals(Optional.of(Reason.ORGANIZATION_ADMIN_PROTECTED), without.refusal().map(Refusal::reason),
                            "without the setting nobody is protected beyond outranking");
                    boolean organizationAdminTarget = target.equals("oa") || target.equals("oa2");
                    boolean instanceActor = actorName.equals("ia") || actorName.equals("instance key");
                    if (organizationAdminTarget && !instanceActor && !actorName.equals(target)) {
                        assertFalse(with.succeeded(),
                                () -> "under BY_INSTANCE_ADMINS_ONLY " + actorName + " changed protected " + target + ": " + with);
                        assertEquals(before, guarded.snapshot(), "a protected admin's memberships stay as they were");
                        if (with.refusal().orElseThrow().reason() == Reason.ORGANIZATION_ADMIN_PROTECTED) {
                            refusedByProtection.incrementAndGet();
                            assertEquals(403, with.refusal().orElseThrow().status());
                        } else {
                            assertEquals(without.refusal(), with.refusal(), "an earlier rule refused it either way");
                        }
                        if (without.succeeded()) {
                            assertEquals(Optional.of(Refusal.of(Reason.ORGANIZATION_ADMIN_PROTECTED)), with.refusal(),
                                    () -> actorName + " on " + target + " succeeds only without the setting");
                        }
                    } else {
                        assertEquals(without, with, () -> actorName + " on " + target + " is not a protected case");
                        assertEquals(unprotected.snapshot(), guarded.snapshot());
                        assertEquals(unprotected.events(), guarded.events());
                    }
                });
        assertTrue(refusedByProtection.get() >= Integer.getInteger("QT_EXAMPLES", examples()) / 20,
                () -> "the generators refused too few changes by protection to prove anything: " + refusedByProtection);
    }
}
