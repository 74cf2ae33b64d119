package org.membership.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.membership.api.WorkspaceRole.ADMIN;
import static org.membership.tck.support.Outranking.outrankingActor;
import static org.membership.tck.support.Reads.OBSERVER;
import static org.membership.tck.support.Reads.memberships;
import static org.membership.tck.support.Specs.append;
import static org.membership.tck.support.Specs.org;
import static org.membership.tck.support.Specs.seat;
import static org.membership.tck.support.Specs.spec;
import static org.membership.tck.support.Specs.ws;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.membership.api.Actor;
import org.membership.api.Command;
import org.membership.api.MembershipEvent;
import org.membership.api.MembershipRules;
import org.membership.api.Outcome;
import org.membership.api.Reason;
import org.membership.api.Refusal;
import org.membership.api.UserId;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceMember;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Rules 7 and 8: default-workspace membership follows the organization, and the target must be a member (removal is final).
 *
 * <p>Extend it in a store's test sources and implement {@link #newStore()}, or extend
 * {@link RulesContract}, which runs every rule group. Each rule's documentation says what it proves
 * and, under "If it fails", where to look. A falsified property prints its smallest failing example
 * and {@code Seed was <n>}; {@code -DQT_SEED=<n>} replays it (see {@link RuleGroupContract}).
 *
 * <p>Not thread-safe; JUnit runs one method per instance.
 */
public abstract class TargetRulesContract extends RuleGroupContract {
    // ---- rule 7: custom workspaces only ----------------------------------------------------------

    /**
     * Rule 7: a default workspace's membership cannot be added to, changed or removed on its own:
     * default_workspace, nothing changes.
     *
     * <p>If it fails: check the workspace's stored kind.
     */
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

    /**
     * Rule 8: changing a user who is not a member of the workspace is member_not_found (404).
     *
     * <p>If it fails: check workspaceMember for a non-member.
     */
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

    /**
     * Rule 8: a removal is final (the same call again is member_not_found), and re-adding restores
     * the member.
     *
     * <p>If it fails: check deleteWorkspaceMember: it must delete the row, in the transaction that
     * asks.
     */
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
}
