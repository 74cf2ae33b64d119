package org.membership.jdbi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.membership.api.Email;
import org.membership.api.User;
import org.membership.api.UserId;
import org.membership.api.UserStatus;

/** What the Spring Boot starter reads from a store: its schema version, and each retried transaction. */
final class StoreHooksTest {
    private static final User ANN = new User(UserId.of("ann"), Email.of("ann@example.com"), UserStatus.VALIDATED, false);

    @TempDir
    Path directory;

    @Test
    void schemaVersion_isTheNewestMigration() {
        try (JdbiStore store = JdbiStore.sqlite(directory.resolve("membership.db"))) {
            assertEquals(Migrations.SCRIPTS.size(), store.schemaVersion());
        }
    }

    @Test
    void retryListener_hearsOfEachLostAttempt_beforeItIsRunAgain() throws Exception {
        Path file = directory.resolve("membership.db");
        JdbiStore.Options options = JdbiStore.Options.defaults().busyTimeout(Duration.ofMillis(10)).maxAttempts(5);
        try (JdbiStore store = JdbiStore.sqlite(file, options);
             Connection other = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = other.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            List<String> heard = new CopyOnWriteArrayList<>();
            store.retryListener((attempt, lost, cause) -> {
                heard.add(attempt + " " + !lost.isNegative() + " " + busy(cause));
                try {
                    s.execute("ROLLBACK"); // the other process lets go: the next attempt gets the lock
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
                throw new IllegalStateException("a failing listener changes nothing");
            });
            store.write(tx -> {
                tx.insertUser(ANN);
                return null;
            });
            assertEquals(List.of("1 true true"), heard);
            assertEquals(Optional.of(ANN), store.read(tx -> tx.user(ANN.id())));
        }
    }

    @Test
    void retryListener_isNotCalled_whenNothingIsRetried() {
        try (JdbiStore store = JdbiStore.sqlite(directory.resolve("membership.db"))) {
            List<Integer> heard = new CopyOnWriteArrayList<>();
            store.retryListener((attempt, lost, cause) -> heard.add(attempt));
            store.write(tx -> {
                tx.insertUser(ANN);
                return null;
            });
            assertTrue(store.read(tx -> tx.user(ANN.id())).isPresent());
            assertEquals(List.of(), heard);
        }
    }

    private static boolean busy(Throwable cause) {
        return Dialect.SQLITE.isRetryable(cause);
    }
}
