package org.membership.jdbi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.membership.api.Email;
import org.membership.api.UnableToPersistException;
import org.membership.api.User;
import org.membership.api.UserId;
import org.membership.api.UserStatus;
import org.postgresql.ds.PGSimpleDataSource;

/** What is particular to PostgreSQL: the host's own data source, and failures. */
final class PostgresStoreTest {
    private static final User ANN = new User(UserId.of("ann"), Email.of("ann@example.com"), UserStatus.VALIDATED, false);

    private PostgresDatabase database;
    private String url;

    @BeforeEach
    void freshSchema() {
        database = PostgresDatabase.require();
        url = database.freshSchema();
    }

    @AfterEach
    void dropSchema() {
        if (database != null) {
            database.close();
        }
    }

    @Test
    void postgresql_hostDataSourceWithoutAutoCommit_isLeftAsFoundAndNeverClosed() throws SQLException {
        List<Connection> handedOut = new ArrayList<>();
        PGSimpleDataSource host = new PGSimpleDataSource() {
            private static final long serialVersionUID = 1L;

            @Override
            public Connection getConnection() throws SQLException {
                Connection c = super.getConnection();
                c.setAutoCommit(false);
                handedOut.add(c);
                return c;
            }
        };
        host.setUrl(url);
        JdbiStore store = JdbiStore.postgresql(host, JdbiStore.Options.defaults());
        store.write(tx -> {
            tx.insertUser(ANN);
            return null;
        });
        store.close();
        assertEquals(Optional.of(ANN), JdbiStore.postgresql(host, JdbiStore.Options.defaults())
                .read(tx -> tx.user(ANN.id())), "committed although the host's connections do not auto-commit");
        for (Connection c : handedOut) {
            if (!c.isClosed()) {
                assertFalse(c.getAutoCommit(), "auto-commit restored");
            }
        }
        try (Connection c = host.getConnection()) {
            assertFalse(c.isClosed(), "the host's data source still works after close()");
        }
    }

    @Test
    void write_statementFailsHalfway_rollsBackEverything() {
        try (JdbiStore store = JdbiStore.postgresql(url)) {
            assertThrows(UnableToPersistException.class, () -> store.write(tx -> {
                tx.insertUser(ANN);
                tx.insertUser(new User(UserId.of("bob"), ANN.email(), UserStatus.VALIDATED, false));
                return null;
            }));
            assertEquals(Optional.empty(), store.read(tx -> tx.user(ANN.id())));
        }
    }

    @Test
    void write_workSwallowsAStatementFailure_isNeverCommitted() {
        try (JdbiStore store = JdbiStore.postgresql(url, JdbiStore.Options.defaults().maxAttempts(1))) {
            assertThrows(UnableToPersistException.class, () -> store.write(tx -> {
                tx.insertUser(ANN);
                try {
                    tx.insertUser(ANN);
                } catch (RuntimeException ignored) {
                    // PostgreSQL has aborted the transaction; a COMMIT now would silently roll back
                }
                return null;
            }));
            assertEquals(Optional.empty(), store.read(tx -> tx.user(ANN.id())));
        }
    }

    @Test
    void postgresql_notAPostgresUrl_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> JdbiStore.postgresql("jdbc:sqlite:x.db"));
    }
}
