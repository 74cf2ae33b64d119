package org.membership.jdbi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.Connection;
import java.time.Instant;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.membership.api.AuditDetail;
import org.membership.api.AuditEntry;
import org.membership.api.Operation;
import org.membership.api.Organization;
import org.membership.api.OrganizationId;
import org.membership.api.WorkspaceId;
import org.membership.core.spi.Slice;
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

/** What is particular to PostgreSQL: the host's own data source, failures, and retries after a deadlock. */
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
    void write_deadlockedWithAnotherWriter_isRetriedAndBothCommit() throws Exception {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        try (JdbiStore store = JdbiStore.postgresql(url)) {
            store.write(tx -> {
                for (String id : List.of("a", "b")) {
                    tx.insertOrganization(new Organization(OrganizationId.of(id), id, WorkspaceId.of(id + "-d"), t));
                }
                return null;
            });
            CyclicBarrier bothHoldTheirFirstLock = new CyclicBarrier(2);
            AtomicInteger attempts = new AtomicInteger();
            BiFunction<String, String, String> lockBoth = (first, second) -> store.write(tx -> {
                int attempt = attempts.incrementAndGet();
                tx.lockOrganization(OrganizationId.of(first));
                if (attempt <= 2) {
                    try {
                        bothHoldTheirFirstLock.await(30, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
                tx.lockOrganization(OrganizationId.of(second));
                tx.appendAudit(new AuditEntry(0, t, "test", Operation.CREATE_WORKSPACE,
                        Optional.of(OrganizationId.of(first)), new AuditDetail.Untyped(first + " then " + second, List.of()),
                        ""));
                return first;
            });
            ExecutorService threads = Executors.newFixedThreadPool(2);
            try {
                Future<String> ab = threads.submit(() -> lockBoth.apply("a", "b"));
                Future<String> ba = threads.submit(() -> lockBoth.apply("b", "a"));
                assertEquals("a", ab.get(60, TimeUnit.SECONDS));
                assertEquals("b", ba.get(60, TimeUnit.SECONDS));
            } finally {
                threads.shutdownNow();
            }
            assertEquals(3, attempts.get(), "the deadlock victim ran once more");
            assertEquals(1, store.read(tx -> tx.auditTrail(Optional.of(OrganizationId.of("a")),
                    new Slice(Optional.empty(), Optional.empty(), 10))).size(), "each work committed once");
            assertEquals(1, store.read(tx -> tx.auditTrail(Optional.of(OrganizationId.of("b")),
                    new Slice(Optional.empty(), Optional.empty(), 10))).size());
        }
    }

    @Test
    void postgresql_notAPostgresUrl_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> JdbiStore.postgresql("jdbc:sqlite:x.db"));
    }
}
