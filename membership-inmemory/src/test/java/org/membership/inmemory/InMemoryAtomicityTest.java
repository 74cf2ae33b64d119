package org.membership.inmemory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.membership.api.Actor;
import org.membership.api.AuditEntry;
import org.membership.api.Command;
import org.membership.api.Email;
import org.membership.api.Invitation;
import org.membership.api.InvitationId;
import org.membership.api.InvitationStatus;
import org.membership.api.Membership;
import org.membership.api.MembershipEvent;
import org.membership.api.MembershipListener;
import org.membership.api.MembershipRules;
import org.membership.api.Memberships;
import org.membership.api.OrganizationRole;
import org.membership.api.OrganizationUserRemoval;
import org.membership.api.Outcome;
import org.membership.api.Page;
import org.membership.api.PageRequest;
import org.membership.api.Reason;
import org.membership.api.UserStatus;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceMember;
import org.membership.api.WorkspaceRole;
import org.membership.core.MembershipEngine;
import org.membership.core.spi.MembershipStore;
import org.membership.tck.FailingStore;
import org.membership.tck.Fixture;

final class InMemoryAtomicityTest {
    private static final Actor ROOT_KEY = Actor.instanceKey("atomicity-root");
    private static final InvitationId BOBS_INVITATION = InvitationId.of("inv-bob");
    private static final List<String> WORKSPACES = List.of("acme", "research", "design", "ops");
    private static final List<String> USERS = List.of("alice", "bob", "carl", "dora");

    /** A fixture over a failing store, where removing bob by email cascades as far as it can. */
    private record World(FailingStore store, Fixture f) {
        Command.RemoveOrganizationUser removeBob() {
            return new Command.RemoveOrganizationUser(f.organization("acme"), Email.of("bob@example.com"), "offboarding");
        }

        List<WorkspaceId> bobsWorkspaces() {
            return Stream.of("research", "design", "ops").map(f::workspace).sorted().toList();
        }
    }

    private static World world() {
        return world(new InMemoryStore());
    }

    private static World world(MembershipStore rows) {
        FailingStore store = new FailingStore(rows);
        Fixture f = Fixture.builder(store).rules(MembershipRules.factory())
                .user("dora", UserStatus.VALIDATED)
                .organization("acme", org -> org.admin("alice").member("bob").member("carl")
                        .workspace("research", ws -> ws.admin("alice").member("bob"))
                        .workspace("design", ws -> ws.admin("alice").member("bob", WorkspaceRole.DEVELOPER).member("carl"))
                        .workspace("ops", ws -> ws.admin("alice").admin("bob"))
                        .invitation("dora@example.com"))
                .build();
        // inviting a member is refused, so bob's own pending invitation can only be stored directly
        Invitation pending = new Invitation(BOBS_INVITATION, f.organization("acme"), Fixture.email("bob"),
                OrganizationRole.ADMIN, InvitationStatus.PENDING, f.clock().instant(),
                f.clock().instant().plus(Duration.ofDays(7)));
        f.store().write(tx -> {
            tx.insertInvitation(pending);
            return null;
        });
        return new World(store, f);
    }

    // ---- a failure at every write position rolls everything back -------------------------------------

    @TestFactory
    Stream<DynamicTest> removeByEmail_failureAtEveryWritePosition_changesNothing() {
        World probe = world();
        OrganizationUserRemoval done = succeeded(probe.f().membership().execute(probe.f().actor("alice"), probe.removeBob()));
        assertEquals(3, done.removedFromWorkspaces().size(), "the probe removes the whole cascade");
        assertTrue(done.revokedInvitation().isPresent());
        List<String> writes = probe.store().lastWriteCalls();
        assertTrue(writes.containsAll(List.of("deleteOrganizationMember", "updateInvitationStatus", "appendAudit")), writes::toString);
        Function<World, Outcome<?>> removeBob = w -> w.f().membership().execute(w.f().actor("alice"), w.removeBob());
        return everyWritePosition(writes, removeBob,
                (w, outcome) -> {
                    OrganizationUserRemoval removal = (OrganizationUserRemoval) succeeded(outcome);
                    assertEquals(w.bobsWorkspaces(), removal.removedFromWorkspaces());
                    assertEquals(BOBS_INVITATION, removal.revokedInvitation().orElseThrow().id());
                    Memberships bobs = succeeded(w.f().membership().execute(ROOT_KEY,
                            new Command.ListMemberships(w.f().user("bob"))));
                    assertEquals(List.of(), bobs.organizations());
                    assertEquals(List.of(), bobs.workspaces());
                });
    }

    @TestFactory
    Stream<DynamicTest> acceptInvitation_failureAtEveryWritePosition_changesNothing() {
        Function<World, Outcome<?>> accept = w -> w.f().membership().execute(w.f().actor("dora"),
                new Command.AcceptInvitation(w.f().invitation("dora@example.com")));
        World probe = world();
        succeeded(accept.apply(probe));
        return everyWritePosition(probe.store().lastWriteCalls(), accept, (w, outcome) -> {
            assertEquals(OrganizationRole.MEMBER, ((org.membership.api.OrganizationMember) succeeded(outcome)).role());
            assertTrue(memberIds(w.f(), "acme").contains("dora"));
        });
    }

    @TestFactory
    Stream<DynamicTest> createOrganization_failureAtEveryWritePosition_changesNothing() {
        Function<World, Outcome<?>> create = w -> w.f().membership().execute(ROOT_KEY,
                new Command.CreateOrganization("Initech", w.f().user("carl")));
        World probe = world();
        succeeded(create.apply(probe));
        return everyWritePosition(probe.store().lastWriteCalls(), create, (w, outcome) -> {
            Memberships carls = succeeded(w.f().membership().execute(ROOT_KEY, new Command.ListMemberships(w.f().user("carl"))));
            assertEquals(2, carls.organizations().size());
        });
    }

    /**
     * One test per write position and timing: fail there, check the state and the events are exactly
     * as before, then check the same call succeeds.
     */
    private static Stream<DynamicTest> everyWritePosition(List<String> writes, Function<World, Outcome<?>> call,
                                                          java.util.function.BiConsumer<World, Outcome<?>> thenSucceeds) {
        assertFalse(writes.isEmpty(), "the change makes writes");
        List<DynamicTest> tests = new ArrayList<>();
        for (int p = 1; p <= writes.size(); p++) {
            for (FailingStore.When when : FailingStore.When.values()) {
                int position = p;
                tests.add(DynamicTest.dynamicTest("fail " + when + " write " + p + " (" + writes.get(p - 1) + ")", () -> {
                    World w = world();
                    Snapshot before = Snapshot.of(w.f());
                    int eventsBefore = w.f().events().size();
                    w.store().failNextWriteTransactionAt(position, when);

                    RuntimeException thrown = assertThrows(RuntimeException.class, () -> call.apply(w));

                    assertTrue(causedByInjection(thrown), () -> "unexpected failure " + thrown);
                    assertEquals(1, w.store().injectedFailures());
                    assertEquals(before, Snapshot.of(w.f()), "a failed change leaves no trace");
                    assertEquals(eventsBefore, w.f().events().size(), "a failed change publishes nothing");

                    Outcome<?> retried = call.apply(w);
                    thenSucceeds.accept(w, retried);
                    assertNotEquals(before, Snapshot.of(w.f()));
                    assertEquals(eventsBefore + 1, w.f().events().size() - countCreatedWorkspace(w.f(), eventsBefore));
                }));
            }
        }
        return tests.stream();
    }

    /** Creating an organization publishes its workspace's creation too; every other change here publishes one event. */
    private static int countCreatedWorkspace(Fixture f, int from) {
        return (int) f.events().subList(from, f.events().size()).stream()
                .filter(e -> e instanceof MembershipEvent.WorkspaceCreated).count();
    }

    @Test
    void failingStore_positionBeyondTheLastWrite_commitsNormallyAndIsUsedUp() {
        World w = world();
        w.store().failNextWriteTransactionAt(99, FailingStore.When.BEFORE);
        succeeded(w.f().membership().execute(w.f().actor("alice"), w.removeBob()));
        assertEquals(0, w.store().injectedFailures());
        assertFalse(memberIds(w.f(), "acme").contains("bob"));
        w.store().failNextWriteTransactionAt(1, FailingStore.When.BEFORE);
        w.store().disarm();
        succeeded(w.f().membership().execute(w.f().actor("alice"),
                new Command.RemoveWorkspaceMember(w.f().workspace("design"), w.f().user("carl"), "")));
        assertEquals(0, w.store().injectedFailures());
        assertEquals(List.of("deleteWorkspaceMember", "appendAudit"), w.store().lastWriteCalls());
    }

    @Test
    void snapshot_seesAPartialChange_onAStoreWithoutTransactions() {
        World w = world(new AutoCommitStore());
        Snapshot before = Snapshot.of(w.f());
        w.store().failNextWriteTransactionAt(2, FailingStore.When.BEFORE);
        assertThrows(FailingStore.InjectedFailure.class,
                () -> w.f().membership().execute(w.f().actor("alice"), w.removeBob()));
        assertNotEquals(before, Snapshot.of(w.f()), "the first write stayed behind, and the comparison catches it");
    }

    // ---- listeners ---------------------------------------------------------------------------------

    @Test
    void listenerThatThrows_doesNotUndoTheChange_andOtherListenersStillGetTheEvent() {
        World w = world();
        List<MembershipEvent> received = new CopyOnWriteArrayList<>();
        List<MembershipEvent> thrownAt = new CopyOnWriteArrayList<>();
        Membership membership = engine(w, event -> {
            thrownAt.add(event);
            throw new IllegalStateException("a host's listener failed");
        }, received::add);

        OrganizationUserRemoval removal = succeeded(membership.execute(w.f().actor("alice"), w.removeBob()));

        assertEquals(w.bobsWorkspaces(), removal.removedFromWorkspaces());
        List<MembershipEvent> expected = List.of(new MembershipEvent.OrganizationMemberRemoved(w.f().organization("acme"),
                w.f().user("bob"), w.bobsWorkspaces(), Optional.of(BOBS_INVITATION), w.f().clock().instant()));
        assertEquals(expected, thrownAt);
        assertEquals(expected, received);
        assertFalse(memberIds(w.f(), "acme").contains("bob"), "the change stays committed");
        assertEquals("offboarding", lastAudit(w.f()).reason());
    }

    @Test
    void events_arePublishedAfterCommit_andAListenerReadingThroughTheEngineSeesTheChange() {
        World w = world();
        List<Integer> openWritesSeen = new CopyOnWriteArrayList<>();
        List<Memberships> bobSeen = new CopyOnWriteArrayList<>();
        Membership[] engine = new Membership[1];
        engine[0] = engine(w, event -> {
            openWritesSeen.add(w.store().openWriteTransactions());
            bobSeen.add(succeeded(engine[0].execute(ROOT_KEY, new Command.ListMemberships(w.f().user("bob")))));
        });

        succeeded(engine[0].execute(w.f().actor("alice"), w.removeBob()));

        assertEquals(List.of(0), openWritesSeen, "the listener ran after the transaction ended");
        assertEquals(1, bobSeen.size());
        assertEquals(List.of(), bobSeen.get(0).organizations());
        assertEquals(List.of(), bobSeen.get(0).workspaces());
    }

    @Test
    void events_areNeverPublishedForRefusedOrFailedChanges() {
        World w = world();
        List<MembershipEvent> received = new CopyOnWriteArrayList<>();
        Membership membership = engine(w, received::add);

        Outcome<OrganizationUserRemoval> refused = membership.execute(w.f().actor("alice"),
                new Command.RemoveOrganizationUser(w.f().organization("acme"), Email.of("zed@example.com"), ""));
        assertEquals(Reason.NEITHER_MEMBER_NOR_INVITATION, refused.refused().orElseThrow().reason());
        Outcome<WorkspaceMember> forbidden = membership.execute(w.f().actor("carl"),
                new Command.RemoveWorkspaceMember(w.f().workspace("design"), w.f().user("bob"), ""));
        assertEquals(Reason.INSUFFICIENT_AUTHORITY, forbidden.refused().orElseThrow().reason());

        int last = probeWrites();
        w.store().failNextWriteTransactionAt(last, FailingStore.When.AFTER);
        assertThrows(FailingStore.InjectedFailure.class, () -> membership.execute(w.f().actor("alice"), w.removeBob()));

        assertEquals(List.of(), received);
        assertTrue(memberIds(w.f(), "acme").contains("bob"));
    }

    /** How many writes removing bob makes, measured on a twin world. */
    private static int probeWrites() {
        World twin = world();
        succeeded(twin.f().membership().execute(twin.f().actor("alice"), twin.removeBob()));
        return twin.store().lastWriteCalls().size();
    }

    private static Membership engine(World w, MembershipListener... listeners) {
        MembershipEngine.Builder builder = MembershipEngine.builder(w.store()).rules(MembershipRules.factory())
                .clock(w.f().clock());
        for (MembershipListener listener : listeners) {
            builder.listener(listener);
        }
        return builder.build();
    }

    // ---- a complete snapshot, read through the engine --------------------------------------------------

    /** Everything the world holds, as list commands and the audit trails show it. */
    private record Snapshot(Map<String, List<WorkspaceMember>> workspaces, List<Invitation> pendingInvitations,
                            Map<String, Memberships> memberships, List<AuditEntry> organizationTrail,
                            List<AuditEntry> instanceTrail) {
        static Snapshot of(Fixture f) {
            Map<String, List<WorkspaceMember>> workspaces = new LinkedHashMap<>();
            for (String ws : WORKSPACES) {
                workspaces.put(ws, all(after -> new Command.ListWorkspaceMembers(f.workspace(ws), after), f,
                        m -> m.user().value()));
            }
            Map<String, Memberships> memberships = new LinkedHashMap<>();
            for (String user : USERS) {
                memberships.put(user, succeeded(f.membership().execute(ROOT_KEY, new Command.ListMemberships(f.user(user)))));
            }
            return new Snapshot(workspaces,
                    all(after -> new Command.ListInvitations(f.organization("acme"), after), f, i -> i.id().value()),
                    memberships,
                    all(after -> Command.ListAuditTrail.of(f.organization("acme"), after), f, e -> Long.toString(e.sequence())),
                    all(Command.ListAuditTrail::ofInstance, f, e -> Long.toString(e.sequence())));
        }

        /** Reads every page, small ones so that paging itself is exercised. */
        private static <T> List<T> all(Function<PageRequest, Command<Page<T>>> command, Fixture f, Function<T, String> id) {
            List<T> items = new ArrayList<>();
            PageRequest request = PageRequest.first(5);
            while (true) {
                Page<T> page = succeeded(f.membership().execute(ROOT_KEY, command.apply(request)));
                items.addAll(page.items());
                if (!page.hasMore()) {
                    return items;
                }
                request = PageRequest.after(id.apply(items.get(items.size() - 1)), 5);
            }
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------

    private static boolean causedByInjection(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof FailingStore.InjectedFailure) {
                return true;
            }
        }
        return false;
    }

    private static <R> R succeeded(Outcome<R> outcome) {
        return outcome.success().orElseThrow(() -> new AssertionError("expected success, got " + outcome));
    }

    private static List<String> memberIds(Fixture f, String workspace) {
        return succeeded(f.membership().execute(ROOT_KEY, new Command.ListWorkspaceMembers(f.workspace(workspace),
                PageRequest.first(PageRequest.MAX_LIMIT)))).items().stream().map(m -> m.user().value()).toList();
    }

    private static AuditEntry lastAudit(Fixture f) {
        List<AuditEntry> trail = Snapshot.of(f).organizationTrail();
        return trail.get(trail.size() - 1);
    }
}
