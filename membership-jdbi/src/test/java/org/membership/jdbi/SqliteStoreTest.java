package org.membership.jdbi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.membership.api.Email;
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationMember;
import org.membership.api.OrganizationRole;
import org.membership.api.UnableToPersistException;
import org.membership.api.User;
import org.membership.api.UserId;
import org.membership.api.UserStatus;

/** What is particular to SQLite: connection settings, failures, lock contention with another process. */
final class SqliteStoreTest {
    private static final User ANN = new User(UserId.of("ann"), Email.of("ann@example.com"), UserStatus.VALIDATED, false);
    private static final User BOB = new User(UserId.of("bob"), Email.of("bob@example.com"), UserStatus.VALIDATED, false);

    @TempDir
    Path directory;

    private Path file() {
        return directory.resolve("membership.db");
    }

    // ---- connection settings ---------------------------------------------------------------

    @Test
    void sqlite_defaults_everyPooledConnectionHasWalFullSyncForeignKeysAndBusyTimeout() {
        try (JdbiStore store = JdbiStore.sqlite(file())) {
            assertEquals(List.of("wal 2 1 5000", "wal 2 1 5000", "wal 2 1 5000", "wal 2 1 5000"), settingsOfConnections(store, 4));
        }
    }

    @Test
    void sqlite_normalDurabilityAndOwnTimeout_areAppliedToEveryConnection() {
        JdbiStore.Options options = JdbiStore.Options.defaults().durability(JdbiStore.Durability.NORMAL)
                .busyTimeout(Duration.ofMillis(1234)).poolSize(3);
        try (JdbiStore store = JdbiStore.sqlite(file(), options)) {
            assertEquals(List.of("wal 1 1 1234", "wal 1 1 1234", "wal 1 1 1234"), settingsOfConnections(store, 3));
        }
    }

    /** Holds {@code count} connections at once, so that each is a different pooled connection. */
    private static List<String> settingsOfConnections(JdbiStore store, int count) {
        List<Handle> handles = new ArrayList<>();
        try {
            List<String> settings = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Handle h = store.jdbi().open();
                handles.add(h);
                settings.add(pragma(h, "journal_mode") + " " + pragma(h, "synchronous") + " "
                        + pragma(h, "foreign_keys") + " " + pragma(h, "busy_timeout"));
            }
            return settings;
        } finally {
            handles.forEach(Handle::close);
        }
    }

    private static String pragma(Handle h, String name) {
        return h.createQuery("PRAGMA " + name).mapTo(String.class).one();
    }

    // ---- failures --------------------------------------------------------------------------

    @Test
    void write_statementFailsHalfway_rollsBackEverythingAndSaysUnableToPersist() {
        try (JdbiStore store = JdbiStore.sqlite(file())) {
            UnableToPersistException e = assertThrows(UnableToPersistException.class, () -> store.write(tx -> {
                tx.insertUser(ANN);
                // no such organization: a foreign key fails (a unique key taken would be a lost race, retried)
                tx.insertOrganizationMember(new OrganizationMember(OrganizationId.of("nope"), ANN.id(),
                        OrganizationRole.MEMBER, java.time.Instant.EPOCH));
                return null;
            }));
            assertTrue(e.getMessage().contains("nothing of it was stored"), e.getMessage());
            assertEquals(Optional.empty(), store.read(tx -> tx.user(ANN.id())));
            store.write(tx -> {
                tx.insertUser(ANN);
                return null;
            });
            assertEquals(Optional.of(ANN), store.read(tx -> tx.user(ANN.id())), "the next write commits");
        }
    }

    @Test
    void write_workSwallowsAStatementFailure_stillRollsBack() {
        try (JdbiStore store = JdbiStore.sqlite(file())) {
            assertThrows(UnableToPersistException.class, () -> store.write(tx -> {
                tx.insertUser(ANN);
                try {
                    tx.insertUser(ANN);
                } catch (RuntimeException ignored) {
                    // a careless caller goes on
                }
                tx.insertUser(BOB);
                return null;
            }));
            assertEquals(Optional.empty(), store.read(tx -> tx.user(ANN.id())));
            assertEquals(Optional.empty(), store.read(tx -> tx.user(BOB.id())));
        }
    }

    @Test
    void write_missingRow_isAProgrammingErrorAndRollsBack() {
        try (JdbiStore store = JdbiStore.sqlite(file())) {
            assertThrows(IllegalStateException.class, () -> store.write(tx -> {
                tx.insertUser(ANN);
                tx.updateUserStatus(BOB.id(), UserStatus.DISABLED);
                return null;
            }));
            assertEquals(Optional.empty(), store.read(tx -> tx.user(ANN.id())));
        }
    }

    @Test
    void transaction_usedAfterItEnded_throwsIllegalState() {
        try (JdbiStore store = JdbiStore.sqlite(file())) {
            var leaked = store.read(tx -> tx);
            assertThrows(IllegalStateException.class, () -> leaked.user(ANN.id()));
        }
    }

    // ---- another process holding the write lock ---------------------------------------------

    @Test
    void write_lockedByAnotherProcessThroughEveryAttempt_throwsUnableToPersistAndStoresNothing() throws Exception {
        JdbiStore.Options impatient = JdbiStore.Options.defaults().busyTimeout(Duration.ofMillis(20)).maxAttempts(3);
        try (JdbiStore store = JdbiStore.sqlite(file(), impatient);
             Connection other = DriverManager.getConnection("jdbc:sqlite:" + file());
             Statement s = other.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            AtomicInteger runs = new AtomicInteger();
            UnableToPersistException e = assertThrows(UnableToPersistException.class, () -> store.write(tx -> {
                runs.incrementAndGet();
                tx.insertUser(ANN);
                return null;
            }));
            assertTrue(e.getMessage().contains("3 times"), e.getMessage());
            assertEquals(0, runs.get(), "the write lock is taken before the work runs");
            s.execute("ROLLBACK");
            assertEquals(Optional.empty(), store.read(tx -> tx.user(ANN.id())));
            store.write(tx -> {
                tx.insertUser(ANN);
                return null;
            });
            assertEquals(Optional.of(ANN), store.read(tx -> tx.user(ANN.id())), "works once the lock is free");
        }
    }

    @Test
    void write_lockedByAnotherProcessForAWhile_isRetriedAndCommits() throws Exception {
        JdbiStore.Options options = JdbiStore.Options.defaults().busyTimeout(Duration.ofMillis(10)).maxAttempts(1000);
        try (JdbiStore store = JdbiStore.sqlite(file(), options);
             Connection other = DriverManager.getConnection("jdbc:sqlite:" + file());
             Statement s = other.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            CountDownLatch released = new CountDownLatch(1);
            Thread releaser = new Thread(() -> {
                try {
                    Thread.sleep(150);
                    s.execute("ROLLBACK");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                } finally {
                    released.countDown();
                }
            });
            releaser.start();
            store.write(tx -> {
                tx.insertUser(ANN);
                return null;
            });
            released.await();
            assertEquals(Optional.of(ANN), store.read(tx -> tx.user(ANN.id())));
        }
    }

    @Test
    void read_whileAnotherProcessWrites_isNotBlocked() throws Exception {
        try (JdbiStore store = JdbiStore.sqlite(file());
             Connection other = DriverManager.getConnection("jdbc:sqlite:" + file());
             Statement s = other.createStatement()) {
            store.write(tx -> {
                tx.insertUser(ANN);
                return null;
            });
            s.execute("BEGIN IMMEDIATE");
            s.execute("DELETE FROM users");
            assertEquals(Optional.of(ANN), store.read(tx -> tx.user(ANN.id())), "the committed snapshot");
            s.execute("COMMIT");
            assertEquals(Optional.empty(), store.read(tx -> tx.user(ANN.id())));
        }
    }

    /**
     * A write whose connection cannot be had fails, and frees the store's writer lock: the next write,
     * on another thread, commits at once (a lock left held would make every later writer wait).
     */
    @Test
    void write_whenNoConnectionCanBeHad_failsAndTheNextWriteStillCommits() throws Exception {
        org.sqlite.SQLiteConfig config = new org.sqlite.SQLiteConfig();
        config.setJournalMode(org.sqlite.SQLiteConfig.JournalMode.WAL);
        config.enforceForeignKeys(true);
        org.sqlite.SQLiteDataSource sqlite = new org.sqlite.SQLiteDataSource(config);
        sqlite.setUrl("jdbc:sqlite:" + directory.resolve("refusing.db"));
        java.util.concurrent.atomic.AtomicBoolean refuse = new java.util.concurrent.atomic.AtomicBoolean();
        javax.sql.DataSource refusing = (javax.sql.DataSource) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {javax.sql.DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection") && refuse.get()) {
                        throw new java.sql.SQLException("no connection to be had");
                    }
                    try {
                        return method.invoke(sqlite, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        HostTransactions none = new HostTransactions() {
            @Override
            public Optional<Connection> current() {
                return Optional.empty();
            }

            @Override
            public void afterCommit(Runnable action) {
                throw new AssertionError("no host transaction to commit");
            }
        };
        try (JdbiStore store = JdbiStore.sqlite(refusing, JdbiStore.Options.defaults(), none)) {
            refuse.set(true);
            assertThrows(UnableToPersistException.class, () -> store.write(tx -> {
                tx.insertUser(ANN);
                return null;
            }));
            refuse.set(false);
            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(10), () -> store.write(tx -> {
                tx.insertUser(BOB);
                return null;
            }), "the failed write left the store's writer lock held");
            assertEquals(Optional.empty(), store.read(tx -> tx.user(ANN.id())));
            assertEquals(Optional.of(BOB), store.read(tx -> tx.user(BOB.id())));
        }
    }
}
