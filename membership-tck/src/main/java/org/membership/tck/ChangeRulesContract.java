package org.membership.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.membership.tck.support.Specs.org;
import static org.membership.tck.support.Specs.spec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.membership.api.Actor;
import org.membership.api.AuditEntry;
import org.membership.api.Command;
import org.membership.api.Decision;
import org.membership.api.FeedEvent;
import org.membership.api.FeedPosition;
import org.membership.api.MembershipEvent;
import org.membership.api.OrganizationUserRemoval;
import org.membership.api.Outcome;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Rules 10 and 13 and the dry run: every change writes its audit entry and its events, the same commands give the same outcomes, and a dry run decides as the real call.
 *
 * <p>Extend it in a store's test sources and implement {@link #newStore()}, or extend
 * {@link RulesContract}, which runs every rule group. Each rule's documentation says what it proves
 * and, under "If it fails", where to look. A falsified property prints its smallest failing example
 * and {@code Seed was <n>}; {@code -DQT_SEED=<n>} replays it (see {@link RuleGroupContract}).
 *
 * <p>Not thread-safe; JUnit runs one method per instance.
 */
public abstract class ChangeRulesContract extends RuleGroupContract {
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
                                || command instanceof Command.ChangeWorkspaceRole
                                || command instanceof Command.ChangeOrganizationRole
                                || command instanceof Command.ChangeUserEmail
                                || command instanceof Command.RenameWorkspace, () -> "no audit entry for " + command);
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
            case ADD_ORGANIZATION_MEMBER -> List.of(MembershipEvent.OrganizationMemberAdded.class);
            case CHANGE_ORGANIZATION_ROLE -> List.of(MembershipEvent.OrganizationRoleChanged.class);
            case REMOVE_ORGANIZATION_MEMBER, LEAVE_ORGANIZATION -> List.of(MembershipEvent.OrganizationMemberRemoved.class);
            case CHANGE_USER_EMAIL -> List.of(MembershipEvent.UserEmailChanged.class);
            case RENAME_WORKSPACE -> List.of(MembershipEvent.WorkspaceRenamed.class);
            case DELETE_WORKSPACE -> List.of(MembershipEvent.WorkspaceDeleted.class);
            case DELETE_ORGANIZATION -> List.of(MembershipEvent.OrganizationDeleted.class);
            default -> List.of();
        };
    }

    // ---- rule 13: determinism ------------------------------------------------------------------

    /**
     * Rule 13: the same commands on two fresh stores, with the same clock and ids, give the same
     * outcomes, states, audit trails and events; dry runs in between change nothing.
     *
     * <p>If it fails: check anything in the store that depends on more than its inputs (its own clock,
     * random ids, iteration order of a hash map in a list read).
     */
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

    /**
     * A dry run decides exactly as the real call would, and writes, audits and publishes nothing.
     *
     * <p>If it fails: check that read transactions see the same rows as the write that follows, and
     * that the store's write methods are not reachable from a read.
     */
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
}
