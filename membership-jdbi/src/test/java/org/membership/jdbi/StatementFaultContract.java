package org.membership.jdbi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.membership.api.Actor;
import org.membership.api.Command;
import org.membership.api.Email;
import org.membership.api.FeedConsumer;
import org.membership.api.FeedEvent;
import org.membership.api.FeedListener;
import org.membership.api.FeedPosition;
import org.membership.api.MembershipEvent;
import org.membership.api.MembershipRules;
import org.membership.api.OrganizationRole;
import org.membership.api.Outcome;
import org.membership.api.Presets;
import org.membership.api.Subscription;
import org.membership.api.UnableToPersistException;
import org.membership.api.WorkspaceId;
import org.membership.core.spi.ConsumerRecord;
import org.membership.core.spi.MembershipStore;
import org.membership.tck.AtomicityContract;

/**
 * The atomicity contract, and below it the same promise one level down: a failure at each SQL
 * statement a change runs (issue 3, part 4). For each multi-statement operation a dry pass counts
 * the statements of the call (BEGIN and COMMIT included); then, for every statement and both
 * timings, a new world fails there through a JDBI {@link StatementTrap}, and afterwards every
 * table of the store, row by row, is exactly as before, and the same call succeeds and runs the
 * same statements as the dry pass. A failure after COMMIT ran is not tried: the change is then
 * durable, whatever the caller was told. The statement PostgreSQL runs after COMMIT (numbering the
 * change's events in the feed) fails too, before and after it runs: the call then succeeds without a
 * position, and its events are in the feed all the same. A durable consumer's acknowledgement (the
 * write transaction that stores its position after the listener returned) fails at each of its
 * statements as well: the event is delivered again and the stored position never passes it first.
 *
 * <p>Not thread-safe; JUnit runs one test per instance.
 */
abstract class StatementFaultContract extends AtomicityContract {
    /** Every table of the schema, each dumped in full. */
    private static final List<String> TABLES = List.of("users", "organizations", "workspaces", "organization_members",
            "workspace_members", "invitations", "audit_trail", "schema_version", "feed_events", "feed_consumers",
            "feed_parked");

    /** @return every table of this dialect's schema: PostgreSQL also keeps the feed's head, where its sequencer locks */
    private List<String> tables() {
        return sqlite() ? TABLES : Stream.concat(TABLES.stream(), Stream.of("feed_head")).toList();
    }

    private static final Actor ROOT_KEY = Actor.instanceKey("statement-faults");
    /** How long a test waits for the consumer at most: a hang guard, never a timing check. */
    private static final long GUARD_SECONDS = 60;

    /** One trap per test class; stores are reused across tests, so it is registered once per store. */
    private static final StatementTrap TRAP = new StatementTrap();
    private static final Set<JdbiStore> TRAPPED = Collections.newSetFromMap(new IdentityHashMap<>());

    /** @return an empty store; recycled stores are fine */
    protected abstract JdbiStore newJdbiStore();

    /** @return whether the stores are SQLite ones (which also keep the audit sequence in a table) */
    protected abstract boolean sqlite();

    @Override
    protected final MembershipStore newStore() {
        JdbiStore store = newJdbiStore();
        synchronized (TRAPPED) {
            if (TRAPPED.add(store)) {
                store.statementHooks().add(TRAP);
            }
        }
        return store;
    }

    // ---- the operations --------------------------------------------------------------------------

    @TestFactory
    Stream<DynamicTest> removeByEmail_failsAtEveryStatement_leavesDatabaseUnchanged() {
        return everyStatement(w -> { }, w -> w.f().membership().execute(w.f().actor("alice"), w.removeBob()),
                w -> assertTrue(w.f().store().read(tx -> tx.organizationMembershipsOf(w.f().user("bob"))).isEmpty()));
    }

    @TestFactory
    Stream<DynamicTest> acceptInvitation_failsAtEveryStatement_leavesDatabaseUnchanged() {
        return everyStatement(w -> { }, w -> w.f().membership().execute(w.f().actor("dora"),
                        new Command.AcceptInvitation(w.f().invitation("dora@example.com"))),
                w -> assertEquals(1, w.f().store().read(tx -> tx.organizationMembershipsOf(w.f().user("dora"))).size()));
    }

    @TestFactory
    Stream<DynamicTest> createOrganization_failsAtEveryStatement_leavesDatabaseUnchanged() {
        return everyStatement(w -> { }, w -> w.f().membership().execute(ROOT_KEY,
                        new Command.CreateOrganization("Initech", w.f().user("carl"))),
                w -> assertEquals(2, w.f().store().read(tx -> tx.organizationMembershipsOf(w.f().user("carl"))).size()));
    }

    @TestFactory
    Stream<DynamicTest> inviteReplacingAnExpiredInvitation_failsAtEveryStatement_leavesDatabaseUnchanged() {
        // Both of acme's invitations (dora's and bob's) have lapsed: the invite's first write, the sweep,
        // changes two rows, so failing after it must bring both back.
        return everyStatement(w -> w.f().clock().advance(Presets.factory().invitationLifetime().plusDays(1)),
                w -> w.f().membership().execute(w.f().actor("alice"), new Command.InviteToOrganization(
                        w.f().organization("acme"), Email.of("dora@example.com"), OrganizationRole.MEMBER)),
                (w, store) -> {
                    assertTrue(w.f().store().read(tx -> tx.pendingInvitation(w.f().organization("acme"),
                            Email.of("dora@example.com"))).isPresent());
                    assertEquals(List.of("EXPIRED 2", "PENDING 1"), rows(store, "SELECT status, count(*)"
                            + " FROM ${p}invitations WHERE organization_id = ? GROUP BY status ORDER BY status",
                            w.f().organization("acme").value()),
                            "both lapsed invitations expired, the new one pending (bob and carl joined directly)");
                },
                sql -> sql.expireInvitations);
    }

    @TestFactory
    Stream<DynamicTest> removeWorkspaceMember_failsAtEveryStatement_leavesDatabaseUnchanged() {
        return everyStatement(w -> { }, w -> w.f().membership().execute(w.f().actor("alice"),
                        new Command.RemoveWorkspaceMember(w.f().workspace("design"), w.f().user("carl"), "left")),
                w -> assertTrue(w.f().store().read(tx -> tx.workspaceMember(w.f().workspace("design"), w.f().user("carl")))
                        .isEmpty()));
    }

    @TestFactory
    Stream<DynamicTest> addOrganizationMember_failsAtEveryStatement_leavesDatabaseUnchanged() {
        return everyStatement(w -> { }, w -> w.f().membership().execute(ROOT_KEY, new Command.AddOrganizationMember(
                        w.f().organization("acme"), w.f().user("dora"), OrganizationRole.ADMIN)),
                w -> assertEquals(1, w.f().store().read(tx -> tx.organizationMembershipsOf(w.f().user("dora"))).size()));
    }

    @TestFactory
    Stream<DynamicTest> changeOrganizationRole_failsAtEveryStatement_leavesDatabaseUnchanged() {
        return everyStatement(w -> { }, w -> w.f().membership().execute(w.f().actor("alice"),
                        new Command.ChangeOrganizationRole(w.f().organization("acme"), w.f().user("carl"), OrganizationRole.ADMIN)),
                w -> assertEquals(OrganizationRole.ADMIN, w.f().store().read(tx -> tx.organizationMember(
                        w.f().organization("acme"), w.f().user("carl"))).orElseThrow().role()));
    }

    @TestFactory
    Stream<DynamicTest> removeOrganizationMember_failsAtEveryStatement_leavesDatabaseUnchanged() {
        return everyStatement(w -> { }, w -> w.f().membership().execute(w.f().actor("alice"),
                        new Command.RemoveOrganizationMember(w.f().organization("acme"), w.f().user("bob"))),
                w -> assertTrue(w.f().store().read(tx -> tx.organizationMembershipsOf(w.f().user("bob"))).isEmpty()));
    }

    @TestFactory
    Stream<DynamicTest> leaveOrganization_failsAtEveryStatement_leavesDatabaseUnchanged() {
        return everyStatement(w -> { }, w -> w.f().membership().execute(w.f().actor("bob"),
                        new Command.LeaveOrganization(w.f().organization("acme"))),
                w -> assertTrue(w.f().store().read(tx -> tx.organizationMembershipsOf(w.f().user("bob"))).isEmpty()));
    }

    @TestFactory
    Stream<DynamicTest> changeUserEmail_failsAtEveryStatement_leavesDatabaseUnchanged() {
        return everyStatement(w -> { }, w -> w.f().membership().execute(ROOT_KEY,
                        new Command.ChangeUserEmail(w.f().user("carl"), Email.of("Carl.New@Example.com"))),
                w -> assertTrue(w.f().store().read(tx -> tx.userByEmail(Email.of("carl.new@example.com"))).isPresent()));
    }

    @TestFactory
    Stream<DynamicTest> renameWorkspace_failsAtEveryStatement_leavesDatabaseUnchanged() {
        return everyStatement(w -> { }, w -> w.f().membership().execute(w.f().actor("alice"),
                        new Command.RenameWorkspace(w.f().workspace("design"), "Design studio")),
                w -> assertEquals("Design studio", w.f().store().read(tx -> tx.workspace(w.f().workspace("design")))
                        .orElseThrow().name()));
    }

    @TestFactory
    Stream<DynamicTest> deleteWorkspace_failsAtEveryStatement_leavesDatabaseUnchanged() {
        return everyStatement(w -> { }, w -> w.f().membership().execute(w.f().actor("alice"),
                        new Command.DeleteWorkspace(w.f().workspace("design"))),
                w -> assertTrue(w.f().store().read(tx -> tx.workspace(w.f().workspace("design"))).isEmpty()));
    }

    @TestFactory
    Stream<DynamicTest> deleteOrganization_failsAtEveryStatement_leavesDatabaseUnchanged() {
        return everyStatement(w -> { }, w -> w.f().membership().execute(ROOT_KEY,
                        new Command.DeleteOrganization(w.f().organization("acme"))),
                w -> assertTrue(w.f().store().read(tx -> tx.organization(w.f().organization("acme"))).isEmpty()));
    }

    // ---- a consumer's acknowledgement ------------------------------------------------------------

    /**
     * A durable consumer stores its position, once the listener has returned, in a write transaction
     * of its own (its acknowledgement): failing it at each of its statements, before and after each
     * runs, loses and skips nothing. The event is delivered again, the stored position never passes an
     * event before the listener has had it, and the consumer goes on to the next event. Failing after
     * COMMIT ran is tried too: the position is then stored although the consumer was told the write
     * failed; delivering the event once more is allowed there (the engine does, finds the stored
     * position moved past it and resumes from there), a gap never.
     */
    @TestFactory
    Stream<DynamicTest> consumerAcknowledgement_failsAtEveryStatement_theEventIsDeliveredAgain() throws Exception {
        Acknowledging probe = new Acknowledging();
        List<Delivery> probed = probe.deliver(TRAP::record);
        List<String> statements = unprefixed(probe.store, TRAP.statements());
        assertEquals(List.of(probe.first, probe.second), probed.stream().map(Delivery::event).toList(),
                "the probe delivers both events once");
        String update = unprefixed(probe.store, List.of(probe.store.statements().updateConsumer)).get(0);
        assertTrue(statements.size() >= 4 && statements.contains(update)
                && statements.get(statements.size() - 1).equals("COMMIT"),
                () -> "between the two deliveries runs the first one's acknowledgement, a write transaction: " + statements);

        List<DynamicTest> tests = new ArrayList<>();
        for (int p = 1; p <= statements.size(); p++) {
            for (StatementTrap.When when : StatementTrap.When.values()) {
                int position = p;
                boolean committed = p == statements.size() && when == StatementTrap.When.AFTER;
                tests.add(DynamicTest.dynamicTest("fail " + when + " statement " + p + " of " + statements.size()
                        + " (" + statements.get(p - 1) + ")", () -> {
                    Acknowledging run = new Acknowledging();
                    int sprungBefore = TRAP.sprung();
                    List<Delivery> deliveries = run.deliver(() -> TRAP.arm(position, when));
                    assertEquals(sprungBefore + 1, TRAP.sprung(), "the trap was sprung once");
                    List<FeedPosition> events = deliveries.stream().map(Delivery::event).toList();
                    List<FeedPosition> again = List.of(run.first, run.first, run.second);
                    if (committed) {
                        assertTrue(events.equals(again) || events.equals(List.of(run.first, run.second)),
                                () -> "each event at least once, in order: " + deliveries);
                    } else {
                        assertEquals(again, events, "the event whose acknowledgement failed is delivered again,"
                                + " then the next one");
                    }
                    FeedPosition delivered = run.start;
                    for (Delivery d : deliveries) {
                        if (d.stored().isAfter(delivered)) {
                            fail("when " + d.event().value() + " was delivered the stored position was "
                                    + d.stored().value() + ", past " + delivered.value() + ", the last event the"
                                    + " listener had had: " + deliveries);
                        }
                        delivered = d.event().isAfter(delivered) ? d.event() : delivered;
                    }
                    assertEquals(run.second, run.stored(), "the consumer went on and stored the next event's position");
                    assertEquals(List.of(), run.w.f().membership().changes().consumer(Acknowledging.CONSUMER)
                            .orElseThrow().parked(), "nothing parked");
                }));
            }
        }
        return tests.stream();
    }

    /** One event delivered: its position, and the consumer's position stored when the listener was called. */
    private record Delivery(FeedPosition event, FeedPosition stored) {}

    /**
     * A world with two changes after its head, and a durable consumer that starts after that head. Its
     * listener reads the stored position at each call; at its first call it then runs a given action (to
     * record or arm the trap) so that the statements counted from there are the acknowledgement of the
     * first event; at later calls it first disarms the trap, so that nothing but that acknowledgement
     * can be failed. The test thread touches the store only once the second call has disarmed it.
     */
    private final class Acknowledging {
        static final String CONSUMER = "acknowledging";
        final JdbiStore store = (JdbiStore) newStore();
        final Acme w = world(store);
        final FeedPosition start = store.head();
        final FeedPosition first = removed(w.f().workspace("design"), "carl");
        final FeedPosition second = removed(w.f().workspace("research"), "bob");

        private FeedPosition removed(WorkspaceId workspace, String user) {
            Outcome<?> removed = w.f().membership().execute(w.f().actor("alice"),
                    new Command.RemoveWorkspaceMember(workspace, w.f().user(user), "left"));
            assertTrue(removed.succeeded(), removed::toString);
            return removed.position().orElseThrow();
        }

        FeedPosition stored() {
            return store.read(tx -> tx.consumer(CONSUMER)).map(ConsumerRecord::position).orElse(FeedPosition.START);
        }

        /**
         * @param atFirstCall run in the listener's first call, after it read the stored position
         * @return every call of the listener, once the consumer has stored the second event's position
         */
        List<Delivery> deliver(Runnable atFirstCall) throws InterruptedException {
            BlockingQueue<Delivery> seen = new LinkedBlockingQueue<>();
            AtomicInteger calls = new AtomicInteger();
            FeedListener listener = event -> {
                int call = calls.incrementAndGet();
                if (call > 1) {
                    TRAP.disarm();
                }
                seen.add(new Delivery(event.position(), stored()));
                if (call == 1) {
                    atFirstCall.run();
                }
            };
            Subscription subscription = w.f().membership().changes().subscribe(FeedConsumer.named(CONSUMER, listener)
                    .startAfter(start).build());
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GUARD_SECONDS);
                while (seen.size() < 2) {
                    assertTrue(System.nanoTime() < deadline, () -> "the listener was called only " + seen
                            + " (a hang guard of " + GUARD_SECONDS + " s, not a timing check)");
                    Thread.sleep(1);
                }
                assertTrue(subscription.awaitPosition(second, Duration.ofSeconds(GUARD_SECONDS)),
                        () -> "the consumer never stored the second event's position (a hang guard of "
                                + GUARD_SECONDS + " s, not a timing check): " + seen);
            } finally {
                TRAP.disarm();
                subscription.close();
            }
            return List.copyOf(seen);
        }
    }

    // ---- failing each statement ------------------------------------------------------------------

    private Stream<DynamicTest> everyStatement(Consumer<Acme> setUp, Function<Acme, Outcome<?>> call,
                                               Consumer<Acme> thenHolds) {
        return everyStatement(setUp, call, (w, store) -> thenHolds.accept(w), null);
    }

    /**
     * @param mustRun a statement the dry pass must have run, so that it is among those failed in turn; or null
     */
    private Stream<DynamicTest> everyStatement(Consumer<Acme> setUp, Function<Acme, Outcome<?>> call,
                                               BiConsumer<Acme, JdbiStore> thenHolds,
                                               Function<Statements, String> mustRun) {
        JdbiStore probeStore = (JdbiStore) newStore();
        Acme probe = world(probeStore);
        setUp.accept(probe);
        TRAP.record();
        Outcome<?> done;
        try {
            done = call.apply(probe);
        } finally {
            TRAP.disarm();
        }
        assertTrue(done.succeeded(), () -> "the dry pass succeeds: " + done);
        thenHolds.accept(probe, probeStore);
        List<String> statements = unprefixed(probeStore, TRAP.statements());
        if (mustRun != null) {
            String expected = unprefixed(probeStore, List.of(mustRun.apply(probeStore.statements()))).get(0);
            assertTrue(statements.contains(expected), () -> "the dry pass ran " + expected + ": " + statements);
        }
        assertTrue(statements.size() >= 4, () -> "a multi-statement change: " + statements);
        int commit = statements.indexOf("COMMIT") + 1;
        assertTrue(commit > 0, statements::toString);
        // After COMMIT only PostgreSQL's numbering of the change's events runs (the outbox protocol).
        assertEquals(sqlite() ? List.of() : List.of(unprefixed(probeStore, List.of(probeStore.statements().numberEvents)).get(0)),
                statements.subList(commit, statements.size()), "what runs after COMMIT");
        assertEquals(new TreeSet<>(tables()), tablesOf(probeStore), "the dump covers every table");

        List<DynamicTest> tests = new ArrayList<>();
        for (int p = 1; p <= statements.size(); p++) {
            for (StatementTrap.When when : StatementTrap.When.values()) {
                if (p == commit && when == StatementTrap.When.AFTER) {
                    continue; // after COMMIT the change is durable: nothing left to undo
                }
                int position = p;
                if (p > commit) {
                    tests.add(DynamicTest.dynamicTest("fail " + when + " statement " + p + " of " + statements.size()
                            + ", after COMMIT (" + statements.get(p - 1) + ")",
                            () -> failsAfterCommit(setUp, call, thenHolds, position, when)));
                    continue;
                }
                tests.add(DynamicTest.dynamicTest("fail " + when + " statement " + p + " of " + statements.size()
                        + " (" + statements.get(p - 1) + ")", () -> {
                    JdbiStore store = (JdbiStore) newStore();
                    Acme w = world(store);
                    setUp.accept(w);
                    Map<String, List<String>> before = dump(store);
                    int eventsBefore = w.f().events().size();
                    int sprungBefore = TRAP.sprung();

                    TRAP.arm(position, when);
                    UnableToPersistException thrown;
                    try {
                        thrown = assertThrows(UnableToPersistException.class, () -> call.apply(w));
                    } finally {
                        TRAP.disarm();
                    }

                    assertEquals(sprungBefore + 1, TRAP.sprung(), "the trap was sprung once");
                    assertTrue(causedByTrap(thrown), () -> "unexpected failure " + thrown);
                    assertEquals(before, dump(store), "every table is exactly as before");
                    assertEquals(eventsBefore, w.f().events().size(), "a failed change publishes nothing");

                    TRAP.record();
                    Outcome<?> retried;
                    try {
                        retried = call.apply(w);
                    } finally {
                        TRAP.disarm();
                    }
                    assertTrue(retried.succeeded(), () -> "the same call then succeeds: " + retried);
                    assertEquals(statements, unprefixed(store, TRAP.statements()), "and runs the same statements as the dry pass");
                    thenHolds.accept(w, store);
                    assertNotEquals(before, dump(store));
                }));
            }
        }
        return tests.stream();
    }

    /**
     * A statement after COMMIT fails: the change is committed all the same, so the call succeeds and
     * its listeners hear of it, only without the position the store could not learn; its events are
     * in the feed, numbered by the next read, densely before the next change's.
     */
    private void failsAfterCommit(Consumer<Acme> setUp, Function<Acme, Outcome<?>> call,
                                  BiConsumer<Acme, JdbiStore> thenHolds, int position, StatementTrap.When when) {
        JdbiStore store = (JdbiStore) newStore();
        Acme w = world(store);
        setUp.accept(w);
        FeedPosition headBefore = store.head();
        int eventsBefore = w.f().events().size();
        int sprungBefore = TRAP.sprung();

        TRAP.arm(position, when);
        Outcome<?> outcome;
        try {
            outcome = call.apply(w);
        } finally {
            TRAP.disarm();
        }

        assertEquals(sprungBefore + 1, TRAP.sprung(), "the trap was sprung once");
        assertTrue(outcome.succeeded(), () -> "a committed change succeeds: " + outcome);
        assertEquals(Optional.empty(), outcome.position(), "without the position the store could not learn");
        thenHolds.accept(w, store);
        List<MembershipEvent> published = w.f().events().subList(eventsBefore, w.f().events().size());
        assertFalse(published.isEmpty(), "the listeners heard of it");
        List<FeedEvent> feed = store.changes(headBefore, 100);
        assertEquals(published, feed.stream().map(FeedEvent::event).toList(), "its events are in the feed");
        for (int i = 0; i < feed.size(); i++) {
            assertEquals(FeedPosition.of(headBefore.value() + 1 + i), feed.get(i).position(), "densely numbered");
        }
        assertEquals(feed.get(feed.size() - 1).position(), store.head());
    }

    /** @return the statements without the store's table prefix, so that two stores' statements compare */
    private static List<String> unprefixed(JdbiStore store, List<String> statements) {
        String prefix = store.statements().prefix;
        // the prefix stands before table names, and in the instance trail's advisory lock key ('<prefix>audit_trail')
        return prefix.isEmpty() ? statements
                : statements.stream().map(s -> s.replace(" " + prefix, " ").replace("'" + prefix, "'")).toList();
    }

    private static boolean causedByTrap(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof StatementTrap.Injected) {
                return true;
            }
        }
        return false;
    }

    /** @return every row of every table (and SQLite's sequence row of the audit trail), each table sorted */
    private Map<String, List<String>> dump(JdbiStore store) {
        Statements sql = store.statements();
        Map<String, List<String>> dump = new LinkedHashMap<>();
        store.jdbi().useHandle(handle -> {
            for (String table : tables()) {
                dump.put(table, rows(handle, sql.t("SELECT * FROM ${p}" + table)));
            }
            if (sqlite()) {
                dump.put("sqlite_sequence", rows(handle, "SELECT * FROM sqlite_sequence"));
            }
        });
        return dump;
    }

    /** @return each row of {@code select} (the table prefix applied), in its order, as its columns joined by spaces */
    private static List<String> rows(JdbiStore store, String select, Object... args) {
        return store.jdbi().withHandle(handle -> {
            var query = handle.createQuery(store.statements().t(select));
            for (int i = 0; i < args.length; i++) {
                query.bind(i, args[i]);
            }
            return query.map((rs, ctx) -> {
                StringBuilder row = new StringBuilder();
                for (int column = 1; column <= rs.getMetaData().getColumnCount(); column++) {
                    row.append(column > 1 ? " " : "").append(rs.getString(column));
                }
                return row.toString();
            }).list();
        });
    }

    private static List<String> rows(Handle handle, String select) {
        List<String> rows = new ArrayList<>(handle.createQuery(select).map((rs, ctx) -> {
            StringBuilder row = new StringBuilder();
            for (int column = 1; column <= rs.getMetaData().getColumnCount(); column++) {
                row.append(column > 1 ? " | " : "").append(rs.getString(column));
            }
            return row.toString();
        }).list());
        Collections.sort(rows);
        return rows;
    }

    /** @return the names of the store's tables, without its prefix, as the database lists them */
    private Set<String> tablesOf(JdbiStore store) {
        String prefix = store.statements().prefix;
        List<String> names = store.jdbi().withHandle(handle -> handle.createQuery(sqlite()
                        ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'sqlite_sequence'"
                        : "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")
                .mapTo(String.class).list());
        Set<String> tables = new TreeSet<>();
        for (String name : names) {
            if (name.startsWith(prefix)) {
                tables.add(name.substring(prefix.length()));
            }
        }
        return tables;
    }
}
