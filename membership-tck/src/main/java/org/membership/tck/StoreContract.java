package org.membership.tck;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.membership.api.AuditDetail;
import org.membership.api.AuditEntry;
import org.membership.api.Email;
import org.membership.api.Invitation;
import org.membership.api.InvitationId;
import org.membership.api.InvitationStatus;
import org.membership.api.Operation;
import org.membership.api.Organization;
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationMember;
import org.membership.api.OrganizationRole;
import org.membership.api.User;
import org.membership.api.UserId;
import org.membership.api.UserStatus;
import org.membership.api.Workspace;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceKind;
import org.membership.api.WorkspaceMember;
import org.membership.api.WorkspaceRole;
import org.membership.core.spi.MembershipStore;
import org.membership.core.spi.Slice;
import org.membership.core.spi.StoreTransaction;

/**
 * The contract of {@link MembershipStore} and {@link StoreTransaction} at the SPI level, below the
 * engine: every rule a store must keep, one named test each. Extend it in your store's test sources:
 *
 * <pre>{@code
 * final class MyStoreContractTest extends StoreContract {
 *     @Override
 *     protected MembershipStore newStore() {
 *         return new MyStore(...);   // empty, fresh for every test
 *     }
 * }
 * }</pre>
 *
 * <p>Each test gets a new store from {@link #newStore()}; a store that is {@link AutoCloseable} is
 * closed after the test. The concurrency tests use two threads and pauses of a few tens of
 * milliseconds to let a broken store interleave; their assertions never depend on timing.
 */
public abstract class StoreContract {
    /** An instant with nanoseconds, so that stores which round instants fail. */
    protected static final Instant T0 = Instant.parse("2026-03-01T10:15:30.123456789Z");

    private MembershipStore store;

    /** @return a new, empty store; called once before each test */
    protected abstract MembershipStore newStore();

    @BeforeEach
    final void openStore() {
        store = newStore();
    }

    @AfterEach
    final void closeStore() throws Exception {
        if (store instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    /** @return the store of the running test */
    protected final MembershipStore store() {
        return store;
    }

    // ---- atomicity -------------------------------------------------------------------------

    /**
     * A write that throws after many inserts leaves none of them, and passes the work's exception
     * on.
     *
     * <p>If it fails: check write(): roll back on any exception, and rethrow it unchanged.
     */
    @Test
    void write_workThrowsMidway_nothingIsVisible() {
        RuntimeException boom = new IllegalStateException("the work failed after several writes");
        RuntimeException thrown = assertThrows(RuntimeException.class, () -> store.write(tx -> {
            tx.insertUser(user("ann"));
            organization(tx, "acme");
            tx.insertOrganizationMember(orgMember("acme", "ann", OrganizationRole.ADMIN));
            tx.insertWorkspace(workspace("acme", "research"));
            tx.insertWorkspaceMember(wsMember("research", "ann", WorkspaceRole.ADMIN));
            tx.insertInvitation(invitation("i1", "acme", "bob@example.com", InvitationStatus.PENDING, T0.plusSeconds(60)));
            tx.appendAudit(audit(Optional.of(OrganizationId.of("acme")), "ann"));
            throw boom;
        }));
        assertTrue(causedBy(thrown, boom), "the store passes on what the work threw, not " + thrown);
        store.read(tx -> {
            assertEquals(Optional.empty(), tx.user(UserId.of("ann")));
            assertEquals(Optional.empty(), tx.userByEmail(Email.of("ann@example.com")));
            assertEquals(Optional.empty(), tx.organization(OrganizationId.of("acme")));
            assertEquals(Optional.empty(), tx.workspace(WorkspaceId.of("research")));
            assertEquals(Optional.empty(), tx.invitation(InvitationId.of("i1")));
            assertEquals(List.of(), tx.organizationMembershipsOf(UserId.of("ann")));
            assertEquals(List.of(), tx.workspaceMembershipsOf(UserId.of("ann")));
            assertEquals(List.of(), tx.auditTrail(Optional.of(OrganizationId.of("acme")), first(10)));
            return null;
        });
    }

    /**
     * A failure after the organization-removal cascade's deletes and revoke restores every row.
     *
     * <p>If it fails: check that deletes and updates are rolled back too.
     */
    @Test
    void write_failsAfterDeletes_deletedRowsComeBack() {
        world();
        assertThrows(RuntimeException.class, () -> store.write(tx -> {
            tx.deleteWorkspaceMembershipsIn(OrganizationId.of("acme"), UserId.of("bob"));
            tx.deleteOrganizationMember(OrganizationId.of("acme"), UserId.of("bob"));
            tx.updateInvitationStatus(InvitationId.of("inv-carol"), InvitationStatus.REVOKED);
            throw new IllegalStateException("fails after the cascade");
        }));
        store.read(tx -> {
            assertTrue(tx.organizationMember(OrganizationId.of("acme"), UserId.of("bob")).isPresent());
            assertEquals(List.of(WorkspaceId.of("design"), WorkspaceId.of("research")),
                    tx.workspaceMembershipsIn(OrganizationId.of("acme"), UserId.of("bob")).stream()
                            .map(WorkspaceMember::workspace).toList());
            assertEquals(InvitationStatus.PENDING, tx.invitation(InvitationId.of("inv-carol")).orElseThrow().storedStatus());
            return null;
        });
    }

    /**
     * After a rolled-back write, the same write commits.
     *
     * <p>If it fails: check that a failed transaction leaves no lock, connection or state behind.
     */
    @Test
    void write_afterAFailedWrite_nextWriteCommits() {
        assertThrows(RuntimeException.class, () -> store.write(tx -> {
            tx.insertUser(user("ann"));
            throw new IllegalStateException("rolled back");
        }));
        String result = assertDoesNotThrow(() -> store.write(tx -> {
            tx.insertUser(user("ann"));
            return "committed";
        }), "the failed write left its row behind, or the store unusable");
        assertEquals("committed", result);
        assertEquals(Optional.of(user("ann")), store.read(tx -> tx.user(UserId.of("ann"))));
    }

    // ---- isolation -------------------------------------------------------------------------

    /**
     * A read during an open write never sees its rows (it may wait for it).
     *
     * <p>If it fails: check read(): committed states only.
     */
    @Test
    void read_duringUncommittedWrite_neverSeesItsRows() throws Exception {
        CountDownLatch inserted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<?> writer = threads.submit(() -> assertThrows(RuntimeException.class, () -> store.write(tx -> {
                tx.insertUser(user("ann"));
                inserted.countDown();
                await(release);
                throw new IllegalStateException("never commits");
            })));
            assertTrue(inserted.await(30, TimeUnit.SECONDS), "the writer started");
            Future<Boolean> reader = threads.submit(() -> store.read(tx -> tx.user(UserId.of("ann")).isPresent()));
            try {
                // A store may answer the read at once or only after the writer ends: both must say absent.
                assertFalse(reader.get(200, TimeUnit.MILLISECONDS), "a read saw an uncommitted row");
            } catch (TimeoutException blockedByWriter) {
                release.countDown();
                assertFalse(reader.get(30, TimeUnit.SECONDS), "a read saw a rolled-back row");
            }
            release.countDown();
            writer.get(30, TimeUnit.SECONDS);
        } finally {
            release.countDown();
            threads.shutdownNow();
        }
        assertEquals(Optional.empty(), store.read(tx -> tx.user(UserId.of("ann"))));
    }

    /**
     * A read after commit sees all of the write.
     *
     * <p>If it fails: check that write() returns only after its commit.
     */
    @Test
    void read_afterCommit_seesEveryRowOfTheWrite() {
        world();
        store.read(tx -> {
            assertEquals(3, tx.organizationMembers(OrganizationId.of("acme"), first(10)).size());
            assertEquals(2, tx.workspaceMembers(WorkspaceId.of("research"), first(10)).size());
            assertTrue(tx.pendingInvitation(OrganizationId.of("acme"), Email.of("carol@example.com")).isPresent());
            return null;
        });
    }

    /**
     * Write methods in a read transaction (expiring invitations among them) throw
     * IllegalStateException and change nothing.
     *
     * <p>If it fails: check the read transaction's StoreWrites methods.
     */
    @Test
    void read_writeMethods_throwIllegalState() {
        store.read(tx -> {
            assertThrows(IllegalStateException.class, () -> tx.insertUser(user("ann")));
            assertThrows(IllegalStateException.class, () -> tx.appendAudit(audit(Optional.empty(), "x")));
            assertThrows(IllegalStateException.class,
                    () -> tx.deleteWorkspaceMembershipsIn(OrganizationId.of("acme"), UserId.of("ann")));
            assertThrows(IllegalStateException.class, () -> tx.expireInvitations(OrganizationId.of("acme"), T0));
            return null;
        });
        assertEquals(Optional.empty(), store.read(tx -> tx.user(UserId.of("ann"))));
    }

    // ---- lookups and values ----------------------------------------------------------------

    /**
     * A user's standing in a workspace is what the four reads it stands for answer ({@code user},
     * {@code workspace}, then {@code organizationMember} and {@code workspaceMember} there), for every
     * user and workspace, known or not, asked in any order and more than once in one transaction, in
     * a read and in a write, and after the write changed the account, the workspace or the memberships.
     *
     * <p>If it fails: check standing(): the account, the workspace and the user's two memberships,
     * each empty where missing; a store that reuses, within a transaction, a workspace it read
     * earlier must forget it once the transaction writes.
     */
    @Test
    void standing_isWhatTheFourReadsAnswer_inAnyOrder_andAfterTheTransactionWrites() {
        world();
        List<UserId> users = ids(UserId::of, "ann", "bob", "erin", "dave", "nobody");
        // Each check begins and ends with the workspace changed next, so that a store reusing the
        // workspace it read last is asked for it first after the change.
        List<WorkspaceId> researchLast = ids(WorkspaceId::of, "research", "nowhere", "labs", "design", "research");
        List<WorkspaceId> designLast = ids(WorkspaceId::of, "design", "research", "labs", "nowhere", "design");
        store.read(tx -> {
            assertStandings(tx, users, researchLast, "in a read");
            List<UserId> reversed = new ArrayList<>(users);
            Collections.reverse(reversed);
            assertStandings(tx, reversed, designLast, "in a read, again, in another order");
            return null;
        });
        store.write(tx -> {
            assertStandings(tx, users, researchLast, "in a write");
            tx.updateWorkspaceName(WorkspaceId.of("research"), "Research and development");
            assertStandings(tx, users, researchLast, "after renaming research");
            tx.updateWorkspaceMember(wsMember("research", "bob", WorkspaceRole.ADMIN));
            tx.deleteWorkspaceMember(WorkspaceId.of("research"), UserId.of("ann"));
            tx.insertWorkspaceMember(wsMember("research", "erin", WorkspaceRole.USER));
            assertStandings(tx, users, researchLast, "after changing research's members");
            tx.updateOrganizationRole(OrganizationId.of("acme"), UserId.of("erin"), OrganizationRole.ADMIN);
            tx.updateUserStatus(UserId.of("bob"), UserStatus.DISABLED);
            assertStandings(tx, users, designLast, "after changing erin's role in acme and bob's account");
            tx.deleteWorkspace(WorkspaceId.of("design"));
            assertStandings(tx, users, designLast, "after deleting design");
            return null;
        });
        store.read(tx -> {
            assertStandings(tx, users, researchLast, "after the write committed");
            return null;
        });
    }

    private static <T> List<T> ids(Function<String, T> of, String... values) {
        return java.util.Arrays.stream(values).map(of).toList();
    }

    private static void assertStandings(StoreTransaction tx, List<UserId> users, List<WorkspaceId> workspaces,
                                        String when) {
        for (WorkspaceId workspace : workspaces) {
            for (UserId user : users) {
                Optional<User> account = tx.user(user);
                Optional<Workspace> found = tx.workspace(workspace);
                org.membership.core.spi.WorkspaceStanding expected = new org.membership.core.spi.WorkspaceStanding(
                        account, found,
                        found.flatMap(w -> tx.organizationMember(w.organization(), user)),
                        found.flatMap(w -> tx.workspaceMember(w.id(), user)));
                assertEquals(expected, tx.standing(user, workspace), "the standing of " + user + " in " + workspace
                        + ", " + when);
                assertEquals(expected, tx.standing(user, workspace), "the same, asked again at once, " + when);
            }
        }
    }

    /**
     * A user is found by its email however it was typed, and only by it.
     *
     * <p>If it fails: check that emails are stored and compared as Email values (normalized), never
     * re-cased.
     */
    @Test
    void userByEmail_matchesTheNormalizedValue() {
        User ann = new User(UserId.of("ann"), Email.of("  Ann.Lee@Example.COM "), UserStatus.PENDING_VALIDATION, true);
        store.write(tx -> {
            tx.insertUser(ann);
            return null;
        });
        store.read(tx -> {
            assertEquals(Optional.of(ann), tx.userByEmail(Email.of("ann.lee@example.com")));
            assertEquals(Optional.of(ann), tx.userByEmail(Email.of("ANN.LEE@EXAMPLE.COM")));
            assertEquals("ann.lee@example.com", tx.user(UserId.of("ann")).orElseThrow().email().value());
            assertEquals(Optional.empty(), tx.userByEmail(Email.of("ann.lee@example.org")));
            return null;
        });
    }

    /**
     * A pending invitation is found by its email however it was typed, in its organization only.
     *
     * <p>If it fails: check the email comparison and the organization filter of pendingInvitation.
     */
    @Test
    void pendingInvitation_matchesTheNormalizedEmail() {
        store.write(tx -> {
            organization(tx, "acme");
            tx.insertInvitation(invitation("i1", "acme", "Dan@Example.com", InvitationStatus.PENDING, T0.plusSeconds(60)));
            return null;
        });
        store.read(tx -> {
            assertEquals(Optional.of(InvitationId.of("i1")),
                    tx.pendingInvitation(OrganizationId.of("acme"), Email.of("DAN@example.COM")).map(Invitation::id));
            assertEquals(Optional.empty(), tx.pendingInvitation(OrganizationId.of("other"), Email.of("dan@example.com")));
            return null;
        });
    }

    /**
     * Every stored value reads back equal, instants to the nanosecond.
     *
     * <p>If it fails: check column types and instant conversion (epoch nanoseconds).
     */
    @Test
    void values_roundTripExactly_toTheNanosecond() {
        world();
        store.write(tx -> {
            tx.updateUserStatus(UserId.of("bob"), UserStatus.DISABLED);
            return null;
        });
        store.read(tx -> {
            assertEquals(Optional.of(new Organization(OrganizationId.of("acme"), "Org acme",
                    WorkspaceId.of("acme-default"), T0)), tx.organization(OrganizationId.of("acme")));
            assertEquals(Optional.of(workspace("acme", "research")), tx.workspace(WorkspaceId.of("research")));
            assertEquals(Optional.of(orgMember("acme", "bob", OrganizationRole.MEMBER)),
                    tx.organizationMember(OrganizationId.of("acme"), UserId.of("bob")));
            assertEquals(Optional.of(wsMember("research", "bob", WorkspaceRole.DEVELOPER)),
                    tx.workspaceMember(WorkspaceId.of("research"), UserId.of("bob")));
            assertEquals(Optional.of(invitation("inv-carol", "acme", "carol@example.com", InvitationStatus.PENDING,
                    T0.plus(Duration.ofDays(7)))), tx.invitation(InvitationId.of("inv-carol")));
            assertEquals(UserStatus.DISABLED, tx.user(UserId.of("bob")).orElseThrow().status());
            return null;
        });
    }

    /**
     * Missing rows are empty results and zero counts, never exceptions.
     *
     * <p>If it fails: check every lookup's handling of no row.
     */
    @Test
    void lookups_ofMissingRows_areEmpty() {
        world();
        store.read(tx -> {
            assertEquals(Optional.empty(), tx.user(UserId.of("nobody")));
            assertEquals(Optional.empty(), tx.organization(OrganizationId.of("nowhere")));
            assertEquals(Optional.empty(), tx.workspace(WorkspaceId.of("nowhere")));
            assertEquals(Optional.empty(), tx.organizationMember(OrganizationId.of("acme"), UserId.of("nobody")));
            assertEquals(Optional.empty(), tx.organizationMember(OrganizationId.of("globex"), UserId.of("erin")));
            assertEquals(Optional.empty(), tx.workspaceMember(WorkspaceId.of("research"), UserId.of("erin")));
            assertEquals(Optional.empty(), tx.invitation(InvitationId.of("nope")));
            assertEquals(0, tx.countOrganizationAdmins(OrganizationId.of("nowhere")));
            assertEquals(0, tx.countWorkspaceAdmins(WorkspaceId.of("nowhere")));
            assertEquals(List.of(), tx.organizationMembers(OrganizationId.of("nowhere"), first(5)));
            assertEquals(List.of(), tx.workspaceMembers(WorkspaceId.of("nowhere"), first(5)));
            assertEquals(List.of(), tx.pendingInvitations(OrganizationId.of("nowhere"), T0, first(5)));
            assertEquals(List.of(), tx.auditTrail(Optional.of(OrganizationId.of("nowhere")), first(5)));
            return null;
        });
    }

    // ---- keyset slices ---------------------------------------------------------------------

    /** Ids whose order differs between byte order and most locale collations. */
    private static final List<String> AWKWARD_IDS = List.of("b", "B", "a_1", "a-1", "a.1", "a:1", "a1", "A1", "_z",
            "-z", "0", "10", "9", "Z", "z", "a");

    /**
     * Keyset slices of members follow String.compareTo, forwards and backwards.
     *
     * <p>If it fails: check the collation of ids (byte order) and the slice's bounds.
     */
    @Test
    void organizationMembers_slices_areAscendingInStringOrder() {
        store.write(tx -> {
            organization(tx, "acme");
            for (String id : AWKWARD_IDS) {
                tx.insertUser(user(id));
                tx.insertOrganizationMember(orgMember("acme", id, OrganizationRole.MEMBER));
            }
            return null;
        });
        checkSlices((tx, slice) -> tx.organizationMembers(OrganizationId.of("acme"), slice).stream()
                .map(m -> m.user().value()).toList());
    }

    /**
     * The same for a workspace's members.
     *
     * <p>If it fails: check the collation and bounds of workspaceMembers.
     */
    @Test
    void workspaceMembers_slices_areAscendingInStringOrder() {
        store.write(tx -> {
            organization(tx, "acme");
            tx.insertWorkspace(workspace("acme", "research"));
            for (String id : AWKWARD_IDS) {
                tx.insertUser(user(id));
                tx.insertOrganizationMember(orgMember("acme", id, OrganizationRole.MEMBER));
                tx.insertWorkspaceMember(wsMember("research", id, WorkspaceRole.USER));
            }
            return null;
        });
        checkSlices((tx, slice) -> tx.workspaceMembers(WorkspaceId.of("research"), slice).stream()
                .map(m -> m.user().value()).toList());
    }

    /**
     * The same for pending invitations.
     *
     * <p>If it fails: check the collation and bounds of pendingInvitations.
     */
    @Test
    void pendingInvitations_slices_areAscendingInStringOrder() {
        store.write(tx -> {
            organization(tx, "acme");
            for (String id : AWKWARD_IDS) {
                tx.insertInvitation(invitation(id, "acme", emailOf(id),
                        InvitationStatus.PENDING, T0.plusSeconds(60)));
            }
            return null;
        });
        checkSlices((tx, slice) -> tx.pendingInvitations(OrganizationId.of("acme"), T0, slice).stream()
                .map(i -> i.id().value()).toList());
    }

    private void checkSlices(BiFunction<StoreTransaction, Slice, List<String>> list) {
        List<String> all = new ArrayList<>(AWKWARD_IDS);
        Collections.sort(all);
        store.read(tx -> {
            assertEquals(all, list.apply(tx, first(1000)), "all of them, ascending by String.compareTo");
            assertEquals(all.subList(0, 3), list.apply(tx, first(3)), "the first three");
            assertEquals(all.subList(5, 9), list.apply(tx, after(all.get(4), 4)), "four after the fifth");
            assertEquals(all.subList(1, 4), list.apply(tx, before(all.get(4), 3)), "the three just before the fifth");
            assertEquals(all.subList(0, 4), list.apply(tx, before(all.get(4), 10)), "before, fewer than the limit");
            assertEquals(List.of(), list.apply(tx, after(all.get(all.size() - 1), 10)), "nothing after the last");
            assertEquals(List.of(), list.apply(tx, before(all.get(0), 10)), "nothing before the first");
            assertEquals(all.subList(0, 2), list.apply(tx, after("+", 2)), "a bound that is no key");
            List<String> walked = new ArrayList<>();
            Optional<String> cursor = Optional.empty();
            while (true) {
                List<String> page = list.apply(tx, new Slice(cursor, Optional.empty(), 3));
                if (page.isEmpty()) {
                    break;
                }
                walked.addAll(page);
                cursor = Optional.of(page.get(page.size() - 1));
            }
            assertEquals(all, walked, "walking forward page by page");
            List<String> back = new ArrayList<>();
            Optional<String> end = Optional.empty();
            while (true) {
                List<String> page = end.isEmpty() ? lastPage(list, tx, all) : list.apply(tx,
                        new Slice(Optional.empty(), end, 3));
                if (page.isEmpty()) {
                    break;
                }
                back.addAll(0, page);
                end = Optional.of(page.get(0));
            }
            assertEquals(all, back, "walking backward page by page");
            return null;
        });
    }

    private static List<String> lastPage(BiFunction<StoreTransaction, Slice, List<String>> list, StoreTransaction tx,
                                         List<String> all) {
        return list.apply(tx, after(all.get(all.size() - 4), 3));
    }

    /**
     * Listing skips expired and ended invitations, and the limit counts live ones only.
     *
     * <p>If it fails: check the filter on status and expiry before the limit.
     */
    @Test
    void pendingInvitations_skipExpiredAndNonPending() {
        Instant now = T0.plus(Duration.ofDays(1));
        store.write(tx -> {
            organization(tx, "acme");
            organization(tx, "globex");
            tx.insertInvitation(invitation("i1", "acme", "a@example.com", InvitationStatus.PENDING, now.plusSeconds(1)));
            tx.insertInvitation(invitation("i2", "acme", "b@example.com", InvitationStatus.PENDING, now));
            tx.insertInvitation(invitation("i3", "acme", "c@example.com", InvitationStatus.PENDING, now.minusNanos(1)));
            tx.insertInvitation(invitation("i4", "acme", "d@example.com", InvitationStatus.REVOKED, now.plusSeconds(9)));
            tx.insertInvitation(invitation("i5", "acme", "e@example.com", InvitationStatus.PENDING, now.plusNanos(1)));
            tx.insertInvitation(invitation("i6", "acme", "f@example.com", InvitationStatus.ACCEPTED, now.plusSeconds(9)));
            tx.insertInvitation(invitation("i7", "acme", "g@example.com", InvitationStatus.PENDING, now.plusSeconds(9)));
            tx.insertInvitation(invitation("i8", "globex", "h@example.com", InvitationStatus.PENDING, now.plusSeconds(9)));
            return null;
        });
        Function<Slice, List<String>> ids = slice -> store.read(tx ->
                tx.pendingInvitations(OrganizationId.of("acme"), now, slice).stream().map(i -> i.id().value()).toList());
        assertEquals(List.of("i1", "i5", "i7"), ids.apply(first(10)));
        assertEquals(List.of("i1", "i5"), ids.apply(first(2)), "the limit counts live invitations only");
        assertEquals(List.of("i5", "i7"), ids.apply(after("i1", 2)));
        assertEquals(List.of("i1", "i5"), ids.apply(before("i7", 5)));
        assertEquals(List.of("i5"), ids.apply(before("i7", 1)));
        assertEquals(Optional.of(InvitationId.of("i3")), store.read(tx -> tx.pendingInvitation(
                OrganizationId.of("acme"), Email.of("c@example.com")).map(Invitation::id)),
                "the single lookup returns a stored-pending invitation even past its expiry");
        assertEquals(Optional.empty(), store.read(tx -> tx.pendingInvitation(
                OrganizationId.of("acme"), Email.of("d@example.com"))));
    }

    /**
     * Ending an invitation lets a new one for that email be pending.
     *
     * <p>If it fails: check the uniqueness of pending invitations per organization and email.
     */
    @Test
    void updateInvitationStatus_endsPending_andFreesTheEmail() {
        world();
        store.write(tx -> {
            tx.updateInvitationStatus(InvitationId.of("inv-carol"), InvitationStatus.REVOKED);
            tx.insertInvitation(invitation("inv-carol-2", "acme", "carol@example.com", InvitationStatus.PENDING,
                    T0.plusSeconds(60)));
            return null;
        });
        store.read(tx -> {
            assertEquals(InvitationStatus.REVOKED, tx.invitation(InvitationId.of("inv-carol")).orElseThrow().storedStatus());
            assertEquals(Optional.of(InvitationId.of("inv-carol-2")), tx.pendingInvitation(OrganizationId.of("acme"),
                    Email.of("carol@example.com")).map(Invitation::id));
            assertEquals(List.of("inv-carol-2"), tx.pendingInvitations(OrganizationId.of("acme"), T0, first(10))
                    .stream().map(i -> i.id().value()).toList());
            return null;
        });
    }

    // ---- recording expiry ------------------------------------------------------------------

    /** An instant a day after {@link #T0}, at which the rules below expire invitations. */
    private static final Instant SWEEP = T0.plus(Duration.ofDays(1));

    /**
     * Stores in acme: {@code lapsed-*} pending invitations at or before {@link #SWEEP} (one exactly
     * at it, one a nanosecond before, one long before), {@code live-*} pending ones after it (one a
     * nanosecond after), and ended ones whose expiry has passed; in globex, a lapsed pending one.
     */
    private void invitationsAroundTheSweep() {
        store.write(tx -> {
            organization(tx, "acme");
            organization(tx, "globex");
            tx.insertInvitation(invitation("lapsed-at", "acme", "a@example.com", InvitationStatus.PENDING, SWEEP));
            tx.insertInvitation(invitation("lapsed-just", "acme", "b@example.com", InvitationStatus.PENDING,
                    SWEEP.minusNanos(1)));
            tx.insertInvitation(invitation("lapsed-long", "acme", "c@example.com", InvitationStatus.PENDING,
                    T0.plusSeconds(1)));
            tx.insertInvitation(invitation("live-just", "acme", "d@example.com", InvitationStatus.PENDING,
                    SWEEP.plusNanos(1)));
            tx.insertInvitation(invitation("live-long", "acme", "e@example.com", InvitationStatus.PENDING,
                    SWEEP.plus(Duration.ofDays(6))));
            tx.insertInvitation(invitation("revoked", "acme", "f@example.com", InvitationStatus.REVOKED, T0.plusSeconds(1)));
            tx.insertInvitation(invitation("accepted", "acme", "g@example.com", InvitationStatus.ACCEPTED, T0.plusSeconds(1)));
            tx.insertInvitation(invitation("expired", "acme", "h@example.com", InvitationStatus.EXPIRED, T0.plusSeconds(1)));
            tx.insertInvitation(invitation("elsewhere", "globex", "a@example.com", InvitationStatus.PENDING,
                    T0.plusSeconds(1)));
            return null;
        });
    }

    private Map<String, Invitation> invitationsById(List<String> ids) {
        return store.read(tx -> {
            Map<String, Invitation> out = new TreeMap<>();
            for (String id : ids) {
                out.put(id, tx.invitation(InvitationId.of(id)).orElseThrow(() -> new AssertionError("no invitation " + id)));
            }
            return out;
        });
    }

    /** @return what {@link StoreTransaction#expireInvitations} returned, in a committed transaction of its own */
    private int expire(String organization, Instant now) {
        return store.write(tx -> tx.expireInvitations(OrganizationId.of(organization), now));
    }

    private static final List<String> AROUND_THE_SWEEP = List.of("lapsed-at", "lapsed-just", "lapsed-long",
            "live-just", "live-long", "revoked", "accepted", "expired", "elsewhere");

    /**
     * Expiring an organization's invitations at now stores as expired exactly its pending ones with
     * expiresAt <= now, changes nothing else in them, and returns how many.
     *
     * <p>If it fails: check the comparison (<= now, to the nanosecond) and the returned count.
     */
    @Test
    void expireInvitations_endsExactlyThePendingOnesAtOrPastTheirExpiry() {
        invitationsAroundTheSweep();
        Map<String, Invitation> before = invitationsById(AROUND_THE_SWEEP);

        int expired = expire("acme", SWEEP);

        assertEquals(3, expired, "lapsed-at, lapsed-just and lapsed-long");
        Map<String, Invitation> after = invitationsById(AROUND_THE_SWEEP);
        for (String id : AROUND_THE_SWEEP) {
            Invitation expected = id.startsWith("lapsed-") ? before.get(id).withStoredStatus(InvitationStatus.EXPIRED)
                    : before.get(id);
            assertEquals(expected, after.get(id), id + ": only the status of a lapsed one changes, nothing else");
            if (!id.equals("elsewhere")) {
                assertEquals(before.get(id).statusAt(SWEEP), after.get(id).storedStatus(),
                        id + ": in acme the stored status is now what statusAt already said");
            }
        }
    }

    /**
     * Unexpired, accepted, revoked and already-expired invitations, and another organization's
     * lapsed one, stay as they were; a second sweep finds nothing.
     *
     * <p>If it fails: check the sweep's filter on organization and status.
     */
    @Test
    void expireInvitations_neverTouchesAnotherOrganization_unexpiredOrEndedInvitations() {
        invitationsAroundTheSweep();
        Map<String, Invitation> before = invitationsById(AROUND_THE_SWEEP);

        assertEquals(0, expire("acme", T0),
                "at T0 nothing in acme has lapsed");
        assertEquals(0, expire("no-such-org", SWEEP));
        assertEquals(before, invitationsById(AROUND_THE_SWEEP), "nothing changed");

        assertEquals(1, expire("globex", SWEEP));
        Map<String, Invitation> after = invitationsById(AROUND_THE_SWEEP);
        assertEquals(InvitationStatus.EXPIRED, after.get("elsewhere").storedStatus());
        for (String id : AROUND_THE_SWEEP) {
            if (!id.equals("elsewhere")) {
                assertEquals(before.get(id), after.get(id), id + " belongs to acme, which was not swept");
            }
        }
        assertEquals(0, expire("globex", SWEEP),
                "a second sweep at the same instant finds nothing left");
    }

    /**
     * After the sweep a lapsed invitation's email takes a new pending invitation, and listing no
     * longer holds the lapsed rows.
     *
     * <p>If it fails: check that the sweep changes the stored status, not only what listing shows.
     */
    @Test
    void expireInvitations_freesTheEmailAndLeavesNothingForListingToSkip() {
        invitationsAroundTheSweep();
        OrganizationId acme = OrganizationId.of("acme");
        expire("acme", SWEEP);
        store.write(tx -> {
            tx.insertInvitation(invitation("again", "acme", "a@example.com", InvitationStatus.PENDING,
                    SWEEP.plus(Duration.ofDays(7))));
            return null;
        });
        store.read(tx -> {
            assertEquals(Optional.of(InvitationId.of("again")), tx.pendingInvitation(acme, Email.of("a@example.com"))
                    .map(Invitation::id), "the lapsed invitation's email is free for a new pending one");
            assertEquals(Optional.empty(), tx.pendingInvitation(acme, Email.of("c@example.com")));
            assertEquals(List.of("again", "live-just", "live-long"), tx.pendingInvitations(acme, T0, first(10)).stream()
                    .map(i -> i.id().value()).toList(), "listed even at an earlier instant: only stored-pending rows");
            return null;
        });
    }

    /**
     * A transaction that fails after sweeping leaves every lapsed invitation pending.
     *
     * <p>If it fails: check that expireInvitations writes inside the transaction.
     */
    @Test
    void expireInvitations_isRolledBackWithItsTransaction() {
        invitationsAroundTheSweep();
        Map<String, Invitation> before = invitationsById(AROUND_THE_SWEEP);
        assertThrows(RuntimeException.class, () -> store.write(tx -> {
            tx.expireInvitations(OrganizationId.of("acme"), SWEEP);
            tx.insertInvitation(invitation("again", "acme", "b@example.com", InvitationStatus.PENDING,
                    SWEEP.plus(Duration.ofDays(7))));
            throw new IllegalStateException("fails after the sweep");
        }));
        assertEquals(before, invitationsById(AROUND_THE_SWEEP), "every lapsed invitation is pending again");
        store.read(tx -> {
            assertEquals(Optional.of(InvitationId.of("lapsed-just")), tx.pendingInvitation(OrganizationId.of("acme"),
                    Email.of("b@example.com")).map(Invitation::id));
            assertEquals(Optional.empty(), tx.invitation(InvitationId.of("again")));
            return null;
        });
        expire("acme", SWEEP);
        assertEquals(InvitationStatus.EXPIRED, invitationsById(List.of("lapsed-just")).get("lapsed-just").storedStatus(),
                "the rolled-back sweep left the store able to sweep again");
    }

    /**
     * Among 300 pending invitations whose ids are not in expiry order, exactly the 100 lapsed ones
     * end.
     *
     * <p>If it fails: check that the sweep reaches lapsed rows by expiry, not by id order or a limit.
     */
    @Test
    void expireInvitations_manyPendingInvitations_expiresEveryLapsedOneAndNoOther() {
        OrganizationId acme = OrganizationId.of("acme");
        int count = 300;
        store.write(tx -> {
            organization(tx, "acme");
            for (int i = 0; i < count; i++) {
                // expiries one minute apart, ids not in expiry order
                tx.insertInvitation(invitation("inv-" + ((i * 7) % count), "acme", "user" + i + "@example.com",
                        InvitationStatus.PENDING, T0.plus(Duration.ofMinutes(1 + i))));
            }
            return null;
        });
        Instant now = T0.plus(Duration.ofMinutes(100));
        assertEquals(100, expire("acme", now), "expiries 1 to 100 minutes after T0");
        store.read(tx -> {
            List<Invitation> listed = tx.pendingInvitations(acme, T0, first(1000));
            assertEquals(count - 100, listed.size());
            assertTrue(listed.stream().allMatch(i -> i.expiresAt().isAfter(now)), "only unexpired ones stay pending");
            return null;
        });
    }

    // ---- admin counts ----------------------------------------------------------------------

    /**
     * Pending admin invitations never count as admins.
     *
     * <p>If it fails: check that the count reads organization members only.
     */
    @Test
    void countOrganizationAdmins_countsAdminMembersOnly() {
        world();
        OrganizationId acme = OrganizationId.of("acme");
        assertEquals(1, organizationAdmins(acme));
        store.write(tx -> {
            tx.insertInvitation(invitation("inv-x", "acme", "x@example.com", InvitationStatus.PENDING, T0.plusSeconds(60)));
            tx.insertUser(user("fay"));
            tx.insertOrganizationMember(orgMember("acme", "fay", OrganizationRole.ADMIN));
            return null;
        });
        assertEquals(2, organizationAdmins(acme), "pending admin invitations never count");
        assertEquals(1, organizationAdmins(OrganizationId.of("globex")));
        store.write(tx -> {
            tx.deleteWorkspaceMembershipsIn(acme, UserId.of("ann"));
            tx.deleteOrganizationMember(acme, UserId.of("ann"));
            return null;
        });
        assertEquals(1, organizationAdmins(acme));
    }

    /**
     * The workspace admin count follows promotions, demotions and removals.
     *
     * <p>If it fails: check updateWorkspaceMember and the count's role filter.
     */
    @Test
    void countWorkspaceAdmins_followsRoleChanges() {
        world();
        WorkspaceId research = WorkspaceId.of("research");
        assertEquals(1, workspaceAdmins(research));
        store.write(tx -> {
            tx.updateWorkspaceMember(wsMember("research", "bob", WorkspaceRole.ADMIN));
            return null;
        });
        assertEquals(2, workspaceAdmins(research));
        assertEquals(Optional.of(WorkspaceRole.ADMIN), store.read(tx -> tx.workspaceMember(research, UserId.of("bob"))
                .map(WorkspaceMember::role)));
        store.write(tx -> {
            tx.updateWorkspaceMember(wsMember("research", "ann", WorkspaceRole.BILLING));
            tx.deleteWorkspaceMember(research, UserId.of("bob"));
            return null;
        });
        assertEquals(0, workspaceAdmins(research));
        assertEquals(1, workspaceAdmins(WorkspaceId.of("design")));
    }

    /**
     * Disabled and unvalidated admins do not count; the count follows status changes both ways.
     *
     * <p>If it fails: check that the count joins the users' status.
     */
    @Test
    void countOrganizationAdmins_countsOnlyAdminsWithAValidatedAccount() {
        world();
        OrganizationId acme = OrganizationId.of("acme");
        store.write(tx -> {
            tx.insertUser(user("fay"));
            tx.insertUser(user("gus"));
            tx.insertOrganizationMember(orgMember("acme", "fay", OrganizationRole.ADMIN));
            tx.insertOrganizationMember(orgMember("acme", "gus", OrganizationRole.ADMIN));
            return null;
        });
        assertEquals(3, organizationAdmins(acme));
        store.write(tx -> {
            tx.updateUserStatus(UserId.of("fay"), UserStatus.DISABLED);
            tx.updateUserStatus(UserId.of("gus"), UserStatus.PENDING_VALIDATION);
            return null;
        });
        assertEquals(1, organizationAdmins(acme), "disabled and unvalidated admins cannot act, so they do not count");
        assertEquals(1, organizationAdmins(OrganizationId.of("globex")), "another organization's count is its own");
        store.write(tx -> {
            tx.updateUserStatus(UserId.of("ann"), UserStatus.DISABLED);
            return null;
        });
        assertEquals(0, organizationAdmins(acme));
        store.write(tx -> {
            tx.updateUserStatus(UserId.of("fay"), UserStatus.VALIDATED);
            return null;
        });
        assertEquals(1, organizationAdmins(acme), "the count follows the account back to validated");
        assertEquals(1, (int) store.read(tx -> tx.countOrganizationAdmins(acme)), "a read transaction counts the same");
    }

    /**
     * The same for a custom workspace's explicit admins.
     *
     * <p>If it fails: check that the workspace count joins the users' status.
     */
    @Test
    void countWorkspaceAdmins_countsOnlyAdminsWithAValidatedAccount() {
        world();
        WorkspaceId research = WorkspaceId.of("research");
        store.write(tx -> {
            tx.updateWorkspaceMember(wsMember("research", "bob", WorkspaceRole.ADMIN));
            tx.insertWorkspaceMember(wsMember("research", "erin", WorkspaceRole.ADMIN));
            return null;
        });
        assertEquals(3, workspaceAdmins(research));
        store.write(tx -> {
            tx.updateUserStatus(UserId.of("bob"), UserStatus.DISABLED);
            tx.updateUserStatus(UserId.of("erin"), UserStatus.PENDING_VALIDATION);
            return null;
        });
        assertEquals(1, workspaceAdmins(research), "only ann's account is validated");
        assertEquals(0, workspaceAdmins(WorkspaceId.of("design")), "bob, its only admin, is disabled");
        store.write(tx -> {
            tx.updateWorkspaceMember(wsMember("research", "erin", WorkspaceRole.USER));
            tx.updateUserStatus(UserId.of("erin"), UserStatus.VALIDATED);
            tx.updateUserStatus(UserId.of("bob"), UserStatus.VALIDATED);
            return null;
        });
        assertEquals(2, workspaceAdmins(research), "erin is validated again but no longer an admin");
        assertEquals(1, workspaceAdmins(WorkspaceId.of("design")));
    }

    // ---- memberships of one user -----------------------------------------------------------

    /**
     * The cascade removes the user's workspaces in that organization only, returned by id.
     *
     * <p>If it fails: check the organization filter and the order of the returned ids.
     */
    @Test
    void deleteWorkspaceMembershipsIn_touchesOnlyThatOrganization() {
        world();
        List<WorkspaceId> removed = store.write(tx ->
                tx.deleteWorkspaceMembershipsIn(OrganizationId.of("acme"), UserId.of("bob")));
        assertEquals(List.of(WorkspaceId.of("design"), WorkspaceId.of("research")), removed, "ascending by id");
        store.read(tx -> {
            assertEquals(List.of(), tx.workspaceMembershipsIn(OrganizationId.of("acme"), UserId.of("bob")));
            assertEquals(List.of(WorkspaceId.of("labs")), tx.workspaceMembershipsOf(UserId.of("bob")).stream()
                    .map(WorkspaceMember::workspace).toList(), "bob's workspace in globex stays");
            assertTrue(tx.organizationMember(OrganizationId.of("acme"), UserId.of("bob")).isPresent(),
                    "the organization membership is a separate delete");
            assertEquals(List.of("ann"), tx.workspaceMembers(WorkspaceId.of("research"), first(10)).stream()
                    .map(m -> m.user().value()).toList(), "other members stay");
            return null;
        });
        assertEquals(List.of(), store.write(tx ->
                tx.deleteWorkspaceMembershipsIn(OrganizationId.of("acme"), UserId.of("bob"))), "nothing left to delete");
    }

    /**
     * A user's memberships come back complete and ordered.
     *
     * <p>If it fails: check the order of organizationMembershipsOf and workspaceMembershipsOf.
     */
    @Test
    void membershipsOfAUser_areListedById() {
        world();
        store.read(tx -> {
            assertEquals(List.of(orgMember("acme", "bob", OrganizationRole.MEMBER),
                    orgMember("globex", "bob", OrganizationRole.ADMIN)), tx.organizationMembershipsOf(UserId.of("bob")));
            assertEquals(List.of("design", "labs", "research"), tx.workspaceMembershipsOf(UserId.of("bob")).stream()
                    .map(m -> m.workspace().value()).toList());
            assertEquals(List.of(wsMember("design", "bob", WorkspaceRole.ADMIN),
                    wsMember("research", "bob", WorkspaceRole.DEVELOPER)),
                    tx.workspaceMembershipsIn(OrganizationId.of("acme"), UserId.of("bob")));
            return null;
        });
    }

    // ---- audit trail -----------------------------------------------------------------------

    /**
     * Audit sequence numbers increase; organization and instance trails stay apart.
     *
     * <p>If it fails: check the sequence the store assigns and the trail's organization key.
     */
    @Test
    void appendAudit_sequencesIncrease_andTrailsAreSeparate() {
        store.write(tx -> {
            organization(tx, "acme");
            organization(tx, "globex");
            return null;
        });
        Optional<OrganizationId> acme = Optional.of(OrganizationId.of("acme"));
        Optional<OrganizationId> globex = Optional.of(OrganizationId.of("globex"));
        List<AuditEntry> acmeEntries = new ArrayList<>();
        List<AuditEntry> instanceEntries = new ArrayList<>();
        long last = 0;
        for (int i = 0; i < 12; i++) {
            Optional<OrganizationId> scope = i % 3 == 0 ? acme : i % 3 == 1 ? globex : Optional.empty();
            AuditEntry entry = audit(scope, "target-" + i);
            AuditEntry stored = store.write(tx -> tx.appendAudit(entry));
            assertTrue(stored.sequence() > last, "sequence " + stored.sequence() + " after " + last);
            last = stored.sequence();
            assertEquals(entry.withSequence(stored.sequence()), stored);
            if (i % 3 == 0) {
                acmeEntries.add(stored);
            } else if (i % 3 == 2) {
                instanceEntries.add(stored);
            }
        }
        store.read(tx -> {
            assertEquals(acmeEntries, tx.auditTrail(acme, first(100)));
            assertEquals(instanceEntries, tx.auditTrail(Optional.empty(), first(100)));
            assertEquals(acmeEntries.subList(1, 3), tx.auditTrail(acme,
                    after(Long.toString(acmeEntries.get(0).sequence()), 2)));
            assertEquals(acmeEntries.subList(1, 3), tx.auditTrail(acme,
                    before(Long.toString(acmeEntries.get(3).sequence()), 2)));
            return null;
        });
    }

    /**
     * Audit keys page as numbers, not as text.
     *
     * <p>If it fails: check that the slice compares sequences numerically.
     */
    @Test
    void auditTrail_keysCompareAsNumbers() {
        store.write(tx -> {
            organization(tx, "acme");
            for (int i = 0; i < 12; i++) {
                tx.appendAudit(audit(Optional.of(OrganizationId.of("acme")), "t" + i));
            }
            return null;
        });
        store.read(tx -> {
            List<AuditEntry> all = tx.auditTrail(Optional.of(OrganizationId.of("acme")), first(100));
            assertEquals(12, all.size());
            for (int i = 1; i < all.size(); i++) {
                assertTrue(all.get(i).sequence() > all.get(i - 1).sequence(), "ascending");
            }
            AuditEntry ninth = all.get(8);
            long tenthKey = all.get(9).sequence();
            assertEquals(all.subList(9, 12), tx.auditTrail(Optional.of(OrganizationId.of("acme")),
                    after(Long.toString(ninth.sequence()), 10)), "numeric order, not text order");
            assertEquals(all.subList(0, 9), tx.auditTrail(Optional.of(OrganizationId.of("acme")),
                    before(Long.toString(tenthKey), 100)));
            return null;
        });
    }

    /**
     * Untyped audit text (cascade lines, empty lines, backslashes, non-ASCII) round-trips exactly.
     *
     * <p>If it fails: check how the store encodes the cascade and the detail.
     */
    @Test
    void appendAudit_keepsCascadeAndTextExactly() {
        List<String> cascade = List.of("removed from workspace:research", "", "line with \\ backslash",
                "revoked invitation:i-1", "\u00e9t\u00e9 \u2713");
        AuditEntry entry = new AuditEntry(0, T0, "user:ann", Operation.REMOVE_ORGANIZATION_USER,
                Optional.of(OrganizationId.of("acme")), new AuditDetail.Untyped("email:bob@example.com user:bob", cascade),
                "left the company");
        AuditEntry empty = new AuditEntry(0, T0.plusNanos(1), "instance-key:root", Operation.REGISTER_USER,
                Optional.empty(), new AuditDetail.Untyped("user:bob", List.of()), "");
        AuditEntry blankLine = new AuditEntry(0, T0, "user:ann", Operation.CREATE_WORKSPACE,
                Optional.of(OrganizationId.of("acme")), new AuditDetail.Untyped("workspace:w", List.of("")), "");
        store.write(tx -> {
            organization(tx, "acme");
            tx.appendAudit(entry);
            tx.appendAudit(empty);
            tx.appendAudit(blankLine);
            return null;
        });
        store.read(tx -> {
            List<AuditEntry> trail = tx.auditTrail(Optional.of(OrganizationId.of("acme")), first(10));
            assertEquals(List.of(cascade, List.of("")), trail.stream().map(AuditEntry::cascade).toList());
            assertEquals(entry.withSequence(trail.get(0).sequence()), trail.get(0));
            AuditEntry instance = tx.auditTrail(Optional.empty(), first(10)).get(0);
            assertEquals(empty.withSequence(instance.sequence()), instance);
            return null;
        });
    }

    /** One detail of every kind, with the text each renders to. */
    private static final Map<AuditDetail, List<String>> EVERY_DETAIL = everyDetail();

    private static Map<AuditDetail, List<String>> everyDetail() {
        Map<AuditDetail, List<String>> details = new LinkedHashMap<>();
        details.put(new AuditDetail.UserRegistered(UserId.of("bob"), UserStatus.PENDING_VALIDATION, true),
                List.of("user:bob", "status pending_validation, instance admin"));
        details.put(new AuditDetail.UserStatusChanged(UserId.of("bob"), UserStatus.VALIDATED, UserStatus.DISABLED),
                List.of("user:bob", "status validated -> disabled"));
        details.put(new AuditDetail.OrganizationCreated(OrganizationId.of("acme"), WorkspaceId.of("acme-default"),
                UserId.of("ann")), List.of("organization:acme", "created default workspace:acme-default", "added admin user:ann"));
        details.put(new AuditDetail.WorkspaceCreated(WorkspaceId.of("research")), List.of("workspace:research"));
        details.put(new AuditDetail.AddedToWorkspace(WorkspaceId.of("research"), UserId.of("bob"), WorkspaceRole.DEVELOPER),
                List.of("user:bob in workspace:research", "role developer"));
        details.put(new AuditDetail.RoleChanged(WorkspaceId.of("research"), UserId.of("bob"), WorkspaceRole.ADMIN,
                WorkspaceRole.RESTRICTED_DEVELOPER), List.of("user:bob in workspace:research", "role admin -> restricted_developer"));
        details.put(new AuditDetail.RemovedFromWorkspace(WorkspaceId.of("research"), UserId.of("bob")),
                List.of("user:bob in workspace:research"));
        details.put(new AuditDetail.InvitationSent(InvitationId.of("i-1"), Email.of("Dora@Example.com"), OrganizationRole.ADMIN),
                List.of("email:dora@example.com", "invitation:i-1 as admin"));
        details.put(new AuditDetail.InvitationAccepted(InvitationId.of("i-1"), UserId.of("dora"), OrganizationRole.MEMBER),
                List.of("user:dora", "accepted invitation:i-1 as member"));
        details.put(new AuditDetail.InvitationRevoked(InvitationId.of("i-2"), Email.of("eve@example.com")),
                List.of("email:eve@example.com", "revoked invitation:i-2"));
        details.put(new AuditDetail.RemovedFromOrganization(Email.of("bob@example.com"), UserId.of("bob"),
                List.of(WorkspaceId.of("design"), WorkspaceId.of("research")), Optional.of(InvitationId.of("i-3"))),
                List.of("email:bob@example.com user:bob", "removed from workspace:design", "removed from workspace:research",
                        "revoked invitation:i-3"));
        details.put(new AuditDetail.RemovedFromOrganization(Email.of("cy@example.com"), UserId.of("cy"), List.of(),
                Optional.empty()), List.of("email:cy@example.com user:cy"));
        details.put(new AuditDetail.AddedToOrganization(UserId.of("dora"), OrganizationRole.ADMIN, Optional.of(InvitationId.of("i-4"))),
                List.of("user:dora", "role admin", "revoked invitation:i-4"));
        details.put(new AuditDetail.AddedToOrganization(UserId.of("fred"), OrganizationRole.MEMBER, Optional.empty()),
                List.of("user:fred", "role member"));
        details.put(new AuditDetail.OrganizationRoleChanged(UserId.of("bob"), OrganizationRole.ADMIN, OrganizationRole.MEMBER),
                List.of("user:bob", "organization role admin -> member"));
        details.put(new AuditDetail.UserEmailChanged(UserId.of("bob"), Email.of("Bob@Example.com"), Email.of("robert@example.com")),
                List.of("user:bob", "email bob@example.com -> robert@example.com"));
        details.put(new AuditDetail.WorkspaceRenamed(WorkspaceId.of("research"), "Research", "R\u00e9search \u2713"),
                List.of("workspace:research", "renamed from Research to R\u00e9search \u2713"));
        details.put(new AuditDetail.WorkspaceDeleted(WorkspaceId.of("design"), List.of(UserId.of("ann"), UserId.of("bob"))),
                List.of("workspace:design", "removed user:ann", "removed user:bob"));
        details.put(new AuditDetail.WorkspaceDeleted(WorkspaceId.of("empty"), List.of()), List.of("workspace:empty"));
        details.put(new AuditDetail.OrganizationDeleted(OrganizationId.of("globex"), "Globex", 3, 120, 40, 7),
                List.of("organization:globex", "named Globex", "deleted 3 workspaces", "removed 120 members",
                        "removed 40 workspace memberships", "deleted 7 invitations"));
        details.put(new AuditDetail.Untyped("anything at all", List.of("as \\ it was", "", "written \u2713")),
                List.of("anything at all", "as \\ it was", "", "written \u2713"));
        return details;
    }

    /**
     * One audit detail of every kind reads back equal, with the text it renders.
     *
     * <p>If it fails: check how the store keeps the typed detail (JDBI: the detail column, schema
     * version 4).
     */
    @Test
    void appendAudit_keepsEveryKindOfDetailExactly_andItsText() {
        assertEquals(Set.of(AuditDetail.class.getPermittedSubclasses()),
                EVERY_DETAIL.keySet().stream().map(Object::getClass).collect(Collectors.toSet()), "a detail of every kind");
        List<AuditEntry> written = new ArrayList<>();
        store.write(tx -> {
            organization(tx, "acme");
            Instant at = T0;
            for (AuditDetail detail : EVERY_DETAIL.keySet()) {
                at = at.plusNanos(1);
                written.add(tx.appendAudit(new AuditEntry(0, at, "user:ann", Operation.REMOVE_ORGANIZATION_USER,
                        Optional.of(OrganizationId.of("acme")), detail, "why")));
            }
            return null;
        });
        store.read(tx -> {
            List<AuditEntry> trail = tx.auditTrail(Optional.of(OrganizationId.of("acme")), first(100));
            assertEquals(written, trail);
            for (AuditEntry entry : trail) {
                List<String> text = EVERY_DETAIL.get(entry.detail());
                assertEquals(text.get(0), entry.target(), () -> "the target of " + entry.detail());
                assertEquals(text.subList(1, text.size()), entry.cascade(), () -> "the cascade of " + entry.detail());
            }
            return null;
        });
    }

    // ---- locking ---------------------------------------------------------------------------

    /**
     * Two writers that lock one organization never interleave: the second counts the first's admin.
     *
     * <p>If it fails: check lockOrganization and read-after-lock visibility (the locking protocol).
     */
    @Test
    void lockOrganization_serializesTwoWriters_theSecondSeesTheFirst() throws Exception {
        store.write(tx -> {
            organization(tx, "acme");
            for (String id : List.of("ann", "w1", "w2")) {
                tx.insertUser(user(id));
            }
            tx.insertOrganizationMember(orgMember("acme", "ann", OrganizationRole.ADMIN));
            return null;
        });
        CyclicBarrier start = new CyclicBarrier(2);
        Function<String, Integer> addAdmin = id -> store.write(tx -> {
            tx.lockOrganization(OrganizationId.of("acme"));
            int seen = tx.countOrganizationAdmins(OrganizationId.of("acme"));
            pause(50);
            tx.insertOrganizationMember(orgMember("acme", id, OrganizationRole.ADMIN));
            return seen;
        });
        List<Integer> seen = concurrently(start, () -> addAdmin.apply("w1"), () -> addAdmin.apply("w2"));
        Collections.sort(seen);
        assertEquals(List.of(1, 2), seen, "the second writer counted the first one's admin");
        assertEquals(3, organizationAdmins(OrganizationId.of("acme")));
    }

    /**
     * Count-then-delete under the lock leaves exactly one of two admins, five times.
     *
     * <p>If it fails: check lockOrganization, as above.
     */
    @Test
    void lockOrganization_twoAdminsRemovingEachOther_leavesOne() throws Exception {
        for (int trial = 0; trial < 5; trial++) {
            String org = "org" + trial;
            store.write(tx -> {
                organization(tx, org);
                for (String id : List.of("x", "y")) {
                    if (tx.user(UserId.of(id)).isEmpty()) {
                        tx.insertUser(user(id));
                    }
                    tx.insertOrganizationMember(orgMember(org, id, OrganizationRole.ADMIN));
                }
                return null;
            });
            CyclicBarrier start = new CyclicBarrier(2);
            Function<String, Boolean> removeIfAnotherAdminRemains = id -> store.write(tx -> {
                tx.lockOrganization(OrganizationId.of(org));
                int admins = tx.countOrganizationAdmins(OrganizationId.of(org));
                pause(20);
                if (admins < 2) {
                    return false;
                }
                tx.deleteOrganizationMember(OrganizationId.of(org), UserId.of(id));
                return true;
            });
            List<Boolean> removed = concurrently(start, () -> removeIfAnotherAdminRemains.apply("x"),
                    () -> removeIfAnotherAdminRemains.apply("y"));
            assertEquals(1, removed.stream().filter(b -> b).count(), "exactly one removal in trial " + trial);
            assertEquals(1, organizationAdmins(OrganizationId.of(org)),
                    "one admin left in trial " + trial);
        }
    }

    /**
     * Locking a user (or an unknown id) changes nothing stored, and does not throw in a read
     * transaction, where a dry run of a status change calls it.
     *
     * <p>If it fails: check lockUser in both kinds of transaction.
     */
    @Test
    void lockUser_changesNothingStored_andMayDoNothingInAReadTransaction() {
        world();
        Map<String, Object> before = store.read(StoreContract::lockUserProbe);
        store.write(tx -> {
            tx.lockUser(UserId.of("ann"));
            tx.lockUser(UserId.of("nobody"));
            return null;
        });
        // a dry run of a status change runs the same steps in a read transaction, so it must not throw there
        assertEquals(before, store.read(tx -> {
            tx.lockUser(UserId.of("ann"));
            return lockUserProbe(tx);
        }));
        assertEquals(before, store.read(StoreContract::lockUserProbe));
    }

    private static Map<String, Object> lockUserProbe(StoreTransaction tx) {
        Map<String, Object> seen = new TreeMap<>();
        seen.put("ann", tx.user(UserId.of("ann")));
        seen.put("nobody", tx.user(UserId.of("nobody")));
        seen.put("acme admins", tx.countOrganizationAdmins(OrganizationId.of("acme")));
        seen.put("ann's organizations", tx.organizationMembershipsOf(UserId.of("ann")));
        seen.put("ann's workspaces", tx.workspaceMembershipsOf(UserId.of("ann")));
        return seen;
    }

    /**
     * An admin count that starts after another writer locked an admin and then disabled it counts
     * that admin as disabled.
     *
     * <p>If it fails: check that counts wait for (or see) a lockUser holder's change (the locking
     * protocol's lockUser).
     */
    @Test
    void lockUser_anAdminCountAfterTheLock_countsTheStatusTheHolderLeft() throws Exception {
        twoAdmins("acme", "x", "y");
        CountDownLatch locked = new CountDownLatch(1);
        CyclicBarrier start = new CyclicBarrier(2);
        List<Integer> seen = concurrently(start, () -> store.write(tx -> {
            tx.lockUser(UserId.of("x"));
            locked.countDown();
            pause(50);
            tx.updateUserStatus(UserId.of("x"), UserStatus.DISABLED);
            return -1;
        }), () -> {
            await(locked);
            return store.write(tx -> {
                tx.lockOrganization(OrganizationId.of("acme"));
                return tx.countOrganizationAdmins(OrganizationId.of("acme"));
            });
        });
        assertEquals(1, seen.get(1), "a count that reached x after x was locked counted x as the locker left it: disabled");
    }

    /**
     * A writer that locks an admin after another writer counted it (then removed the other admin)
     * sees that removal.
     *
     * <p>If it fails: check that lockUser waits for a count that took its lock first, and reads after
     * it see that commit.
     */
    @Test
    void lockUser_afterAnAdminCountThatCountedTheUser_seesWhatThatTransactionChanged() throws Exception {
        twoAdmins("acme", "x", "y");
        CountDownLatch counted = new CountDownLatch(1);
        CyclicBarrier start = new CyclicBarrier(2);
        List<Integer> seen = concurrently(start, () -> store.write(tx -> {
            tx.lockOrganization(OrganizationId.of("acme"));
            int admins = tx.countOrganizationAdmins(OrganizationId.of("acme"));
            counted.countDown();
            pause(50);
            tx.deleteOrganizationMember(OrganizationId.of("acme"), UserId.of("y"));
            return admins;
        }), () -> {
            await(counted);
            return store.write(tx -> {
                tx.lockUser(UserId.of("x"));
                return tx.countOrganizationAdmins(OrganizationId.of("acme"));
            });
        });
        assertEquals(2, seen.get(0));
        assertEquals(1, seen.get(1), "once x was locked, the reads saw y removed by the transaction whose count counted x");
    }

    /** Stores organization {@code org} whose two admins have validated accounts. */
    private void twoAdmins(String org, String first, String second) {
        store.write(tx -> {
            organization(tx, org);
            for (String id : List.of(first, second)) {
                tx.insertUser(user(id));
                tx.insertOrganizationMember(orgMember(org, id, OrganizationRole.ADMIN));
            }
            return null;
        });
    }

    // ---- helpers ---------------------------------------------------------------------------

    /**
     * Stores a small world: users ann, bob, erin, dave; organization acme (admin ann, members bob and erin)
     * with custom workspaces research (ann admin, bob developer) and design (bob admin), a pending
     * invitation {@code inv-carol} for carol@example.com; organization globex (admin bob, member dave)
     * with workspace labs (bob user).
     */
    protected final void world() {
        store.write(tx -> {
            for (String id : List.of("ann", "bob", "erin", "dave")) {
                tx.insertUser(user(id));
            }
            organization(tx, "acme");
            tx.insertOrganizationMember(orgMember("acme", "ann", OrganizationRole.ADMIN));
            tx.insertOrganizationMember(orgMember("acme", "bob", OrganizationRole.MEMBER));
            tx.insertOrganizationMember(orgMember("acme", "erin", OrganizationRole.MEMBER));
            tx.insertWorkspace(workspace("acme", "research"));
            tx.insertWorkspace(workspace("acme", "design"));
            tx.insertWorkspaceMember(wsMember("research", "ann", WorkspaceRole.ADMIN));
            tx.insertWorkspaceMember(wsMember("research", "bob", WorkspaceRole.DEVELOPER));
            tx.insertWorkspaceMember(wsMember("design", "bob", WorkspaceRole.ADMIN));
            tx.insertInvitation(invitation("inv-carol", "acme", "carol@example.com", InvitationStatus.PENDING,
                    T0.plus(Duration.ofDays(7))));
            organization(tx, "globex");
            tx.insertOrganizationMember(orgMember("globex", "bob", OrganizationRole.ADMIN));
            tx.insertOrganizationMember(orgMember("globex", "dave", OrganizationRole.MEMBER));
            tx.insertWorkspace(workspace("globex", "labs"));
            tx.insertWorkspaceMember(wsMember("labs", "bob", WorkspaceRole.USER));
            return null;
        });
    }

    /** @return a validated user whose email is {@link #emailOf}{@code (id)} */
    protected static User user(String id) {
        return new User(UserId.of(id), Email.of(emailOf(id)), UserStatus.VALIDATED, false);
    }

    /**
     * @return {@code <id>@example.com}, unique per id although emails ignore case: an upper-case
     *         letter is spelled {@code +} and the letter, ':' (not allowed in an address) {@code -colon-}
     */
    protected static String emailOf(String id) {
        StringBuilder local = new StringBuilder();
        for (char c : id.toCharArray()) {
            if (c == ':') {
                local.append("-colon-");
            } else if (Character.isUpperCase(c)) {
                local.append('+').append(Character.toLowerCase(c));
            } else {
                local.append(c);
            }
        }
        return local + "@example.com";
    }

    /** Stores organization {@code id} created at {@link #T0} with its default workspace {@code <id>-default}. */
    protected static void organization(StoreTransaction tx, String id) {
        tx.insertOrganization(new Organization(OrganizationId.of(id), "Org " + id, WorkspaceId.of(id + "-default"), T0));
        tx.insertWorkspace(new Workspace(WorkspaceId.of(id + "-default"), OrganizationId.of(id), "Default",
                WorkspaceKind.DEFAULT, T0));
    }

    /** @return custom workspace {@code id} of the organization, created at {@link #T0} */
    protected static Workspace workspace(String organization, String id) {
        return new Workspace(WorkspaceId.of(id), OrganizationId.of(organization), "Workspace " + id,
                WorkspaceKind.CUSTOM, T0.plusNanos(7));
    }

    /** @return a membership since {@link #T0} */
    protected static OrganizationMember orgMember(String organization, String user, OrganizationRole role) {
        return new OrganizationMember(OrganizationId.of(organization), UserId.of(user), role, T0.plusNanos(1));
    }

    /** @return a membership since {@link #T0} */
    protected static WorkspaceMember wsMember(String workspace, String user, WorkspaceRole role) {
        return new WorkspaceMember(WorkspaceId.of(workspace), UserId.of(user), role, T0.plusNanos(2));
    }

    /** @return an invitation as a member, created at {@link #T0} */
    protected static Invitation invitation(String id, String organization, String email, InvitationStatus status,
                                           Instant expiresAt) {
        return new Invitation(InvitationId.of(id), OrganizationId.of(organization), Email.of(email),
                OrganizationRole.MEMBER, status, T0, expiresAt);
    }

    /** @return an audit entry at {@link #T0} with a one-line cascade */
    protected static AuditEntry audit(Optional<OrganizationId> organization, String target) {
        return new AuditEntry(0, T0, "user:ann", Operation.REMOVE_WORKSPACE_MEMBER, organization,
                new AuditDetail.Untyped(target, List.of("cascade of " + target)), "why");
    }

    /** @return the first {@code limit} keys */
    protected static Slice first(int limit) {
        return new Slice(Optional.empty(), Optional.empty(), limit);
    }

    /** @return up to {@code limit} keys after {@code key} */
    protected static Slice after(String key, int limit) {
        return new Slice(Optional.of(key), Optional.empty(), limit);
    }

    /** @return up to {@code limit} keys just before {@code key} */
    protected static Slice before(String key, int limit) {
        return new Slice(Optional.empty(), Optional.of(key), limit);
    }

    private int organizationAdmins(OrganizationId organization) {
        return store.read(tx -> tx.countOrganizationAdmins(organization));
    }

    private int workspaceAdmins(WorkspaceId workspace) {
        return store.read(tx -> tx.countWorkspaceAdmins(workspace));
    }

    private static boolean causedBy(Throwable thrown, Throwable cause) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t == cause) {
                return true;
            }
        }
        return false;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs both after the barrier, each on its own thread; returns their results in order. */
    @SafeVarargs
    private static <T> List<T> concurrently(CyclicBarrier start, java.util.function.Supplier<T>... tasks)
            throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(tasks.length);
        try {
            List<CompletableFuture<T>> futures = new ArrayList<>();
            for (java.util.function.Supplier<T> task : tasks) {
                futures.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await(30, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException("the threads did not start together", e);
                    }
                    return task.get();
                }, threads));
            }
            List<T> results = new ArrayList<>();
            for (CompletableFuture<T> future : futures) {
                results.add(future.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            threads.shutdownNow();
        }
    }
}
