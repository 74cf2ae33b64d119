package org.membership.jdbi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.membership.api.Command;
import org.membership.api.FeedEvent;
import org.membership.api.FeedPosition;
import org.membership.api.MembershipEvent;
import org.membership.api.MembershipRules;
import org.membership.api.Outcome;
import org.membership.api.PageRequest;
import org.membership.api.Presets;
import org.membership.api.Reason;
import org.membership.api.UnableToPersistException;
import org.membership.api.UnableToSerializeTransactionException;
import org.membership.api.WorkspaceMember;
import org.membership.api.WorkspaceRole;
import org.membership.tck.Fixture;

/**
 * The library inside the host's own transaction (issue 12, deliverable 1): a removal and the host's
 * own write commit together or roll back together, with the removal's audit entry and its events;
 * listeners hear of it only after the host committed; a failure half-way takes back the change alone;
 * and the last-admin rule holds when both racers run in host transactions, the host rerunning its
 * transaction when the library reports a lost race.
 *
 * <p>Not thread-safe itself; JUnit runs one test per instance.
 */
abstract class HostTransactionContract {
    private static final int TRIALS = 200;

    private ExecutorService pool;
    protected JdbiStore store;
    protected ThreadTransactions host;
    protected Fixture f;

    /** @return the host's data source on a new, empty database */
    protected abstract DataSource newDatabase();

    /** @return whether the database is PostgreSQL */
    protected abstract boolean postgresql();

    @BeforeEach
    void open() throws Exception {
        pool = Executors.newFixedThreadPool(2);
        DataSource dataSource = newDatabase();
        host = new ThreadTransactions(dataSource);
        store = postgresql() ? JdbiStore.postgresql(dataSource, JdbiStore.Options.defaults(), host)
                : JdbiStore.sqlite(dataSource, JdbiStore.Options.defaults(), host);
        try (Connection connection = dataSource.getConnection()) {
            ThreadTransactions.execute(connection, "CREATE TABLE host_projects (name TEXT PRIMARY KEY)");
        }
        f = Fixture.builder(store).rules(Presets.flashback())
                .organization("acme", org -> org.admin("alice").member("bob")
                        .workspace("design", ws -> ws.admin("alice").member("bob", WorkspaceRole.DEVELOPER)))
                .build();
    }

    @AfterEach
    void close() throws InterruptedException {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));
        if (store != null) { // null where the database was not there and the test was skipped
            store.close();
        }
    }

    private Outcome<WorkspaceMember> removeBob() {
        return f.membership().execute(f.actor("alice"),
                new Command.RemoveWorkspaceMember(f.workspace("design"), f.user("bob"), "project closed"));
    }

    private boolean bobInDesign() {
        return f.store().read(tx -> tx.workspaceMember(f.workspace("design"), f.user("bob"))).isPresent();
    }

    private List<String> projects() throws Exception {
        return host.inTransaction(true, connection -> {
            List<String> names = new ArrayList<>();
            try (var query = connection.createStatement();
                 ResultSet rows = query.executeQuery("SELECT name FROM host_projects ORDER BY name")) {
                while (rows.next()) {
                    names.add(rows.getString(1));
                }
            }
            return names;
        });
    }

    private List<MembershipEvent> feedAfter(FeedPosition position) {
        return store.changes(position, 100).stream().map(FeedEvent::event).toList();
    }

    @Test
    void hostWriteAndRemoval_commitTogether_andListenersHearOnlyAfterTheCommit() throws Exception {
        FeedPosition head = store.head();
        int audited = auditEntries();
        List<String> heardInside = new ArrayList<>();
        Outcome<WorkspaceMember> removed = host.inTransaction(true, connection -> {
            ThreadTransactions.execute(connection, "INSERT INTO host_projects (name) VALUES ('apollo')");
            Outcome<WorkspaceMember> outcome = removeBob();
            heardInside.add(String.valueOf(f.events().size()));
            assertEquals(Reason.MEMBER_NOT_FOUND, f.membership().check(f.actor("alice"),
                    new Command.RemoveWorkspaceMember(f.workspace("design"), f.user("bob"))).refusal().orElseThrow().reason(),
                    "a dry run inside the host's transaction sees the uncommitted removal");
            return outcome;
        });
        assertTrue(removed.succeeded(), removed::toString);
        assertEquals(Optional.empty(), removed.position(), "nothing had committed when the command returned");
        assertEquals(List.of("0"), heardInside, "no listener heard of it before the host committed");
        assertEquals(List.of("apollo"), projects());
        assertFalse(bobInDesign());
        assertEquals(audited + 1, auditEntries(), "with its audit entry");
        assertEquals(1, f.events().size(), "the listener heard of it after the commit");
        assertEquals(List.of(f.events().get(0)), feedAfter(head), "and its event is in the feed");
    }

    @Test
    void hostWriteAndRemoval_rollBackTogether_andListenersNeverHear() throws Exception {
        FeedPosition head = store.head();
        int audited = auditEntries();
        Outcome<WorkspaceMember> removed = host.inTransaction(false, connection -> {
            ThreadTransactions.execute(connection, "INSERT INTO host_projects (name) VALUES ('apollo')");
            return removeBob();
        });
        assertTrue(removed.succeeded(), "the command itself succeeded: " + removed);
        assertEquals(List.of(), projects());
        assertTrue(bobInDesign(), "the removal rolled back with the host's write");
        assertEquals(audited, auditEntries(), "and its audit entry");
        assertEquals(List.of(), feedAfter(head), "and its event");
        assertEquals(List.of(), f.events(), "no listener ever heard of it");
        assertEquals(head, store.head());
        assertTrue(removeBob().succeeded(), "outside any host transaction the same removal then commits on its own");
        assertFalse(bobInDesign());
    }

    @Test
    void aStatementFailingHalfway_takesBackTheChangeAlone_andTheHostTransactionGoesOn() throws Exception {
        StatementTrap trap = new StatementTrap();
        store.statementHooks().add(trap);
        // A probe in a host transaction that rolls back: where does the removal write its audit row?
        trap.record();
        try {
            host.inTransaction(false, connection -> removeBob());
        } finally {
            trap.disarm();
        }
        List<String> statements = trap.statements();
        int audit = 0;
        while (audit < statements.size() && !statements.get(audit).contains("audit_trail")) {
            audit++;
        }
        assertTrue(audit < statements.size() && statements.stream().anyMatch(q -> q.startsWith("SAVEPOINT")),
                statements::toString);
        int auditAt = audit + 1;
        FeedPosition head = store.head();
        int audited = auditEntries();
        host.inTransaction(true, connection -> {
            ThreadTransactions.execute(connection, "INSERT INTO host_projects (name) VALUES ('apollo')");
            trap.arm(auditAt, StatementTrap.When.AFTER);
            try {
                assertThrows(UnableToPersistException.class, this::removeBob,
                        "the membership was deleted and the audit row written before the failure");
            } finally {
                trap.disarm();
            }
            ThreadTransactions.execute(connection, "INSERT INTO host_projects (name) VALUES ('gemini')");
            return null;
        });
        assertEquals(List.of("apollo", "gemini"), projects(), "the host's transaction went on and committed");
        assertTrue(bobInDesign(), "nothing of the failed removal was written");
        assertEquals(audited, auditEntries());
        assertEquals(List.of(), feedAfter(head));
        assertEquals(List.of(), f.events());
    }

    @Test
    void lastAdminRace_bothSidesInHostTransactions_leavesOneAdmin() throws Exception {
        // A world of its own, one organization per trial, whose two admins are its workspace's only admins.
        DataSource dataSource = newDatabase();
        ThreadTransactions hosts = new ThreadTransactions(dataSource);
        try (JdbiStore racing = postgresql() ? JdbiStore.postgresql(dataSource, JdbiStore.Options.defaults(), hosts)
                : JdbiStore.sqlite(dataSource, JdbiStore.Options.defaults(), hosts)) {
            Fixture.Builder world = Fixture.builder(racing).rules(Presets.flashback());
            for (int trial = 0; trial < TRIALS; trial++) {
                int i = trial;
                world.organization("org" + i, org -> org.admin("a" + i).admin("b" + i)
                        .workspace("ws" + i, w -> w.admin("a" + i).admin("b" + i)));
            }
            Fixture t = world.build();
            AtomicInteger reruns = new AtomicInteger();
            for (int trial = 0; trial < TRIALS; trial++) {
                int i = trial;
                CyclicBarrier go = new CyclicBarrier(2);
                List<Future<Outcome<WorkspaceMember>>> racers = new ArrayList<>();
                for (String[] pair : new String[][] {{"a" + i, "b" + i}, {"b" + i, "a" + i}}) {
                    racers.add(pool.submit(() -> {
                        go.await(60, TimeUnit.SECONDS);
                        for (int attempt = 1; ; attempt++) {
                            try {
                                return hosts.inTransaction(true, connection -> t.membership().execute(t.actor(pair[0]),
                                        new Command.RemoveWorkspaceMember(t.workspace("ws" + i), t.user(pair[1]))));
                            } catch (UnableToSerializeTransactionException e) {
                                // as a host reruns a transaction that lost a race: after a pause, for on SQLite
                                // the winner may still be writing, and a read transaction that wants to write
                                // meanwhile is refused at once
                                reruns.incrementAndGet();
                                if (attempt == 50) {
                                    throw e;
                                }
                                Thread.sleep(ThreadLocalRandom.current().nextInt(1, 2 + Math.min(attempt, 10) * 2));
                            }
                        }
                    }));
                }
                List<Outcome<WorkspaceMember>> outcomes = new ArrayList<>();
                for (Future<Outcome<WorkspaceMember>> racer : racers) {
                    outcomes.add(racer.get(60, TimeUnit.SECONDS));
                }
                assertEquals(1, outcomes.stream().filter(Outcome::succeeded).count(), () -> "trial " + i + ": " + outcomes);
                assertEquals(Optional.of(Reason.LAST_ADMIN), outcomes.stream().filter(o -> !o.succeeded()).findFirst()
                        .orElseThrow().refusal().map(r -> r.reason()), () -> "trial " + i + ": " + outcomes);
                List<WorkspaceMember> admins = t.membership().execute(t.organizationKey("org" + i),
                        new Command.ListWorkspaceMembers(t.workspace("ws" + i), PageRequest.first(10))).orElseThrow().items().stream().filter(m -> m.role() == WorkspaceRole.ADMIN).toList();
                assertEquals(1, admins.size(), () -> "trial " + i + ": one admin stays: " + admins);
            }
            System.out.println(getClass().getSimpleName() + ": hosts reran " + reruns + " transactions over " + TRIALS
                    + " trials");
        }
    }

    private int auditEntries() {
        return store.read(tx -> tx.auditTrail(Optional.of(f.organization("acme")),
                new org.membership.core.spi.Slice(Optional.empty(), Optional.empty(), 1000)).size());
    }
}
