package org.membership.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationMember;
import org.membership.api.Actor;
import org.membership.api.AuditEntry;
import org.membership.api.Command;
import org.membership.api.Email;
import org.membership.api.FeedEvent;
import org.membership.api.FeedPosition;
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
import org.membership.api.Presets;
import org.membership.api.Reason;
import org.membership.api.UserStatus;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceMember;
import org.membership.api.WorkspaceRole;
import org.membership.core.FeedSettings;
import org.membership.core.MembershipEngine;
import org.membership.core.spi.MembershipStore;

/**
 * All or nothing (specification §5 and rule 10): a change that fails at any write leaves no trace,
 * publishes no event, and the same call succeeds afterwards. Each multi-write operation is probed
 * once to count its writes; then, for every write position and both timings of
 * {@link FailingStore}, a new world fails there and is compared, in full, with itself before. Also:
 * events are published after commit only, and a throwing listener undoes nothing.
 *
 * <p>Extend it in a store's test sources and implement {@link #newStore()}:
 *
 * <pre>{@code
 * final class MyStoreAtomicityTest extends AtomicityContract {
 *     @Override
 *     protected MembershipStore newStore() {
 *         return new MyStore();
 *     }
 * }
 * }</pre>
 *
 * <p>The comparison reads the world back through the engine's list commands, every invitation
 * the world knows through the store, and both audit trails; a store may add its own comparison
 * of raw rows. Not thread-safe; JUnit runs one test per instance.
 */
public abstract class AtomicityContract {
    private static final Actor ROOT_KEY = Actor.instanceKey("atomicity-root");
    private static final InvitationId BOBS_INVITATION = InvitationId.of("inv-bob");
    private static final List<String> WORKSPACES = List.of("acme", "research", "design", "ops");
    private static final List<String> USERS = List.of("alice", "bob", "carl", "dora");
    /** More ids than a world and the changes tried on it use up. */
    private static final int IDS_LOOKED_UP = 32;

    /** @return a new, empty store; called several times per test (once per world), never closed by the contract */
    protected abstract MembershipStore newStore();

    /**
     * A fixture over a failing store, where removing bob by email cascades as far as it can.
     *
     * @param store the failing store around the store under test
     * @param f the fixture built in it
     */
    protected record Acme(FailingStore store, Fixture f) {
        /** @return alice's command that removes bob from acme by email */
        public Command.RemoveOrganizationUser removeBob() {
            return new Command.RemoveOrganizationUser(f.organization("acme"), Email.of("bob@example.com"), "offboarding");
        }

        /** @return bob's custom workspaces, sorted */
        public List<WorkspaceId> bobsWorkspaces() {
            return Stream.of("research", "design", "ops").map(f::workspace).sorted().toList();
        }
    }

    private Acme world() {
        return world(newStore());
    }

    /**
     * @param rows the store to build the world in, wrapped in a {@link FailingStore}
     * @return acme with alice (admin), bob and carl; three custom workspaces holding bob; a pending
     *         invitation for dora and one for bob's own email
     */
    protected static Acme world(MembershipStore rows) {
        FailingStore store = new FailingStore(rows);
        // No pruning by the engine: its own write transaction would be the last one a test looks at.
        Fixture f = Fixture.builder(store).rules(Presets.factory())
                .feed(FeedSettings.defaults().pruneEvery(Duration.ZERO))
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
        return new Acme(store, f);
    }

    // ---- a failure at every write position rolls everything back -------------------------------------

    /**
     * The organization-removal cascade failed before and after each of its writes leaves every
     * list, membership and audit trail exactly as it was, publishes nothing, and the next identical
     * call succeeds.
     *
     * <p>If it fails: check that write() rolls back everything the work wrote when it throws,
     * including deletes and the audit row.
     */
    @TestFactory
    Stream<DynamicTest> removeByEmail_failureAtEveryWritePosition_changesNothing() {
        Acme probe = world();
        OrganizationUserRemoval.MemberRemoved done = assertInstanceOf(OrganizationUserRemoval.MemberRemoved.class,
                succeeded(probe.f().membership().execute(probe.f().actor("alice"), probe.removeBob())));
        assertEquals(3, done.workspaces().size(), "the probe removes the whole cascade");
        assertTrue(done.revokedInvitation().isPresent());
        List<String> writes = probe.store().lastWriteCalls();
        assertTrue(writes.containsAll(List.of("deleteOrganizationMember", "updateInvitationStatus", "appendAudit",
                "appendEvents")), writes::toString);
        Function<Acme, Outcome<?>> removeBob = w -> w.f().membership().execute(w.f().actor("alice"), w.removeBob());
        return everyWritePosition(writes, removeBob,
                (w, outcome) -> {
                    OrganizationUserRemoval.MemberRemoved removal = assertInstanceOf(OrganizationUserRemoval.MemberRemoved.class, succeeded(outcome));
                    assertEquals(w.bobsWorkspaces(), removal.workspaces());
                    assertEquals(BOBS_INVITATION, removal.revokedInvitation().orElseThrow().id());
                    Memberships bobs = succeeded(w.f().membership().execute(ROOT_KEY,
                            new Command.ListMemberships(w.f().user("bob"))));
                    assertEquals(List.of(), bobs.organizations());
                    assertEquals(List.of(), bobs.workspaces());
                });
    }

    /**
     * The same for accepting an invitation.
     *
     * <p>If it fails: check the rollback of updateInvitationStatus and insertOrganizationMember.
     */
    @TestFactory
    Stream<DynamicTest> acceptInvitation_failureAtEveryWritePosition_changesNothing() {
        Function<Acme, Outcome<?>> accept = w -> w.f().membership().execute(w.f().actor("dora"),
                new Command.AcceptInvitation(w.f().invitation("dora@example.com")));
        Acme probe = world();
        succeeded(accept.apply(probe));
        return everyWritePosition(probe.store().lastWriteCalls(), accept, (w, outcome) -> {
            assertEquals(OrganizationRole.MEMBER, ((OrganizationMember) succeeded(outcome)).role());
            assertTrue(memberIds(w.f(), "acme").contains("dora"));
        });
    }

    /**
     * The same for creating an organization with its default workspace and first admin.
     *
     * <p>If it fails: check the rollback of the inserts of the organization, its workspace and its
     * membership.
     */
    @TestFactory
    Stream<DynamicTest> createOrganization_failureAtEveryWritePosition_changesNothing() {
        Function<Acme, Outcome<?>> create = w -> w.f().membership().execute(ROOT_KEY,
                new Command.CreateOrganization("Initech", w.f().user("carl")));
        Acme probe = world();
        succeeded(create.apply(probe));
        return everyWritePosition(probe.store().lastWriteCalls(), create, (w, outcome) -> {
            Memberships carls = succeeded(w.f().membership().execute(ROOT_KEY, new Command.ListMemberships(w.f().user("carl"))));
            assertEquals(2, carls.organizations().size());
        });
    }

    /**
     * The same for an invitation that first stores as expired every lapsed invitation of its
     * organization.
     *
     * <p>If it fails: check that expireInvitations is rolled back with the rest.
     */
    @TestFactory
    Stream<DynamicTest> inviteReplacingAnExpiredInvitation_failureAtEveryWritePosition_changesNothing() {
        java.util.function.Consumer<Acme> expireDorasInvitation = w -> w.f().clock()
                .advance(Presets.factory().invitationLifetime().plusDays(1));
        Function<Acme, Outcome<?>> invite = w -> w.f().membership().execute(w.f().actor("alice"),
                new Command.InviteToOrganization(w.f().organization("acme"), Email.of("dora@example.com"),
                        OrganizationRole.MEMBER));
        Acme probe = world();
        expireDorasInvitation.accept(probe);
        succeeded(invite.apply(probe));
        List<String> writes = probe.store().lastWriteCalls();
        assertEquals(List.of("expireInvitations", "insertInvitation", "appendAudit", "appendEvents"), writes,
                "acme's lapsed invitations are marked expired, the new one stored, the change audited, its event written");
        return everyWritePosition(writes, expireDorasInvitation, invite, (w, outcome) -> {
            Invitation sent = (Invitation) succeeded(outcome);
            assertNotEquals(w.f().invitation("dora@example.com"), sent.id());
            assertEquals(InvitationStatus.PENDING, sent.storedStatus());
            // dora's old invitation, and bob's, which lapsed too although nobody invited bob again
            for (InvitationId lapsed : List.of(w.f().invitation("dora@example.com"), BOBS_INVITATION)) {
                assertEquals(InvitationStatus.EXPIRED, w.f().store().read(tx -> tx.invitation(lapsed))
                        .orElseThrow().storedStatus(), lapsed::toString);
            }
        });
    }

    /**
     * The same for a workspace removal with its audit entry.
     *
     * <p>If it fails: check the rollback of deleteWorkspaceMember and appendAudit.
     */
    @TestFactory
    Stream<DynamicTest> removeWorkspaceMember_failureAtEveryWritePosition_changesNothing() {
        Function<Acme, Outcome<?>> remove = w -> w.f().membership().execute(w.f().actor("alice"),
                new Command.RemoveWorkspaceMember(w.f().workspace("design"), w.f().user("carl"), "left the team"));
        Acme probe = world();
        succeeded(remove.apply(probe));
        List<String> writes = probe.store().lastWriteCalls();
        assertEquals(List.of("deleteWorkspaceMember", "appendAudit", "appendEvents"), writes);
        return everyWritePosition(writes, remove, (w, outcome) -> {
            assertEquals(w.f().user("carl"), ((WorkspaceMember) succeeded(outcome)).user());
            assertFalse(memberIds(w.f(), "design").contains("carl"));
            assertEquals("left the team", lastAudit(w.f()).reason());
        });
    }

    // ---- managing organizations directly ----------------------------------------------------------

    /**
     * The same for adding dora to acme directly, which revokes her pending invitation in the same change.
     *
     * <p>If it fails: check the rollback of insertOrganizationMember and updateInvitationStatus.
     */
    @TestFactory
    Stream<DynamicTest> addOrganizationMember_failureAtEveryWritePosition_changesNothing() {
        Function<Acme, Outcome<?>> add = w -> w.f().membership().execute(ROOT_KEY,
                new Command.AddOrganizationMember(w.f().organization("acme"), w.f().user("dora"), OrganizationRole.MEMBER));
        Acme probe = world();
        succeeded(add.apply(probe));
        List<String> writes = probe.store().lastWriteCalls();
        assertEquals(List.of("insertOrganizationMember", "updateInvitationStatus", "appendAudit", "appendEvents"), writes);
        return everyWritePosition(writes, add, (w, outcome) -> {
            assertEquals(w.f().user("dora"), ((OrganizationMember) succeeded(outcome)).user());
            assertEquals(InvitationStatus.REVOKED, w.f().store().read(tx -> tx.invitation(w.f().invitation("dora@example.com")))
                    .orElseThrow().storedStatus());
        });
    }

    /**
     * The same for removing bob from acme by id, with the cascade removing him by email has.
     *
     * <p>If it fails: check the rollback of deleteWorkspaceMembershipsIn, deleteOrganizationMember and
     * updateInvitationStatus.
     */
    @TestFactory
    Stream<DynamicTest> removeOrganizationMember_failureAtEveryWritePosition_changesNothing() {
        Function<Acme, Outcome<?>> remove = w -> w.f().membership().execute(w.f().actor("alice"),
                new Command.RemoveOrganizationMember(w.f().organization("acme"), w.f().user("bob"), "offboarding"));
        Acme probe = world();
        succeeded(remove.apply(probe));
        List<String> writes = probe.store().lastWriteCalls();
        assertEquals(List.of("deleteWorkspaceMembershipsIn", "deleteOrganizationMember", "updateInvitationStatus",
                "appendAudit", "appendEvents"), writes);
        return everyWritePosition(writes, remove, (w, outcome) -> {
            OrganizationUserRemoval.MemberRemoved removal = (OrganizationUserRemoval.MemberRemoved) succeeded(outcome);
            assertEquals(w.bobsWorkspaces(), removal.workspaces());
            assertEquals(BOBS_INVITATION, removal.revokedInvitation().orElseThrow().id());
        });
    }

    /**
     * The same for bob leaving acme himself (the factory preset lets members leave).
     *
     * <p>If it fails: as for removing bob by id.
     */
    @TestFactory
    Stream<DynamicTest> leaveOrganization_failureAtEveryWritePosition_changesNothing() {
        Function<Acme, Outcome<?>> leave = w -> w.f().membership().execute(w.f().actor("bob"),
                new Command.LeaveOrganization(w.f().organization("acme"), "moving on"));
        Acme probe = world();
        succeeded(leave.apply(probe));
        return everyWritePosition(probe.store().lastWriteCalls(), leave, (w, outcome) -> {
            Memberships bobs = succeeded(w.f().membership().execute(ROOT_KEY, new Command.ListMemberships(w.f().user("bob"))));
            assertEquals(List.of(), bobs.organizations());
            assertEquals(List.of(), bobs.workspaces());
            assertEquals("moving on", lastAudit(w.f()).reason());
        });
    }

    /**
     * The same for promoting carl to organization admin, with its audit entry and its event.
     *
     * <p>If it fails: check the rollback of updateOrganizationRole.
     */
    @TestFactory
    Stream<DynamicTest> changeOrganizationRole_failureAtEveryWritePosition_changesNothing() {
        Function<Acme, Outcome<?>> promote = w -> w.f().membership().execute(w.f().actor("alice"),
                new Command.ChangeOrganizationRole(w.f().organization("acme"), w.f().user("carl"), OrganizationRole.ADMIN));
        Acme probe = world();
        succeeded(promote.apply(probe));
        List<String> writes = probe.store().lastWriteCalls();
        assertEquals(List.of("updateOrganizationRole", "appendAudit", "appendEvents"), writes);
        return everyWritePosition(writes, promote,
                (w, outcome) -> assertEquals(OrganizationRole.ADMIN, ((OrganizationMember) succeeded(outcome)).role()));
    }

    /**
     * The same for changing carl's email.
     *
     * <p>If it fails: check the rollback of updateUserEmail, and of the store's email index with it.
     */
    @TestFactory
    Stream<DynamicTest> changeUserEmail_failureAtEveryWritePosition_changesNothing() {
        Function<Acme, Outcome<?>> change = w -> w.f().membership().execute(ROOT_KEY,
                new Command.ChangeUserEmail(w.f().user("carl"), Email.of("Carl.New@Example.com")));
        Acme probe = world();
        succeeded(change.apply(probe));
        List<String> writes = probe.store().lastWriteCalls();
        assertEquals(List.of("updateUserEmail", "appendAudit", "appendEvents"), writes);
        return everyWritePosition(writes, change, (w, outcome) -> {
            assertEquals(w.f().user("carl"), w.f().store().read(tx -> tx.userByEmail(Email.of("carl.new@example.com")))
                    .orElseThrow().id());
            assertEquals(Optional.empty(), w.f().store().read(tx -> tx.userByEmail(Fixture.email("carl"))));
        });
    }

    /**
     * The same for renaming a workspace.
     *
     * <p>If it fails: check the rollback of updateWorkspaceName.
     */
    @TestFactory
    Stream<DynamicTest> renameWorkspace_failureAtEveryWritePosition_changesNothing() {
        Function<Acme, Outcome<?>> rename = w -> w.f().membership().execute(w.f().actor("alice"),
                new Command.RenameWorkspace(w.f().workspace("design"), "Design studio"));
        Acme probe = world();
        succeeded(rename.apply(probe));
        List<String> writes = probe.store().lastWriteCalls();
        assertEquals(List.of("updateWorkspaceName", "appendAudit", "appendEvents"), writes);
        return everyWritePosition(writes, rename, (w, outcome) -> assertEquals("Design studio",
                w.f().store().read(tx -> tx.workspace(w.f().workspace("design"))).orElseThrow().name()));
    }

    /**
     * The same for deleting a custom workspace with its three memberships.
     *
     * <p>If it fails: check the rollback of deleteWorkspace: the workspace and every membership of it.
     */
    @TestFactory
    Stream<DynamicTest> deleteWorkspace_failureAtEveryWritePosition_changesNothing() {
        Function<Acme, Outcome<?>> delete = w -> w.f().membership().execute(w.f().actor("alice"),
                new Command.DeleteWorkspace(w.f().workspace("design"), "reorganized"));
        Acme probe = world();
        succeeded(delete.apply(probe));
        List<String> writes = probe.store().lastWriteCalls();
        assertEquals(List.of("deleteWorkspace", "appendAudit", "appendEvents"), writes);
        return everyWritePosition(writes, delete, (w, outcome) -> {
            assertEquals(List.of(w.f().user("alice"), w.f().user("bob"), w.f().user("carl")),
                    ((org.membership.api.WorkspaceDeletion) succeeded(outcome)).members());
            assertEquals(Optional.empty(), w.f().store().read(tx -> tx.workspace(w.f().workspace("design"))));
        });
    }

    /**
     * The same for deleting acme with everything in it.
     *
     * <p>If it fails: check the rollback of deleteOrganization: every kind of row it deletes.
     */
    @TestFactory
    Stream<DynamicTest> deleteOrganization_failureAtEveryWritePosition_changesNothing() {
        Function<Acme, Outcome<?>> delete = w -> w.f().membership().execute(ROOT_KEY,
                new Command.DeleteOrganization(w.f().organization("acme"), "closed"));
        Acme probe = world();
        succeeded(delete.apply(probe));
        List<String> writes = probe.store().lastWriteCalls();
        assertEquals(List.of("deleteOrganization", "appendAudit", "appendEvents"), writes);
        return everyWritePosition(writes, delete, (w, outcome) -> {
            org.membership.api.OrganizationDeletion deletion = (org.membership.api.OrganizationDeletion) succeeded(outcome);
            assertEquals(4, deletion.workspaces());
            assertEquals(3, deletion.members());
            assertEquals(2 + 3 + 2, deletion.workspaceMemberships(), "research, design and ops");
            assertEquals(2, deletion.invitations(), "dora's and bob's pending ones (the fixture adds members directly)");
            for (String user : USERS) {
                Memberships left = succeeded(w.f().membership().execute(ROOT_KEY, new Command.ListMemberships(w.f().user(user))));
                assertEquals(List.of(), left.organizations(), user);
            }
        });
    }

    /**
     * One test per write position and timing: fail there, check the state and the events are exactly
     * as before, then check the same call succeeds.
     */
    private Stream<DynamicTest> everyWritePosition(List<String> writes, Function<Acme, Outcome<?>> call,
                                                   java.util.function.BiConsumer<Acme, Outcome<?>> thenSucceeds) {
        return everyWritePosition(writes, w -> { }, call, thenSucceeds);
    }

    private Stream<DynamicTest> everyWritePosition(List<String> writes, java.util.function.Consumer<Acme> setUp,
                                                   Function<Acme, Outcome<?>> call,
                                                   java.util.function.BiConsumer<Acme, Outcome<?>> thenSucceeds) {
        assertFalse(writes.isEmpty(), "the change makes writes");
        List<DynamicTest> tests = new ArrayList<>();
        for (int p = 1; p <= writes.size(); p++) {
            for (FailingStore.When when : FailingStore.When.values()) {
                int position = p;
                tests.add(DynamicTest.dynamicTest("fail " + when + " write " + p + " (" + writes.get(p - 1) + ")", () -> {
                    Acme w = world();
                    setUp.accept(w);
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
                    Snapshot after = Snapshot.of(w.f());
                    assertNotEquals(before, after);
                    assertEquals(eventsBefore + 1, w.f().events().size() - countCreatedWorkspace(w.f(), eventsBefore));
                    List<FeedEvent> appended = after.feed().subList(before.feed().size(), after.feed().size());
                    assertEquals(w.f().events().subList(eventsBefore, w.f().events().size()),
                            appended.stream().map(FeedEvent::event).toList(),
                            "the feed gained exactly the events the listeners got, in order");
                    assertEquals(Optional.of(appended.get(appended.size() - 1).position()), retried.position(),
                            "the outcome carries the position of the change's last event");
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

    /**
     * The fault injector itself: armed past the last write, nothing fails and the arming is used
     * up.
     *
     * <p>If it fails: check FailingStore, not the store under test.
     */
    @Test
    void failingStore_positionBeyondTheLastWrite_commitsNormallyAndIsUsedUp() {
        Acme w = world();
        w.store().failNextWriteTransactionAt(99, FailingStore.When.BEFORE);
        succeeded(w.f().membership().execute(w.f().actor("alice"), w.removeBob()));
        assertEquals(0, w.store().injectedFailures());
        assertFalse(memberIds(w.f(), "acme").contains("bob"));
        w.store().failNextWriteTransactionAt(1, FailingStore.When.BEFORE);
        w.store().disarm();
        succeeded(w.f().membership().execute(w.f().actor("alice"),
                new Command.RemoveWorkspaceMember(w.f().workspace("design"), w.f().user("carl"))));
        assertEquals(0, w.store().injectedFailures());
        assertEquals(List.of("deleteWorkspaceMember", "appendAudit", "appendEvents"), w.store().lastWriteCalls());
    }

    // ---- listeners ---------------------------------------------------------------------------------

    /**
     * Listeners run after commit: one that throws changes nothing and stops no other.
     *
     * <p>If it fails: check that afterCommit actions run after the transaction ended, each on its own.
     */
    @Test
    void listenerThatThrows_doesNotUndoTheChange_andOtherListenersStillGetTheEvent() {
        Acme w = world();
        List<MembershipEvent> received = new CopyOnWriteArrayList<>();
        List<MembershipEvent> thrownAt = new CopyOnWriteArrayList<>();
        Membership membership = engine(w, event -> {
            thrownAt.add(event);
            throw new IllegalStateException("a host's listener failed");
        }, received::add);

        OrganizationUserRemoval.MemberRemoved removal = assertInstanceOf(OrganizationUserRemoval.MemberRemoved.class,
                succeeded(membership.execute(w.f().actor("alice"), w.removeBob())));

        assertEquals(w.bobsWorkspaces(), removal.workspaces());
        List<MembershipEvent> expected = List.of(new MembershipEvent.OrganizationMemberRemoved(w.f().organization("acme"),
                w.f().user("bob"), w.bobsWorkspaces(), Optional.of(BOBS_INVITATION), w.f().clock().instant()));
        assertEquals(expected, thrownAt);
        assertEquals(expected, received);
        assertFalse(memberIds(w.f(), "acme").contains("bob"), "the change stays committed");
        assertEquals("offboarding", lastAudit(w.f()).reason());
    }

    /**
     * Events come after commit: a listener that reads through the engine sees the change.
     *
     * <p>If it fails: check that afterCommit runs after commit and after the store's write lock is
     * released.
     */
    @Test
    void events_arePublishedAfterCommit_andAListenerReadingThroughTheEngineSeesTheChange() {
        Acme w = world();
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

    /**
     * Refusals and failed changes publish nothing.
     *
     * <p>If it fails: check that afterCommit actions of a rolled-back transaction never run.
     */
    @Test
    void events_areNeverPublishedForRefusedOrFailedChanges() {
        Acme w = world();
        List<MembershipEvent> received = new CopyOnWriteArrayList<>();
        Membership membership = engine(w, received::add);

        Outcome<OrganizationUserRemoval> refused = membership.execute(w.f().actor("alice"),
                new Command.RemoveOrganizationUser(w.f().organization("acme"), Email.of("zed@example.com")));
        assertEquals(Reason.NEITHER_MEMBER_NOR_INVITATION, refused.refusal().orElseThrow().reason());
        Outcome<WorkspaceMember> forbidden = membership.execute(w.f().actor("carl"),
                new Command.RemoveWorkspaceMember(w.f().workspace("design"), w.f().user("bob")));
        assertEquals(Reason.INSUFFICIENT_AUTHORITY, forbidden.refusal().orElseThrow().reason());

        int last = probeWrites();
        w.store().failNextWriteTransactionAt(last, FailingStore.When.AFTER);
        assertThrows(FailingStore.InjectedFailure.class, () -> membership.execute(w.f().actor("alice"), w.removeBob()));

        assertEquals(List.of(), received);
        assertTrue(memberIds(w.f(), "acme").contains("bob"));
    }

    /** How many writes removing bob makes, measured on a twin world. */
    private int probeWrites() {
        Acme twin = world();
        succeeded(twin.f().membership().execute(twin.f().actor("alice"), twin.removeBob()));
        return twin.store().lastWriteCalls().size();
    }

    private Membership engine(Acme w, MembershipListener... listeners) {
        MembershipEngine.Builder builder = MembershipEngine.builder(w.store()).rules(Presets.factory())
                .clock(w.f().clock());
        for (MembershipListener listener : listeners) {
            builder.listener(listener);
        }
        return builder.build();
    }

    // ---- a complete snapshot, read through the engine --------------------------------------------------

    /**
     * Everything the world holds, as list commands and the audit trails show it, with every
     * organization, workspace and invitation the world can have created as the store holds it.
     *
     * @param workspaces every member of each workspace
     * @param pendingInvitations acme's pending invitations
     * @param byId every organization, workspace and invitation whose id the world can have handed out, as stored
     * @param memberships each user's memberships
     * @param organizationTrail acme's audit trail
     * @param instanceTrail the instance's audit trail
     * @param feed every event of the change feed, and its head
     */
    protected record Snapshot(Map<String, List<WorkspaceMember>> workspaces, List<Invitation> pendingInvitations,
                              Map<String, Optional<?>> byId, Map<String, Memberships> memberships,
                              List<AuditEntry> organizationTrail, List<AuditEntry> instanceTrail,
                              List<FeedEvent> feed) {
        /**
         * @param f the world
         * @return what it holds now
         */
        public static Snapshot of(Fixture f) {
            // A list of something a change deleted is refused: the refusal is part of the snapshot.
            Map<String, Optional<?>> byId = new LinkedHashMap<>();
            Map<String, List<WorkspaceMember>> workspaces = new LinkedHashMap<>();
            for (String ws : WORKSPACES) {
                workspaces.put(ws, all(after -> new Command.ListWorkspaceMembers(f.workspace(ws), after), f,
                        m -> m.user().value(), byId, "members of " + ws));
            }
            Map<String, Memberships> memberships = new LinkedHashMap<>();
            for (String user : USERS) {
                memberships.put(user, succeeded(f.membership().execute(ROOT_KEY, new Command.ListMemberships(f.user(user)))));
            }
            List<Invitation> pending = all(after -> new Command.ListInvitations(f.organization("acme"), after), f,
                    i -> i.id().value(), byId, "pending invitations of acme");
            List<AuditEntry> trail = all(after -> Command.ListAuditTrail.of(f.organization("acme"), after), f,
                    e -> Long.toString(e.sequence()), byId, "audit trail of acme");
            // The fixture hands out ids 1, 2, 3, ...: look each one the world can have used up in the store, so
            // that an organization, workspace or invitation stored by half a change is seen even where no
            // list shows it yet.
            List<String> ids = new ArrayList<>(List.of(BOBS_INVITATION.value()));
            for (int k = 1; k <= IDS_LOOKED_UP; k++) {
                ids.add(Integer.toString(k));
            }
            for (String id : ids) {
                byId.put("organization " + id, f.store().read(tx -> tx.organization(OrganizationId.of(id))));
                byId.put("workspace " + id, f.store().read(tx -> tx.workspace(WorkspaceId.of(id))));
                byId.put("invitation " + id, f.store().read(tx -> tx.invitation(InvitationId.of(id))));
            }
            List<FeedEvent> feed = new ArrayList<>();
            for (List<FeedEvent> page; !(page = f.membership().changes().read(feed.isEmpty() ? FeedPosition.START
                    : feed.get(feed.size() - 1).position(), 7)).isEmpty(); ) {
                feed.addAll(page);
            }
            assertEquals(feed.isEmpty() ? FeedPosition.START : feed.get(feed.size() - 1).position(),
                    f.membership().changes().head(), "the feed's head is its last event");
            return new Snapshot(workspaces, pending, byId, memberships, trail,
                    all(Command.ListAuditTrail::ofInstance, f, e -> Long.toString(e.sequence())), feed);
        }

        /** Reads every page, small ones so that paging itself is exercised. */
        private static <T> List<T> all(Function<PageRequest, Command<Page<T>>> command, Fixture f, Function<T, String> id) {
            return all(command, f, id, new LinkedHashMap<>(), "");
        }

        /** Every item of a list; a refused list (its workspace or organization was deleted) is empty, its refusal noted. */
        private static <T> List<T> all(Function<PageRequest, Command<Page<T>>> command, Fixture f, Function<T, String> id,
                                       Map<String, Optional<?>> refusals, String what) {
            List<T> items = new ArrayList<>();
            PageRequest request = PageRequest.first(5);
            while (true) {
                Outcome<Page<T>> outcome = f.membership().execute(ROOT_KEY, command.apply(request));
                if (items.isEmpty() && outcome.refusal().isPresent()) {
                    refusals.put("refused " + what, outcome.refusal());
                    return items;
                }
                Page<T> page = succeeded(outcome);
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
        return outcome.orElseThrow(refusal -> new AssertionError("expected success, got " + outcome));
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
