package org.membership.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.membership.api.WorkspaceRole.ADMIN;
import static org.membership.api.WorkspaceRole.USER;
import static org.membership.tck.support.Outranking.outrankingActor;
import static org.membership.tck.support.Reads.OBSERVER;
import static org.membership.tck.support.Reads.memberships;
import static org.membership.tck.support.Specs.org;
import static org.membership.tck.support.Specs.seat;
import static org.membership.tck.support.Specs.spec;
import static org.membership.tck.support.Specs.ws;
import static org.membership.tck.support.Text.caseFlipped;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.membership.api.Actor;
import org.membership.api.Command;
import org.membership.api.Email;
import org.membership.api.MembershipRules;
import org.membership.api.OrganizationUserRemoval;
import org.membership.api.Outcome;
import org.membership.api.PageRequest;
import org.membership.api.Presets;
import org.membership.api.Reason;
import org.membership.api.Refusal;
import org.membership.api.SelfRemoval;
import org.membership.api.UserId;
import org.membership.api.UserStatus;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceMember;
import org.membership.api.WorkspaceRole;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Rules 5 and 6: no self-removal, and an organization or custom workspace always keeps a usable admin.
 *
 * <p>Extend it in a store's test sources and implement {@link #newStore()}, or extend
 * {@link RulesContract}, which runs every rule group. Each rule's documentation says what it proves
 * and, under "If it fails", where to look. A falsified property prints its smallest failing example
 * and {@code Seed was <n>}; {@code -DQT_SEED=<n>} replays it (see {@link RuleGroupContract}).
 *
 * <p>Not thread-safe; JUnit runs one method per instance.
 */
public abstract class AdminRulesContract extends RuleGroupContract {
    // ---- rule 5: self-removal ------------------------------------------------------------------

    /**
     * Rule 5: under the default rules nobody removes itself from a workspace or an organization,
     * demotes itself from admin, or disables itself; each is refused as self_removal and changes
     * nothing.
     *
     * <p>If it fails: check the engine's self check (Caller.is, the email comparison of a removal by
     * email) and the order of the removal's policies; a store that returns another user for the
     * actor's id breaks it too.
     */
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

    /**
     * Rule 5, where the host lets actors leave: an actor removes itself from a workspace or the
     * organization without the authority to remove others, unless it is the last usable admin
     * there.
     *
     * <p>If it fails: check that leaving skips only the authority checks (never scope), and that the
     * store's admin counts include the actor.
     */
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

    /**
     * Rule 6: removing or demoting the last usable admin of a custom workspace is last_admin; with
     * a second usable admin it succeeds.
     *
     * <p>If it fails: check countWorkspaceAdmins (admins with a validated account only) and that it
     * reads the rows as the organization's lock left them.
     */
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

    /**
     * Rule 6: removing the last usable organization admin by email is last_admin, whoever asks.
     *
     * <p>If it fails: check countOrganizationAdmins, and userByEmail/organizationMember for the
     * removed admin.
     */
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

    /**
     * Rule 6 across every change: after any generated command, every organization and every custom
     * workspace that had a usable admin still has one.
     *
     * <p>If it fails: check the admin counts and the account statuses the store keeps; print the
     * example's world and command and replay its seed.
     */
    @Test
    public void rule6_noChangeLeavesAnOrganizationOrAWorkspaceWithoutAUsableAdmin() {
        qt(3).forAll(Generators.worlds().flatMap(AdminRulesContract::adminLosses), Generate.oneOf(Generators.presets(), Generators.rules()))
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

    /**
     * Rule 6's third way to lose an admin: disabling (or un-validating) the last usable admin of an
     * organization or custom workspace is last_admin.
     *
     * <p>If it fails: check organizationMembershipsOf and workspaceMembershipsOf (the status change
     * finds the scopes it administers through them) and the counts.
     */
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

    /**
     * Rule 6 counts usable admins only: an admin whose account is disabled or unvalidated may be
     * removed or demoted even as the last admin row; the last usable one may not.
     *
     * <p>If it fails: check that the admin counts join the users' status (VALIDATED only).
     */
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

    /**
     * Rule 6 from the start: an organization's first admin must have a validated account
     * (account_not_validated otherwise), so every organization starts with a usable admin.
     *
     * <p>If it fails: check the user lookup of CreateOrganization and the stored status.
     */
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
}
