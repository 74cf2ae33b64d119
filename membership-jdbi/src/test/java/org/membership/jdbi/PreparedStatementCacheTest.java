package org.membership.jdbi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.membership.api.Email;
import org.membership.api.UnableToPersistException;
import org.membership.api.User;
import org.membership.api.UserId;
import org.membership.api.UserStatus;

/** SQLite keeps each pooled connection's prepared statements, and a kept statement never holds anything open. */
final class PreparedStatementCacheTest {
    private static final User ANN = new User(UserId.of("ann"), Email.of("ann@example.com"), UserStatus.VALIDATED, false);
    private static final User BOB = new User(UserId.of("bob"), Email.of("bob@example.com"), UserStatus.VALIDATED, false);

    @TempDir
    Path directory;

    /** Records the statement objects JDBI runs, by SQL, and fails the chosen SQL after it ran while armed. */
    private static final class Watcher implements StatementHooks.Hook {
        final List<String> sql = new ArrayList<>();
        final List<PreparedStatement> statements = new ArrayList<>();
        String failAfter;

        @Override
        public void before(String text, PreparedStatement stmt) {
            sql.add(text);
            statements.add(stmt);
        }

        @Override
        public void after(String text, PreparedStatement stmt) throws SQLException {
            if (text.equals(failAfter)) {
                failAfter = null;
                throw new SQLException("failed after it ran");
            }
        }

        PreparedStatement last(String text) {
            return statements.get(sql.lastIndexOf(text));
        }
    }

    private JdbiStore store(Watcher watcher) {
        JdbiStore store = JdbiStore.sqlite(directory.resolve("membership.db"), JdbiStore.Options.defaults()
                .durability(JdbiStore.Durability.NORMAL).poolSize(1));
        store.statementHooks().add(watcher);
        return store;
    }

    @Test
    void sqlite_sameStatementInTwoTransactions_isPreparedOnceAndReused() {
        Watcher watcher = new Watcher();
        try (JdbiStore store = store(watcher)) {
            store.write(tx -> {
                tx.insertUser(ANN);
                return null;
            });
            String user = store.statements().user;

            assertEquals(Optional.of(ANN), store.read(tx -> tx.user(ANN.id())));
            PreparedStatement first = watcher.last(user);
            PreparedStatement begin = watcher.last("BEGIN DEFERRED");
            assertEquals(Optional.of(ANN), store.read(tx -> tx.user(ANN.id())));

            assertSame(first, watcher.last(user), "the connection's statement of that SQL, again");
            assertSame(begin, watcher.last("BEGIN DEFERRED"), "transaction boundaries too");
            assertNotSame(first, begin);
            assertTrue(watcher.sql.contains("COMMIT") && watcher.sql.contains("ROLLBACK"),
                    () -> "every statement passes the store's hooks: " + watcher.sql);
        }
    }

    @Test
    void sqlite_queryFailsAfterItRan_itsKeptStatementHoldsNoSnapshot() throws SQLException {
        Watcher watcher = new Watcher();
        Path file = directory.resolve("membership.db");
        try (JdbiStore store = store(watcher)) {
            store.write(tx -> {
                tx.insertUser(ANN);
                return null;
            });
            watcher.failAfter = store.statements().user;
            // The query ran and has a row waiting that nobody reads; the transaction rolls back.
            assertThrows(UnableToPersistException.class, () -> store.read(tx -> tx.user(ANN.id())));

            try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + file);
                 Statement s = other.createStatement()) {
                s.executeUpdate("INSERT INTO users (id, email, status, instance_admin)"
                        + " VALUES ('bob', 'bob@example.com', 'VALIDATED', 0)");
                try (ResultSet checkpoint = s.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
                    assertTrue(checkpoint.next());
                    assertEquals(0, checkpoint.getInt(1), "no connection holds a read snapshot the checkpoint must wait for");
                }
            }
            // The one pooled connection, with its kept statement, sees the other connection's commit.
            assertEquals(Optional.of(BOB), store.read(tx -> tx.user(BOB.id())));
            assertEquals(Optional.of(ANN), store.read(tx -> tx.user(ANN.id())));
        }
    }
}
