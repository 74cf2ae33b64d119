package org.membership.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.membership.api.WorkspaceRole.ADMIN;
import static org.membership.api.WorkspaceRole.USER;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.membership.api.Actor;
import org.membership.api.AuditEntry;
import org.membership.api.AuthorityLevel;
import org.membership.api.Command;
import org.membership.api.Decision;
import org.membership.api.Email;
import org.membership.api.FeedEvent;
import org.membership.api.FeedPosition;
import org.membership.api.InvalidInputException;
import org.membership.api.Invitation;
import org.membership.api.InvitationId;
import org.membership.api.MembershipEvent;
import org.membership.api.MembershipRules;
import org.membership.api.Memberships;
import org.membership.api.Operation;
import org.membership.api.OrganizationAdminRemoval;
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationMember;
import org.membership.api.OrganizationRole;
import org.membership.api.OrganizationUserRemoval;
import org.membership.api.Outcome;
import org.membership.api.PageRequest;
import org.membership.api.Presets;
import org.membership.api.ProblemDetails;
import org.membership.api.Reason;
import org.membership.api.Refusal;
import org.membership.api.SelfRemoval;
import org.membership.api.UserId;
import org.membership.api.UserStatus;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceMember;
import org.membership.api.WorkspaceRole;
import org.membership.core.spi.MembershipStore;
import org.quicktheories.QuickTheory;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * The rules of the specification (§4), one or more QuickTheories properties each, named
 * {@code ruleN_…} after the rule they prove, plus the dry-run property. Extend it in a store's
 * test sources and implement {@link #newStore()}:
 *
 * <pre>{@code
 * final class InMemoryRulesTest extends RulesContract {
 *     @Override
 *     protected MembershipStore newStore() {
 *         return new InMemoryStore();
 *     }
 * }
 * }</pre>
 *
 * <p><b>Replaying a failure.</b> A falsified property prints its smallest failing example (a
 * readable {@link World.Spec} with the actor and command) and {@code Seed was <n>}. Re-run the
 * same property with that seed: {@code ./mvnw -o verify -pl <module> -am -Dtest=<YourTest>#<rule>
 * -Dsurefire.failIfNoSpecifiedTests=false -DQT_SEED=<n>}, or pin it while debugging by adding
 * {@code .withFixedSeed(<n>L)} after {@code qt(...)} in the property. {@code -DQT_EXAMPLES=<n>}
 * changes how many examples every property tries (default {@link #examples()}).
 *
 * <p>Rule 6's race (two admins removing each other at once) and rule 9's accept/revoke race are
 * concurrency properties and live in the concurrency contract; here they hold sequentially.
 * Every example builds its worlds on a fresh {@link #newStore()}.
 *
 * <p>Test methods are public so that a store's test class can override one (for example to
 * add {@code @Disabled} with a reason) and so that self-tests can run a property against a
 * deliberately broken store and expect it to fail.
 *
 * <p>Not thread-safe; JUnit runs one method per instance.
 */
public abstract class RulesContract {
    private static final Actor OBSERVER = Actor.instanceKey("rules-observer");
    private static final Actor INSTANCE_KEY = Actor.instanceKey("ops");
    private static final Set<Integer> STATUSES = Set.of(400, 401, 403, 404, 409);

    /** @return a new, empty store; called once or more per example */
    protected abstract MembershipStore newStore();

    /**
     * @return how many examples a property tries by default; lower it for slow stores. A
     *         {@code QT_EXAMPLES} system property overrides it.
     */
    protected int examples() {
        return 100;
    }

    private QuickTheory qt() {
        return qt(1);
    }

    private QuickTheory qt(int times) {
        return configure(QuickTheory.qt().withExamples(Integer.getInteger("QT_EXAMPLES", examples()) * times));
    }

    /**
     * Tunes every property's QuickTheories run; the default changes nothing. Override it to pin a
     * seed while debugging ({@code return qt.withFixedSeed(1234L);}) or to limit shrinking.
     *
     * @param qt the run, with its number of examples set
     * @return the run to use
     */
    protected QuickTheory configure(QuickTheory qt) {
        return qt;
    }

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
            return this == INSTANCE_KEY ? RulesContract.INSTANCE_KEY : Actor.user(w.user(user));
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
            new Probe(Operation.LIST_MEMBERSHIPS, "instance", w -> new Command.ListMemberships(w.user("t"))));

    static World.Spec authorityWorld() {
        return spec(List.of(org("acme", List.of("oa"), List.of("wa", "m", "t", "o"),
                        List.of(ws("ws", seat("wa", ADMIN), seat("m", USER), seat("t", USER))),
                        List.of(new World.Invite("guest@x.com", OrganizationRole.MEMBER)))),
                List.of(), List.of(), List.of("ia"));
    }

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

    private static World.Spec outrankingWorld(WorkspaceRole oaRole, WorkspaceRole iaRole) {
        return spec(List.of(org("acme", List.of("oa", "oa2"), List.of("wa", "wa2", "m", "ia"),
                        List.of(ws("ws", seat("wa", ADMIN), seat("wa2", ADMIN), seat("m", USER),
                                seat("oa", oaRole), seat("ia", iaRole))), List.of())),
                List.of(), List.of(), List.of("ia"));
    }

    private static AuthorityLevel levelInOutrankingWorld(String who, boolean organizationScope) {
        return switch (who) {
            case "wa", "wa2" -> organizationScope ? AuthorityLevel.MEMBER : AuthorityLevel.WORKSPACE_ADMIN;
            case "m" -> AuthorityLevel.MEMBER;
            case "oa", "oa2", "key" -> AuthorityLevel.ORGANIZATION_ADMIN;
            default -> AuthorityLevel.INSTANCE_ADMIN; // ia, instance key
        };
    }

    private static Actor outrankingActor(World w, String who) {
        return switch (who) {
            case "key" -> Actor.organizationKey(w.organization("acme"), "key");
            case "instance key" -> INSTANCE_KEY;
            default -> Actor.user(w.user(who));
        };
    }

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

    // ---- rule 3: scope and no existence leak ---------------------------------------------------

    static World.Spec twoOrganizations() {
        return spec(List.of(
                        org("acme", List.of("a"), List.of("m", "wa"), List.of(ws("aw", seat("wa", ADMIN), seat("m", USER))),
                                List.of(new World.Invite("own@x.com", OrganizationRole.MEMBER))),
                        org("other", List.of("z"), List.of("y"), List.of(ws("zw", seat("z", ADMIN), seat("y", USER))),
                                List.of(new World.Invite("Foreign@X.com", OrganizationRole.ADMIN)))),
                List.of(), List.of(), List.of());
    }

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
                    w -> new Command.RemoveOrganizationUser(NO_ORGANIZATION, Fixture.email("y"))));

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

    // ---- rule 5: self-removal ------------------------------------------------------------------

    @Test
    public void rule5_selfRemovalAndSelfDemotion_areRefusedByDefault() {
        Gen<String> actors = Generate.pick(List.of("oa", "wa"));
        Gen<Integer> kinds = Generate.range(0, 2);
        qt().forAll(actors, kinds, Generators.workspaceRoles(), Generate.pick(List.of(MembershipRules.defaults(),
                        Presets.flashback())))
                .checkAssert((who, kind, role, rules) -> {
                    World.Spec spec = spec(List.of(org("acme", List.of("oa", "oa2"), List.of("wa", "wa2"),
                            List.of(ws("ws", seat("wa", ADMIN), seat("wa2", ADMIN), seat("oa", ADMIN))), List.of())),
                            List.of(), List.of(), List.of());
                    World w = World.build(spec, newStore(), rules);
                    World.State before = w.snapshot();
                    Command<?> command = switch (kind) {
                        case 0 -> new Command.RemoveWorkspaceMember(w.workspace("ws"), w.user(who));
                        case 1 -> new Command.ChangeWorkspaceRole(w.workspace("ws"), w.user(who), role);
                        default -> new Command.RemoveOrganizationUser(w.organization("acme"),
                                Email.of(caseFlipped(who + "@example.com")));
                    };
                    if (kind == 1 && role == ADMIN) {
                        // Not a demotion: keeping one's own admin role locks nobody out, so it is no self-removal.
                        assertEquals(true, w.membership().execute(Actor.user(w.user(who)), command).succeeded());
                        assertEquals(before, w.snapshot());
                        return;
                    }
                    Reason expected = kind == 2 && who.equals("wa") ? Reason.INSUFFICIENT_AUTHORITY : Reason.SELF_REMOVAL;
                    assertEquals(Optional.of(Refusal.of(expected)),
                            w.membership().execute(Actor.user(w.user(who)), command).refusal(), command.toString());
                    assertEquals(before, w.snapshot());
                });
    }

    @Test
    public void rule5_leaving_worksOnlyWhileAnotherAdminRemains() {
        Gen<Integer> counts = Generate.range(1, 3);
        qt().forAll(Generators.workspaceRoles(), counts, Generate.booleans(), counts).checkAssert(
                (role, wsAdmins, orgAdmin, orgAdmins) -> {
                    List<String> admins = new ArrayList<>();
                    List<String> members = new ArrayList<>();
                    (orgAdmin ? admins : members).add("me");
                    for (int i = orgAdmin ? 1 : 0; i < orgAdmins; i++) {
                        admins.add("boss" + i);
                    }
                    List<World.Seat> seats = new ArrayList<>(List.of(seat("me", role)));
                    int others = role == ADMIN ? wsAdmins - 1 : wsAdmins;
                    for (int i = 0; i < others; i++) {
                        members.add("co" + i);
                        seats.add(seat("co" + i, ADMIN));
                    }
                    World.Spec spec = spec(List.of(org("acme", admins, members, List.of(ws("ws", seats.toArray(World.Seat[]::new))),
                            List.of())), List.of(), List.of(), List.of());
                    MembershipRules rules = Presets.factory();
                    assertEquals(SelfRemoval.ALLOWED_WHILE_ANOTHER_ADMIN_REMAINS, rules.selfRemoval());
                    Actor me = Actor.user(UserId.of("me"));

                    World leaveWorkspace = World.build(spec, newStore(), rules);
                    World.State before = leaveWorkspace.snapshot();
                    Outcome<WorkspaceMember> left = leaveWorkspace.membership().execute(me,
                            new Command.RemoveWorkspaceMember(leaveWorkspace.workspace("ws"), UserId.of("me"), "bye"));
                    boolean workspaceKeepsAdmin = role != ADMIN || wsAdmins >= 2;
                    if (workspaceKeepsAdmin) {
                        assertTrue(left.succeeded(), left::toString);
                        assertTrue(memberships(leaveWorkspace, "me").workspaces().stream()
                                .noneMatch(m -> m.workspace().equals(leaveWorkspace.workspace("ws"))));
                    } else {
                        assertEquals(Optional.of(Refusal.of(Reason.LAST_ADMIN)), left.refusal());
                        assertEquals(before, leaveWorkspace.snapshot());
                    }

                    World leaveOrganization = World.build(spec, newStore(), rules);
                    before = leaveOrganization.snapshot();
                    Outcome<OrganizationUserRemoval> gone = leaveOrganization.membership().execute(me,
                            new Command.RemoveOrganizationUser(leaveOrganization.organization("acme"),
                                    Email.of("Me@Example.com"), "bye"));
                    if (workspaceKeepsAdmin && (!orgAdmin || orgAdmins >= 2)) {
                        assertTrue(gone.succeeded(), gone::toString);
                        assertEquals(List.of(), memberships(leaveOrganization, "me").organizations());
                    } else {
                        assertEquals(Optional.of(Refusal.of(Reason.LAST_ADMIN)), gone.refusal());
                        assertEquals(before, leaveOrganization.snapshot());
                    }
                });
    }

    // ---- rule 6: last admin --------------------------------------------------------------------

    @Test
    public void rule6_removingOrDemotingTheLastWorkspaceAdmin_isConflict() {
        Gen<Integer> adminCounts = Generate.range(1, 4);
        Gen<List<Boolean>> demote = in -> {
            List<Boolean> steps = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                steps.add(Generate.booleans().generate(in));
            }
            return steps;
        };
        Gen<WorkspaceRole> lower = Generate.pick(List.of(USER, WorkspaceRole.DEVELOPER,
                WorkspaceRole.RESTRICTED_DEVELOPER, WorkspaceRole.BILLING));
        Gen<String> actors = Generate.pick(List.of("oa", "key", "ia", "instance key"));
        qt().forAll(adminCounts, demote, lower, actors).checkAssert((count, demotions, to, who) -> {
            List<String> members = new ArrayList<>(List.of("m", "ia"));
            List<World.Seat> seats = new ArrayList<>(List.of(seat("m", WorkspaceRole.DEVELOPER)));
            for (int i = 0; i < count; i++) {
                members.add("wa" + i);
                seats.add(seat("wa" + i, ADMIN));
            }
            World w = World.build(spec(List.of(org("acme", List.of("oa"), members, List.of(ws("ws",
                    seats.toArray(World.Seat[]::new))), List.of())), List.of(), List.of(), List.of("ia")),
                    newStore(), MembershipRules.defaults());
            Actor actor = outrankingActor(w, who);
            WorkspaceId ws = w.workspace("ws");
            for (int i = 0; i < count; i++) {
                World.State before = w.snapshot();
                UserId target = w.user("wa" + i);
                Outcome<WorkspaceMember> outcome = w.membership().execute(actor, demotions.get(i)
                        ? new Command.ChangeWorkspaceRole(ws, target, to)
                        : new Command.RemoveWorkspaceMember(ws, target));
                if (i < count - 1) {
                    assertTrue(outcome.succeeded(), outcome::toString);
                } else {
                    assertEquals(Optional.of(Refusal.of(Reason.LAST_ADMIN)), outcome.refusal());
                    assertEquals(409, outcome.refusal().orElseThrow().status());
                    assertEquals(before, w.snapshot(), "a last-admin conflict changes nothing");
                }
            }
            List<WorkspaceMember> left = w.membership().execute(OBSERVER,
                    new Command.ListWorkspaceMembers(ws, PageRequest.first())).orElseThrow().items();
            assertEquals(1, left.stream().filter(m -> m.role() == ADMIN).count(), left::toString);
        });
    }

    @Test
    public void rule6_removingTheLastOrganizationAdmin_isConflict() {
        Gen<String> actors = Generate.pick(List.of("key", "ia", "instance key"));
        qt().forAll(actors, Generators.caseVariantsOf("oa@example.com"), Generate.range(0, 3))
                .checkAssert((who, email, members) -> {
                    List<String> plain = new ArrayList<>();
                    for (int i = 0; i < members; i++) {
                        plain.add("member" + i);
                    }
                    World w = World.build(spec(List.of(org("acme", List.of("oa"), plain, List.of(), List.of())),
                            List.of(), List.of(), List.of("ia")), newStore(), MembershipRules.defaults());
                    World.State before = w.snapshot();
                    Outcome<OrganizationUserRemoval> outcome = w.membership().execute(outrankingActor(w, who),
                            new Command.RemoveOrganizationUser(w.organization("acme"), Email.of(email)));
                    assertEquals(Optional.of(Refusal.of(Reason.LAST_ADMIN)), outcome.refusal());
                    assertEquals(before, w.snapshot());
                });
    }

    /*
     * Rule 6 counts usable admins: an admin whose account is validated. A disabled or unvalidated
     * admin cannot act (rule 4), so an organization or workspace left with only such admins is as
     * locked out as one with none. Removing or demoting an admin who cannot act never breaks the
     * rule (it takes no usable admin away), so it is never refused for it.
     */

    @Test
    public void rule6_noChangeLeavesAnOrganizationOrAWorkspaceWithoutAUsableAdmin() {
        qt(3).forAll(Generators.worlds().flatMap(RulesContract::adminLosses), Generate.oneOf(Generators.presets(), Generators.rules()))
                .checkAssert((scenario, rules) -> {
                    World w = World.build(scenario.spec(), newStore(), rules);
                    Set<String> before = scopesWithAUsableAdmin(w);
                    for (World.Org o : scenario.spec().organizations()) {
                        assertTrue(before.contains(o.name()), () -> "a generated organization starts with a usable admin: " + o.name());
                    }
                    Outcome<?> outcome = w.membership().execute(scenario.actor().in(w), scenario.command().in(w));
                    Set<String> after = scopesWithAUsableAdmin(w);
                    assertTrue(after.containsAll(before), () -> scenario + " answered " + outcome
                            + " and left without a usable admin: " + before.stream().filter(x -> !after.contains(x)).toList());
                });
    }

    /**
     * Changes that take an admin away from an organization or custom workspace of the world, by
     * removal, removal by email, demotion, leaving, disabling or unvalidating, asked by an instance
     * key, the organization's key, another admin or the admin itself; mostly aimed at scopes that
     * also hold an admin who cannot act, where counting that admin would let the last usable one go.
     */
    private static Gen<World.Scenario> adminLosses(World.Spec spec) {
        Set<String> unusable = new java.util.HashSet<>(spec.disabledMembers());
        unusable.addAll(spec.unvalidatedMembers());
        List<Pair<Integer, Gen<String[]>>> targets = new ArrayList<>();
        for (World.Org o : spec.organizations()) {
            int weight = o.admins().stream().anyMatch(unusable::contains) ? 6 : 1;
            o.admins().forEach(a -> targets.add(Pair.of(weight, Generate.constant(new String[] {o.name(), null, a}))));
            for (World.Ws w : o.workspaces()) {
                List<String> admins = w.seats().stream().filter(x -> x.role() == ADMIN).map(World.Seat::user).toList();
                int wsWeight = admins.stream().anyMatch(unusable::contains) ? 6 : 1;
                admins.forEach(a -> targets.add(Pair.of(wsWeight, Generate.constant(new String[] {o.name(), w.name(), a}))));
            }
        }
        Gen<String> kinds = Generate.pick(List.of("remove", "demote", "disable", "unvalidate"));
        Gen<String> actors = Generate.pick(List.of("instance key", "organization key", "another admin", "itself"));
        return Generate.frequency(targets).zip(kinds, actors, (t, kind, who) -> {
            String org = t[0];
            String ws = t[1];
            String target = t[2];
            World.ActorRef actor = new World.ActorRef(who, w -> switch (who) {
                case "instance key" -> INSTANCE_KEY;
                case "organization key" -> Actor.organizationKey(w.organization(org), "key");
                case "another admin" -> Actor.user(w.user(spec.organizations().stream()
                        .filter(o -> o.name().equals(org)).findFirst().orElseThrow().admins().get(0)));
                default -> Actor.user(w.user(target));
            });
            World.CommandRef command = new World.CommandRef(kind + " " + target + " in " + (ws == null ? org : ws), w ->
                    switch (kind) {
                        case "disable" -> new Command.ChangeUserStatus(w.user(target), UserStatus.DISABLED);
                        case "unvalidate" -> new Command.ChangeUserStatus(w.user(target), UserStatus.PENDING_VALIDATION);
                        case "demote" -> ws == null
                                ? new Command.RemoveOrganizationUser(w.organization(org), Fixture.email(target))
                                : new Command.ChangeWorkspaceRole(w.workspace(ws), w.user(target), USER);
                        default -> ws == null
                                ? new Command.RemoveOrganizationUser(w.organization(org), Fixture.email(target))
                                : new Command.RemoveWorkspaceMember(w.workspace(ws), w.user(target));
                    });
            return new World.Scenario(spec, actor, command);
        });
    }

    @Test
    public void rule6_disablingOrUnvalidatingTheLastUsableAdmin_isConflict() {
        Gen<String> targets = Generate.pick(List.of("oa", "wa"));
        Gen<UserStatus> away = Generate.pick(List.of(UserStatus.DISABLED, UserStatus.PENDING_VALIDATION));
        Gen<Optional<UserStatus>> companions = Generators.userStatuses().toOptionals(75);
        qt().forAll(targets, away, companions).checkAssert((target, status, companion) -> {
            // the target is an admin of acme or of its workspace; its companion, if any, is an admin
            // of the same scope, and usable only when validated
            boolean organization = target.equals("oa");
            List<String> orgAdmins = new ArrayList<>(List.of("oa"));
            List<World.Seat> seats = new ArrayList<>(List.of(seat("wa", ADMIN), seat("m", USER)));
            companion.ifPresent(c -> {
                if (organization) {
                    orgAdmins.add("co");
                } else {
                    seats.add(seat("co", ADMIN));
                }
            });
            List<String> members = new ArrayList<>(List.of("wa", "m"));
            if (companion.isPresent() && !organization) {
                members.add("co");
            }
            List<String> disabled = companion.filter(c -> c == UserStatus.DISABLED).map(c -> List.of("co")).orElse(List.of());
            List<String> unvalidated = companion.filter(c -> c == UserStatus.PENDING_VALIDATION).map(c -> List.of("co"))
                    .orElse(List.of());
            World w = World.build(new World.Spec(List.of(org("acme", orgAdmins, members,
                    List.of(ws("ws", seats.toArray(World.Seat[]::new))), List.of())), List.of(), List.of(), List.of(),
                    disabled, unvalidated), newStore(), MembershipRules.defaults());
            World.State before = w.snapshot();
            Outcome<?> outcome = w.membership().execute(INSTANCE_KEY, new Command.ChangeUserStatus(w.user(target), status));
            if (companion.equals(Optional.of(UserStatus.VALIDATED))) {
                assertTrue(outcome.succeeded(), () -> "another usable admin remains: " + outcome);
                assertEquals(status, w.fixture().store().read(tx -> tx.user(w.user(target))).orElseThrow().status());
            } else {
                assertEquals(Optional.of(Refusal.of(Reason.LAST_ADMIN)), outcome.refusal(),
                        () -> target + " is the last usable admin beside " + companion);
                assertEquals(UserStatus.VALIDATED,
                        w.fixture().store().read(tx -> tx.user(w.user(target))).orElseThrow().status());
                assertEquals(before, w.snapshot(), "a last-admin conflict changes nothing");
                assertEquals(List.of(), w.events());
            }
        });
    }

    @Test
    public void rule6_anAdminWhoCannotAct_canBeRemovedOrDemoted_theLastUsableOneCannot() {
        Gen<UserStatus> unusable = Generate.pick(List.of(UserStatus.DISABLED, UserStatus.PENDING_VALIDATION));
        Gen<String> changes = Generate.pick(List.of("remove from workspace", "demote", "remove from organization"));
        Gen<String> actors = Generate.pick(List.of("key", "instance key"));
        qt().forAll(unusable, changes, actors).checkAssert((status, change, who) -> {
            // ann and dee are admins of acme and of its workspace; dee cannot act
            List<String> lost = List.of("dee");
            World w = World.build(new World.Spec(List.of(org("acme", List.of("ann", "dee"), List.of("m"),
                    List.of(ws("ws", seat("ann", ADMIN), seat("dee", ADMIN), seat("m", USER))), List.of())),
                    List.of(), List.of(), List.of("ia"), status == UserStatus.DISABLED ? lost : List.of(),
                    status == UserStatus.DISABLED ? List.of() : lost), newStore(), MembershipRules.defaults());
            Actor actor = outrankingActor(w, who);
            Function<String, Command<?>> command = user -> switch (change) {
                case "remove from workspace" -> new Command.RemoveWorkspaceMember(w.workspace("ws"), w.user(user));
                case "demote" -> new Command.ChangeWorkspaceRole(w.workspace("ws"), w.user(user), USER);
                default -> new Command.RemoveOrganizationUser(w.organization("acme"), Email.of(user + "@example.com"));
            };
            World.State before = w.snapshot();
            Outcome<?> last = w.membership().execute(actor, command.apply("ann"));
            assertEquals(Optional.of(Refusal.of(Reason.LAST_ADMIN)), last.refusal(),
                    "ann is the last usable admin although dee is an admin too");
            assertEquals(before, w.snapshot());
            Outcome<?> unusableOne = w.membership().execute(actor, command.apply("dee"));
            assertTrue(unusableOne.succeeded(), () -> "dee cannot act, so losing dee keeps every usable admin: " + unusableOne);
            assertEquals(Optional.of(Refusal.of(Reason.LAST_ADMIN)), w.membership().execute(actor, command.apply("ann")).refusal());
            assertTrue(scopesWithAUsableAdmin(w).containsAll(List.of("acme", "ws")));
        });
    }

    @Test
    public void rule6_anOrganizationsFirstAdminMustBeValidated() {
        qt().forAll(Generators.userStatuses(), Generators.presets()).checkAssert((status, rules) -> {
            World w = World.build(spec(List.of(), status == UserStatus.PENDING_VALIDATION ? List.of("u") : List.of(),
                    status == UserStatus.DISABLED ? List.of("u") : List.of(), List.of("ia")), newStore(), rules);
            if (status == UserStatus.VALIDATED) {
                // a validated first admin is the ordinary case, covered by every other world
                return;
            }
            World.State before = w.snapshot();
            Outcome<?> outcome = w.membership().execute(INSTANCE_KEY, new Command.CreateOrganization("Initech", w.user("u")));
            assertEquals(Optional.of(Reason.ACCOUNT_NOT_VALIDATED), outcome.refusal().map(Refusal::reason));
            assertEquals(400, outcome.refusal().orElseThrow().status());
            assertEquals(before, w.snapshot());
            assertEquals(List.of(), w.events());
        });
    }

    /**
     * @return the names of the world's organizations and custom workspaces that have a usable admin,
     *         read through the library's lists and each admin's stored account (not the store's counts)
     */
    private static Set<String> scopesWithAUsableAdmin(World w) {
        Set<String> out = new java.util.TreeSet<>();
        for (World.Org o : w.spec().organizations()) {
            List<String> scopes = new ArrayList<>(List.of(o.name()));
            o.workspaces().forEach(x -> scopes.add(x.name()));
            for (String scope : scopes) {
                List<WorkspaceMember> members = w.membership().execute(OBSERVER, new Command.ListWorkspaceMembers(
                        w.workspace(scope), PageRequest.first(PageRequest.MAX_LIMIT))).orElseThrow().items();
                boolean usable = members.stream().anyMatch(m -> m.role() == ADMIN && w.fixture().store()
                        .read(tx -> tx.user(m.user())).map(u -> u.status() == UserStatus.VALIDATED).orElse(false));
                if (usable) {
                    out.add(scope);
                }
            }
        }
        return out;
    }

    // ---- rule 7: custom workspaces only ----------------------------------------------------------

    @Test
    public void rule7_defaultWorkspaceMembership_cannotChangeOnItsOwn() {
        Gen<Integer> kinds = Generate.range(0, 2);
        qt().forAll(Generators.worlds(), Generate.pick(List.of("key", "first admin", "instance key")), kinds,
                        Generators.workspaceRoles())
                .checkAssert((spec, who, kind, role) -> {
                    World w = World.build(spec, newStore(), MembershipRules.defaults());
                    World.Org org = spec.organizations().get(0);
                    Actor actor = switch (who) {
                        case "key" -> Actor.organizationKey(w.organization(org.name()), "key");
                        case "first admin" -> Actor.user(w.user(org.admins().get(0)));
                        default -> INSTANCE_KEY;
                    };
                    String target = org.people().get(org.people().size() - 1);
                    WorkspaceId defaultWs = w.workspace(org.name());
                    Command<?> command = switch (kind) {
                        case 0 -> new Command.RemoveWorkspaceMember(defaultWs, w.user(target));
                        case 1 -> new Command.ChangeWorkspaceRole(defaultWs, w.user(target), role);
                        default -> new Command.AddWorkspaceMember(defaultWs, w.user(target), role);
                    };
                    World.State before = w.snapshot();
                    Outcome<?> outcome = w.membership().execute(actor, command);
                    assertEquals(Optional.of(Refusal.of(Reason.DEFAULT_WORKSPACE)), outcome.refusal());
                    assertEquals(409, outcome.refusal().orElseThrow().status());
                    assertEquals(before, w.snapshot());
                });
    }

    // ---- rule 8: target must be a member; removal is final -------------------------------------

    @Test
    public void rule8_targetNotInWorkspace_isNotFound() {
        qt().forAll(Generators.worlds(), Generate.range(0, 3), Generators.workspaceRoles(), Generate.booleans())
                .checkAssert((spec, pick, role, byKey) -> {
                    World w = World.build(append(spec, "outsider-org", "stranger"), newStore(),
                            MembershipRules.defaults());
                    World.Org org = spec.organizations().get(0);
                    WorkspaceId ws = w.workspace(org.workspaces().isEmpty() ? org.name() : org.workspaces().get(0).name());
                    List<String> seated = org.workspaces().isEmpty()
                            ? org.people() : org.workspaces().get(0).seats().stream().map(World.Seat::user).toList();
                    if (org.workspaces().isEmpty()) {
                        return; // default workspaces answer rule 7 first
                    }
                    List<String> notSeated = new ArrayList<>(List.of(World.MISSING + "user", "stranger"));
                    org.people().stream().filter(p -> !seated.contains(p)).forEach(notSeated::add);
                    spec.pendingUsers().forEach(notSeated::add);
                    UserId target = w.user(notSeated.get(pick % notSeated.size()));
                    Actor actor = byKey ? Actor.organizationKey(w.organization(org.name()), "key") : INSTANCE_KEY;
                    World.State before = w.snapshot();
                    Refusal notFound = Refusal.of(Reason.MEMBER_NOT_FOUND);
                    assertEquals(Optional.of(notFound),
                            w.membership().execute(actor, new Command.RemoveWorkspaceMember(ws, target)).refusal());
                    assertEquals(Optional.of(notFound),
                            w.membership().execute(actor, new Command.ChangeWorkspaceRole(ws, target, role)).refusal());
                    assertEquals(Optional.of(notFound),
                            w.membership().execute(actor, new Command.GetWorkspaceMember(ws, target)).refusal());
                    assertEquals(404, notFound.status());
                    assertEquals(before, w.snapshot());
                });
    }

    @Test
    public void rule8_removalIsFinal_andReAddingRestores() {
        Gen<String> actors = Generate.pick(List.of("oa", "wa", "key", "instance key"));
        qt().forAll(Generators.workspaceRoles(), Generators.workspaceRoles(), actors, Generators.prefixedIds())
                .checkAssert((role, again, who, name) -> {
                    World w = World.build(spec(List.of(org("acme", List.of("oa"), List.of("wa", name),
                            List.of(ws("ws", seat("wa", ADMIN), seat(name, role))), List.of())),
                            List.of(), List.of(), List.of()), newStore(), MembershipRules.defaults());
                    Actor actor = outrankingActor(w, who);
                    WorkspaceId ws = w.workspace("ws");
                    UserId target = w.user(name);
                    Outcome<WorkspaceMember> removed = w.membership().execute(actor,
                            new Command.RemoveWorkspaceMember(ws, target, "gone"));
                    assertEquals(role, removed.orElseThrow().role());
                    World.State afterRemoval = w.snapshot();
                    assertEquals(Optional.of(Refusal.of(Reason.MEMBER_NOT_FOUND)), w.membership().execute(actor,
                            new Command.RemoveWorkspaceMember(ws, target, "gone")).refusal(), "the same call again");
                    assertEquals(Optional.of(Refusal.of(Reason.MEMBER_NOT_FOUND)),
                            w.membership().execute(OBSERVER, new Command.GetWorkspaceMember(ws, target)).refusal());
                    assertEquals(afterRemoval, w.snapshot());
                    assertTrue(memberships(w, name).workspaces().stream().noneMatch(m -> m.workspace().equals(ws)));

                    Outcome<WorkspaceMember> readded = w.membership().execute(actor,
                            new Command.AddWorkspaceMember(ws, target, again));
                    assertEquals(again, readded.orElseThrow().role());
                    assertEquals(again, w.membership().execute(OBSERVER, new Command.GetWorkspaceMember(ws, target))
                            .orElseThrow().role());
                    assertEquals(List.of(MembershipEvent.WorkspaceMemberRemoved.class, MembershipEvent.WorkspaceMemberAdded.class),
                            w.events().stream().map(Object::getClass).toList());
                });
    }

    // ---- rule 9: invitations versus members ----------------------------------------------------

    @Test
    public void rule9_invitationEmails_matchCaseInsensitively() {
        Gen<String> address = Generators.emailAddresses().map(String::strip);
        qt().forAll(address.flatMap(a -> Generators.caseVariantsOf(a).zip(Generators.caseVariantsOf(a),
                        (b, c) -> List.of(a, b, c))), Generators.organizationRoles())
                .checkAssert((spellings, role) -> {
                    World w = World.build(spec(List.of(org("acme", List.of("oa"), List.of(), List.of(),
                            List.of(new World.Invite(spellings.get(0), role)))), List.of(), List.of(), List.of()),
                            newStore(), MembershipRules.defaults());
                    Actor key = Actor.organizationKey(w.organization("acme"), "key");
                    World.State before = w.snapshot();
                    assertEquals(Optional.of(Refusal.of(Reason.ALREADY_INVITED)), w.membership().execute(key,
                            new Command.InviteToOrganization(w.organization("acme"), Email.of(spellings.get(1)), role))
                            .refusal());
                    assertEquals(before, w.snapshot());
                    OrganizationUserRemoval.InvitationRevoked removal = assertInstanceOf(OrganizationUserRemoval.InvitationRevoked.class, w.membership().execute(key,
                            new Command.RemoveOrganizationUser(w.organization("acme"), Email.of(spellings.get(2)))).orElseThrow());
                    assertEquals(w.invitation(spellings.get(0)), removal.invitation().id());
                    assertEquals(List.of(), invitations(w, "acme"));
                });
    }

    @Test
    public void rule9_pendingInvitations_neverCountAsAdmins() {
        qt().forAll(Generate.range(1, 3), Generators.emailAddresses().map(String::strip))
                .checkAssert((count, address) -> {
                    List<World.Invite> invites = new ArrayList<>();
                    for (int i = 0; i < count; i++) {
                        invites.add(new World.Invite(i + address, OrganizationRole.ADMIN));
                    }
                    World w = World.build(spec(List.of(org("acme", List.of("oa"), List.of("m"), List.of(), invites)),
                            List.of(), List.of(), List.of()), newStore(), MembershipRules.defaults());
                    World.State before = w.snapshot();
                    assertEquals(Optional.of(Refusal.of(Reason.LAST_ADMIN)), w.membership().execute(
                            Actor.organizationKey(w.organization("acme"), "key"),
                            new Command.RemoveOrganizationUser(w.organization("acme"), Fixture.email("oa"))).refusal());
                    assertEquals(before, w.snapshot());
                    assertEquals(count, invitations(w, "acme").size());
                });
    }

    /** What is wrong, if anything, with an acceptance in rule 9. */
    private enum Acceptance { VALID, SOMEONE_ELSE, NOT_VALIDATED, EXPIRED, REVOKED, ALREADY_ACCEPTED }

    @Test
    public void rule9_accepting_needsMatchingEmail_validatedAccount_unexpired_unrevoked() {
        qt().forAll(Generate.enumValues(Acceptance.class), Generate.range(1, 21), Generate.range(0, 24 * 30),
                        Generators.caseVariantsOf("invitee@example.com").zip(Generators.organizationRoles(), Pair::of))
                .checkAssert((acceptance, lifetimeDays, hoursLater, invite) -> {
                    boolean pending = acceptance == Acceptance.NOT_VALIDATED;
                    World.Spec spec = spec(List.of(
                                    org("acme", List.of("oa"), List.of(), List.of(), List.of(new World.Invite(invite._1, invite._2))),
                                    org("home", pending ? List.of("other") : List.of("invitee", "other"), List.of(), List.of(),
                                            List.of())),
                            pending ? List.of("invitee") : List.of(), List.of(), List.of());
                    Duration lifetime = Duration.ofDays(lifetimeDays);
                    World w = World.build(spec, newStore(), MembershipRules.defaults().toBuilder()
                            .invitationLifetime(lifetime).build());
                    Command.AcceptInvitation accept = new Command.AcceptInvitation(w.invitation(invite._1));
                    Duration later = Duration.ofHours(hoursLater);
                    if (acceptance == Acceptance.EXPIRED) {
                        later = lifetime.plus(later);
                    } else if (later.compareTo(lifetime) >= 0) {
                        later = lifetime.minusSeconds(1);
                    }
                    if (acceptance == Acceptance.REVOKED) {
                        assertTrue(w.membership().execute(INSTANCE_KEY,
                                new Command.RevokeInvitation(accept.invitation())).succeeded());
                    }
                    if (acceptance == Acceptance.ALREADY_ACCEPTED) {
                        assertTrue(w.membership().execute(Actor.user(w.user("invitee")), accept).succeeded());
                    }
                    w.fixture().clock().advance(later);
                    Actor actor = Actor.user(w.user(acceptance == Acceptance.SOMEONE_ELSE ? "other" : "invitee"));
                    World.State before = w.snapshot();
                    Outcome<OrganizationMember> outcome = w.membership().execute(actor, accept);
                    Optional<Reason> expected = switch (acceptance) {
                        case VALID -> Optional.empty();
                        case SOMEONE_ELSE -> Optional.of(Reason.INVITATION_NOT_FOUND);
                        case NOT_VALIDATED -> Optional.of(Reason.ACCOUNT_NOT_VALIDATED);
                        case EXPIRED -> Optional.of(Reason.INVITATION_EXPIRED);
                        case REVOKED, ALREADY_ACCEPTED -> Optional.of(Reason.INVITATION_NOT_PENDING);
                    };
                    assertEquals(expected, outcome.refusal().map(Refusal::reason), () -> acceptance + " after " + w.fixture().clock().instant());
                    if (outcome.succeeded()) {
                        assertEquals(invite._2, outcome.orElseThrow().role());
                        assertTrue(memberships(w, "invitee").organizations().stream()
                                .anyMatch(m -> m.organization().equals(w.organization("acme")) && m.role() == invite._2));
                        assertEquals(List.of(), invitations(w, "acme"));
                    } else {
                        assertEquals(before, w.snapshot());
                    }
                });
    }

    @Test
    public void rule9_removingByEmail_removesTheMember_orRevokesTheInvitation_orIsNotFound() {
        Gen<Integer> whom = Generate.range(0, 2);
        qt().forAll(whom, Generate.range(0, 3), Generators.caseVariantsOf("ann@example.com"), Generators.workspaceRoles())
                .checkAssert((kind, workspaces, email, role) -> {
                    List<World.Ws> ws = new ArrayList<>();
                    for (int i = 0; i < workspaces; i++) {
                        ws.add(kind == 0 ? ws("w" + i, seat("oa", ADMIN), seat("ann", role)) : ws("w" + i, seat("oa", ADMIN)));
                    }
                    List<World.Invite> invites = kind == 1
                            ? List.of(new World.Invite(email, OrganizationRole.MEMBER)) : List.of();
                    World w = World.build(spec(List.of(org("acme", List.of("oa"), kind == 0 ? List.of("ann") : List.of(),
                            ws, invites)), List.of(), List.of(), List.of()), newStore(), Presets.factory());
                    World.State before = w.snapshot();
                    Outcome<OrganizationUserRemoval> outcome = w.membership().execute(
                            Actor.organizationKey(w.organization("acme"), "key"),
                            new Command.RemoveOrganizationUser(w.organization("acme"), Email.of(caseFlipped(email)), "x"));
                    switch (kind) {
                        case 0 -> {
                            OrganizationUserRemoval.MemberRemoved r = assertInstanceOf(OrganizationUserRemoval.MemberRemoved.class, outcome.orElseThrow());
                            assertEquals(w.user("ann"), r.member().user());
                            assertEquals(ws.stream().map(s -> w.workspace(s.name())).sorted().toList(),
                                    r.workspaces().stream().sorted().toList());
                            Memberships left = memberships(w, "ann");
                            assertEquals(List.of(), left.organizations());
                            assertEquals(List.of(), left.workspaces());
                            assertEquals(List.of(new MembershipEvent.OrganizationMemberRemoved(w.organization("acme"),
                                    w.user("ann"), r.workspaces(), Optional.empty(),
                                    w.fixture().clock().instant())), w.events());
                        }
                        case 1 -> {
                            Invitation revoked = assertInstanceOf(OrganizationUserRemoval.InvitationRevoked.class, outcome.orElseThrow()).invitation();
                            assertEquals(Email.of("ann@example.com"), revoked.email());
                            assertEquals(List.of(), invitations(w, "acme"));
                            assertEquals(List.of(new MembershipEvent.InvitationRevoked(revoked,
                                    w.fixture().clock().instant())), w.events());
                        }
                        default -> {
                            assertEquals(Optional.of(Refusal.of(Reason.NEITHER_MEMBER_NOR_INVITATION)), outcome.refusal());
                            assertEquals(404, outcome.refusal().orElseThrow().status());
                            assertEquals(before, w.snapshot());
                        }
                    }
                });
    }

    // ---- rule 10: audit and events -------------------------------------------------------------

    /**
     * Rule 10: a successful change writes one audit entry, writes its events to the change feed in
     * the same change (exactly the events the listeners then get, at the positions after the feed's
     * head, the outcome carrying the last), and publishes them; refusals, reads, dry runs and changes
     * that change nothing write and publish nothing. If it fails: the engine or the store loses an
     * audit entry or an event, or writes one for a refusal.
     */
    @Test
    public void rule10_everySuccessfulChange_writesOneAuditEntryAndItsEventsToTheFeed_refusalsAndReadsNothing() {
        AtomicInteger changes = new AtomicInteger();
        qt(3).forAll(Generators.powerfulScenarios(), Generate.oneOf(Generators.presets(), Generators.rules()))
                .checkAssert((s, rules) -> {
                    World w = World.build(s.spec(), newStore(), rules);
                    World.State before = w.snapshot();
                    FeedPosition head = w.membership().changes().head();
                    Actor actor = s.actor().in(w);
                    Command<?> command = s.command().in(w);
                    w.membership().check(actor, command);
                    assertEquals(head, w.membership().changes().head(), "a dry run writes nothing to the feed");
                    Outcome<?> outcome = w.membership().execute(actor, command);
                    World.State after = w.snapshot();
                    List<AuditEntry> written = new ArrayList<>(after.auditEntries());
                    before.auditEntries().forEach(written::remove);
                    List<FeedEvent> fed = w.membership().changes().read(head, 100);
                    if (!outcome.succeeded() || command.operation().isRead()) {
                        assertEquals(before, after, "refusals and reads change nothing");
                        assertEquals(List.of(), w.events(), "refusals and reads publish nothing");
                        assertEquals(List.of(), fed, "refusals and reads write nothing to the feed");
                        assertEquals(Optional.empty(), outcome.position());
                        return;
                    }
                    if (written.isEmpty()) {
                        assertTrue(command instanceof Command.ChangeUserStatus
                                || command instanceof Command.ChangeWorkspaceRole, () -> "no audit entry for " + command);
                        assertEquals(before, after, "a success without an audit entry changed nothing");
                        assertEquals(List.of(), w.events());
                        assertEquals(List.of(), fed);
                        assertEquals(Optional.empty(), outcome.position(), "a change that changed nothing has no position");
                        return;
                    }
                    assertEquals(w.events(), fed.stream().map(FeedEvent::event).toList(),
                            "the feed holds exactly the events the listeners got, in order");
                    for (int i = 0; i < fed.size(); i++) {
                        assertEquals(FeedPosition.of(head.value() + 1 + i), fed.get(i).position(), "right after the head");
                    }
                    assertEquals(Optional.of(fed.get(fed.size() - 1).position()), outcome.position(),
                            "the outcome carries the position of the change's last event");
                    changes.incrementAndGet();
                    assertEquals(1, written.size(), () -> "one audit entry per change: " + written);
                    AuditEntry entry = written.get(0);
                    assertEquals(actor.describe(), entry.actor());
                    assertEquals(command.operation(), entry.action());
                    assertEquals(w.fixture().clock().instant(), entry.at());
                    assertEquals(expectedEvents(command, outcome), w.events().stream().map(Object::getClass).toList());
                });
        assertTrue(changes.get() >= Integer.getInteger("QT_EXAMPLES", examples()) / 10,
                () -> "the generators produced too few successful changes to prove anything: " + changes);
    }

    private static List<Class<?>> expectedEvents(Command<?> command, Outcome<?> outcome) {
        return switch (command.operation()) {
            case REGISTER_USER -> List.of(MembershipEvent.UserRegistered.class);
            case CHANGE_USER_STATUS -> List.of(MembershipEvent.UserStatusChanged.class);
            case CREATE_ORGANIZATION -> List.of(MembershipEvent.OrganizationCreated.class, MembershipEvent.WorkspaceCreated.class);
            case CREATE_WORKSPACE -> List.of(MembershipEvent.WorkspaceCreated.class);
            case ADD_WORKSPACE_MEMBER -> List.of(MembershipEvent.WorkspaceMemberAdded.class);
            case CHANGE_WORKSPACE_ROLE -> List.of(MembershipEvent.WorkspaceRoleChanged.class);
            case REMOVE_WORKSPACE_MEMBER -> List.of(MembershipEvent.WorkspaceMemberRemoved.class);
            case INVITE_TO_ORGANIZATION -> List.of(MembershipEvent.InvitationSent.class);
            case ACCEPT_INVITATION -> List.of(MembershipEvent.InvitationAccepted.class);
            case REVOKE_INVITATION -> List.of(MembershipEvent.InvitationRevoked.class);
            case REMOVE_ORGANIZATION_USER -> outcome.orElseThrow() instanceof OrganizationUserRemoval.MemberRemoved
                    ? List.of(MembershipEvent.OrganizationMemberRemoved.class)
                    : List.of(MembershipEvent.InvitationRevoked.class);
            default -> List.of();
        };
    }

    // ---- rule 11: refusals are values ----------------------------------------------------------

    @Test
    public void rule11_everyRefusal_hasStableCode_message_status_andProblemDetails() {
        qt().forAll(Generators.scenarios(), Generate.oneOf(Generators.presets(), Generators.rules()))
                .checkAssert((s, rules) -> {
                    World w = World.build(s.spec(), newStore(), rules);
                    Outcome<?> outcome = w.membership().execute(s.actor().in(w), s.command().in(w));
                    outcome.refusal().ifPresent(RulesContract::assertWellFormed);
                });
        for (Reason reason : Reason.values()) {
            assertWellFormed(Refusal.of(reason));
        }
        qt().forAll(Generators.hostileEmails()).checkAssert(h -> {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> Email.of(h));
            assertWellFormed(e.refusal());
        });
    }

    private static void assertWellFormed(Refusal refusal) {
        assertTrue(refusal.code().matches("[a-z]+(_[a-z]+)*"), refusal.code());
        assertEquals(refusal.reason().code(), refusal.code(), "the code is the reason's, stable");
        assertFalse(refusal.message().isBlank(), "a refusal has a message");
        assertTrue(STATUSES.contains(refusal.status()), () -> "status " + refusal.status());
        ProblemDetails problem = refusal.toProblemDetails();
        Map<String, Object> json = ProblemJson.parse(problem.toJson());
        assertEquals(refusal.status(), ((Number) json.get("status")).intValue());
        assertEquals(refusal.message(), json.get("detail"));
        assertEquals(refusal.code(), json.get("code"));
        assertEquals(refusal.reason().title(), json.get("title"));
        assertTrue(((String) json.get("type")).endsWith(refusal.code()));
        refusal.field().ifPresent(f -> assertEquals(f, json.get("field")));
    }

    // ---- rule 12: bad input --------------------------------------------------------------------

    /** A value or command built from one string field, and the field it must name when the string is bad. */
    private record Construction(String field, Function<String, Object> build) {}

    private static final Map<String, Construction> ID_FIELDS = orderedMap(
            "UserId", new Construction("user_id", UserId::of),
            "OrganizationId", new Construction("organization_id", OrganizationId::of),
            "WorkspaceId", new Construction("workspace_id", WorkspaceId::of),
            "InvitationId", new Construction("invitation_id", InvitationId::of),
            "Actor.instanceKey", new Construction("key_name", Actor::instanceKey),
            "Actor.organizationKey", new Construction("key_name", k -> Actor.organizationKey(OrganizationId.of("1"), k)),
            "PageRequest.after", new Construction("after_id", v -> PageRequest.after(v, 10)),
            "PageRequest.before", new Construction("before_id", v -> PageRequest.before(v, 10)),
            "ListAuditTrail after", new Construction("after_id", v -> Command.ListAuditTrail.of(OrganizationId.of("1"),
                    PageRequest.after(v, 10))));

    private static final Map<String, Construction> EMAIL_FIELDS = orderedMap(
            "Email", new Construction("email", Email::of),
            "RemoveOrganizationUser", new Construction("email",
                    v -> new Command.RemoveOrganizationUser(OrganizationId.of("1"), Email.of(v))),
            "InviteToOrganization", new Construction("email",
                    v -> new Command.InviteToOrganization(OrganizationId.of("1"), Email.of(v), OrganizationRole.MEMBER)));

    private static final Map<String, Construction> ROLE_FIELDS = orderedMap(
            "WorkspaceRole", new Construction("role", v -> WorkspaceRole.parse("role", v)),
            "OrganizationRole", new Construction("role", v -> OrganizationRole.parse("role", v)),
            "UserStatus", new Construction("status", v -> UserStatus.parse("status", v)));

    private static final Map<String, Construction> NAME_FIELDS = orderedMap(
            "CreateWorkspace", new Construction("name", v -> new Command.CreateWorkspace(OrganizationId.of("1"), v)),
            "CreateOrganization", new Construction("name", v -> new Command.CreateOrganization(v, UserId.of("1"))));

    private static final Map<String, Construction> REASON_FIELDS = orderedMap(
            "RemoveWorkspaceMember", new Construction("reason",
                    v -> new Command.RemoveWorkspaceMember(WorkspaceId.of("1"), UserId.of("1"), v)),
            "RevokeInvitation", new Construction("reason", v -> new Command.RevokeInvitation(InvitationId.of("1"), v)),
            "RemoveOrganizationUser", new Construction("reason",
                    v -> new Command.RemoveOrganizationUser(OrganizationId.of("1"), Email.of("a@b.co"), v)));

    private void assertRefusedNamingField(Map<String, Construction> fields, Gen<String> hostile) {
        qt().forAll(Generate.pick(List.copyOf(fields.keySet())), hostile).checkAssert((what, input) -> {
            World w = World.build(twoOrganizations(), newStore(), MembershipRules.defaults());
            World.State before = w.snapshot();
            Construction c = fields.get(what);
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> c.build().apply(input),
                    () -> what + " accepted " + printable(input));
            assertEquals(c.field(), e.field(), what);
            assertTrue(e.getMessage().contains(c.field()), () -> "message names the field: " + e.getMessage());
            assertTrue(e.getMessage().length() < 200, "the message does not echo the input");
            assertEquals(0, e.getStackTrace().length, "a caller mistake carries no stack trace");
            assertEquals(Optional.of(c.field()), e.refusal().field());
            assertEquals(400, e.refusal().status());
            assertEquals(before, w.snapshot(), "nothing stored changes");
            assertEquals(List.of(), w.events());
        });
    }

    @Test
    public void rule12_hostileIds_areRefusedNamingTheField() {
        assertRefusedNamingField(ID_FIELDS, Generate.oneOf(Generators.hostileStrings(), Generators.malformedEmails()
                .map(e -> e.contains("@") ? e : e + "/"), Generate.constant("a".repeat(129)), Generate.constant("ümlaut")));
    }

    @Test
    public void rule12_hostileEmails_areRefusedNamingTheField() {
        assertRefusedNamingField(EMAIL_FIELDS, Generators.hostileEmails());
    }

    @Test
    public void rule12_unknownRoleNames_areRefusedNamingTheField() {
        assertRefusedNamingField(ROLE_FIELDS, Generators.hostileRoleNames());
    }

    @Test
    public void rule12_invalidNames_areRefusedNamingTheField() {
        assertRefusedNamingField(NAME_FIELDS, Generators.invalidNames());
    }

    @Test
    public void rule12_invalidReasons_areRefusedNamingTheField() {
        assertRefusedNamingField(REASON_FIELDS, Generators.invalidReasons());
    }

    @Test
    public void rule12_missingFields_areRefusedNamingTheField() {
        List<Map.Entry<String, Supplier<Object>>> nulls = List.of(
                Map.entry("user_id", () -> UserId.of(null)),
                Map.entry("email", () -> Email.of(null)),
                Map.entry("workspace_id", () -> new Command.RemoveWorkspaceMember(null, UserId.of("1"))),
                Map.entry("user_id", () -> new Command.RemoveWorkspaceMember(WorkspaceId.of("1"), null)),
                Map.entry("reason", () -> new Command.RemoveWorkspaceMember(WorkspaceId.of("1"), UserId.of("1"), null)),
                Map.entry("role", () -> new Command.AddWorkspaceMember(WorkspaceId.of("1"), UserId.of("1"), null)),
                Map.entry("organization_id", () -> new Command.RemoveOrganizationUser(null, Email.of("a@b.co"))),
                Map.entry("name", () -> new Command.CreateWorkspace(OrganizationId.of("1"), null)),
                Map.entry("role", () -> WorkspaceRole.parse("role", null)),
                Map.entry("actor", () -> Actor.user(null)));
        for (Map.Entry<String, Supplier<Object>> n : nulls) {
            InvalidInputException e = assertThrows(InvalidInputException.class, n.getValue()::get, n.getKey());
            assertEquals(n.getKey(), e.field());
            assertTrue(e.getMessage().contains(n.getKey()), e.getMessage());
        }
    }

    @Test
    public void rule12_sqlMetacharacters_areOrdinaryText_storedVerbatim() {
        qt().forAll(Generators.sqlMetacharacters(), Generators.sqlMetacharacters()).checkAssert((name, reason) -> {
            World w = World.build(twoOrganizations(), newStore(), MembershipRules.defaults());
            Actor key = Actor.organizationKey(w.organization("acme"), "key");
            assertEquals(name, w.membership().execute(key, new Command.CreateWorkspace(w.organization("acme"), name))
                    .orElseThrow().name());
            assertTrue(w.membership().execute(key, new Command.RemoveWorkspaceMember(w.workspace("aw"), w.user("m"),
                    reason)).succeeded());
            List<AuditEntry> trail = w.membership().execute(OBSERVER, Command.ListAuditTrail.of(w.organization("acme"),
                    PageRequest.first(PageRequest.MAX_LIMIT))).orElseThrow().items();
            assertEquals(reason, trail.get(trail.size() - 1).reason());
            assertEquals(List.of("m", "wa"), w.membership().execute(OBSERVER, new Command.ListWorkspaceMembers(
                    w.workspace("acme"), PageRequest.first())).orElseThrow().items().stream()
                    .map(m -> m.user().value()).filter(u -> !u.equals("a")).toList(), "no row was dropped");
        });
    }

    @Test
    public void rule12_unicodeText_isStoredVerbatim_surrogatePairsIncluded() {
        Gen<String> texts = Generate.pick(List.of("Équipe d'été", "研究チーム", "Lab \uD83D\uDE80 launch", "Ωmega ß",
                "\uD835\uDD38lgebra", "ﬁle naïve café", "emoji \uD83D\uDC69\u200D\uD83D\uDCBB pair"));
        qt().forAll(texts).checkAssert(reason -> {
            World w = World.build(twoOrganizations(), newStore(), MembershipRules.defaults());
            Actor key = Actor.organizationKey(w.organization("acme"), "key");
            assertTrue(w.membership().execute(key, new Command.RemoveWorkspaceMember(w.workspace("aw"), w.user("m"),
                    reason)).succeeded());
            List<AuditEntry> trail = w.membership().execute(OBSERVER, Command.ListAuditTrail.of(w.organization("acme"),
                    PageRequest.first(PageRequest.MAX_LIMIT))).orElseThrow().items();
            assertEquals(reason, trail.get(trail.size() - 1).reason(), "the store kept every character");
        });
    }

    // ---- rule 13: determinism ------------------------------------------------------------------

    @Test
    public void rule13_sameCommandsOnTwoFreshStores_giveIdenticalOutcomesAndAuditTrails() {
        Gen<Pair<World.Spec, List<Pair<World.ActorRef, World.CommandRef>>>> runs =
                Generators.worlds().flatMap(s -> Generators.commandSequences(s).map(steps -> Pair.of(s, steps)));
        qt().forAll(runs, Generators.presets()).checkAssert((run, rules) -> {
            World first = World.build(run._1, newStore(), rules);
            World second = World.build(run._1, newStore(), rules);
            List<Object> firstOutcomes = new ArrayList<>();
            List<Object> secondOutcomes = new ArrayList<>();
            for (Pair<World.ActorRef, World.CommandRef> step : run._2) {
                first.fixture().clock().advance(Duration.ofMinutes(7));
                second.fixture().clock().advance(Duration.ofMinutes(7));
                firstOutcomes.add(first.membership().execute(step._1.in(first), step._2.in(first)));
                // dry runs on the second store must not consume ids or change anything
                second.membership().check(step._1.in(second), step._2.in(second));
                secondOutcomes.add(second.membership().execute(step._1.in(second), step._2.in(second)));
            }
            assertEquals(firstOutcomes, secondOutcomes);
            assertEquals(first.snapshot(), second.snapshot(), "same state and audit trails");
            assertEquals(first.events(), second.events());
        });
    }

    // ---- dry run -------------------------------------------------------------------------------

    @Test
    public void dryRun_decidesExactlyAsTheRealCall_andChangesNothing() {
        qt(2).forAll(Generators.powerfulScenarios(), Generate.oneOf(Generators.presets(), Generators.rules()))
                .checkAssert((s, rules) -> {
                    World w = World.build(s.spec(), newStore(), rules);
                    Actor actor = s.actor().in(w);
                    Command<?> command = s.command().in(w);
                    World.State before = w.snapshot();
                    Decision decision = w.membership().check(actor, command);
                    assertEquals(before, w.snapshot(), "a dry run changes no state and writes no audit entry");
                    assertEquals(List.of(), w.events(), "a dry run publishes nothing");
                    Outcome<?> outcome = w.membership().execute(actor, command);
                    assertEquals(decision.refusal(), outcome.refusal());
                    assertEquals(decision.allowed(), outcome.succeeded());
                });
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static World.Spec spec(List<World.Org> organizations, List<String> pending, List<String> disabled,
                                   List<String> instanceAdmins) {
        return new World.Spec(organizations, pending, disabled, instanceAdmins, List.of());
    }

    private static World.Org org(String name, List<String> admins, List<String> members, List<World.Ws> workspaces,
                                 List<World.Invite> invitations) {
        return new World.Org(name, admins, members, workspaces, invitations);
    }

    private static World.Ws ws(String name, World.Seat... seats) {
        return new World.Ws(name, Arrays.asList(seats));
    }

    private static World.Seat seat(String user, WorkspaceRole role) {
        return new World.Seat(user, role);
    }

    private static World.Spec append(World.Spec spec, String organization, String admin) {
        List<World.Org> organizations = new ArrayList<>(spec.organizations());
        organizations.add(org(organization, List.of(admin), List.of(), List.of(), List.of()));
        return new World.Spec(organizations, spec.pendingUsers(), spec.disabledUsers(), spec.instanceAdmins(),
                spec.disabledMembers(), spec.unvalidatedMembers());
    }

    private static List<String> append(List<String> list, String value) {
        List<String> out = new ArrayList<>(list);
        out.add(value);
        return out;
    }

    private static Memberships memberships(World w, String user) {
        return w.membership().execute(OBSERVER, new Command.ListMemberships(w.user(user))).orElseThrow();
    }

    private static List<Invitation> invitations(World w, String organization) {
        return w.membership().execute(OBSERVER, new Command.ListInvitations(w.organization(organization),
                PageRequest.first(PageRequest.MAX_LIMIT))).orElseThrow().items();
    }

    private static String caseFlipped(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            out.append(Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
        }
        return out.toString();
    }

    private static String printable(String input) {
        String shown = input.length() > 40 ? input.substring(0, 40) + "…(" + input.length() + " chars)" : input;
        StringBuilder out = new StringBuilder();
        shown.chars().forEach(c -> out.append(Character.isISOControl(c) ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return out.toString();
    }

    private static Map<String, Construction> orderedMap(Object... pairs) {
        Map<String, Construction> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], (Construction) pairs[i + 1]);
        }
        return map;
    }

    /** A strict reader of flat JSON objects (string and number members), enough to check problem details. */
    static final class ProblemJson {
        private final String text;
        private int at;

        private ProblemJson(String text) {
            this.text = text;
        }

        static Map<String, Object> parse(String json) {
            ProblemJson p = new ProblemJson(json);
            Map<String, Object> members = new LinkedHashMap<>();
            p.expect('{');
            while (p.peek() != '}') {
                String name = p.string();
                p.expect(':');
                Object value = p.peek() == '"' ? p.string() : p.number();
                if (members.put(name, value) != null) {
                    fail("duplicate member " + name + " in " + json);
                }
                if (p.peek() == ',') {
                    p.at++;
                }
            }
            p.expect('}');
            assertEquals(json.length(), p.at, () -> "trailing text in " + json);
            return members;
        }

        private char peek() {
            if (at >= text.length()) {
                fail("unexpected end of " + text);
            }
            return text.charAt(at);
        }

        private void expect(char c) {
            assertEquals(c, peek(), () -> "at " + at + " of " + text);
            at++;
        }

        private Number number() {
            int start = at;
            while (at < text.length() && (Character.isDigit(text.charAt(at)) || text.charAt(at) == '-')) {
                at++;
            }
            return Long.parseLong(text.substring(start, at));
        }

        private String string() {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (true) {
                char c = peek();
                at++;
                if (c == '"') {
                    return out.toString();
                }
                if (c < 0x20) {
                    fail("raw control character in a JSON string: " + text);
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char e = peek();
                at++;
                switch (e) {
                    case '"', '\\', '/' -> out.append(e);
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'u' -> {
                        out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                        at += 4;
                    }
                    default -> fail("bad escape \\" + e + " in " + text);
                }
            }
        }
    }
}
