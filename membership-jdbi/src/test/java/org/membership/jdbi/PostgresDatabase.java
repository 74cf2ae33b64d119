package org.membership.jdbi;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * The PostgreSQL database of the PostgreSQL suite, named by {@code MEMBERSHIP_PG_URL} (or the
 * system property {@code membership.pg.url}). Each store gets a fresh schema, dropped by {@link #close()}.
 * Without a URL the suite is skipped with a message saying how to run it, except when {@code CI=true}:
 * there a skipped suite would hide a broken store, so it fails.
 */
final class PostgresDatabase implements AutoCloseable {
    static final String VARIABLE = "MEMBERSHIP_PG_URL";
    static final String HOW = "set " + VARIABLE + " (or -Dmembership.pg.url) to a JDBC URL to run it, for example "
            + VARIABLE
            + "='jdbc:postgresql://localhost:5432/membership_test?user=membership&password=membership'";
    private static boolean told;

    private final String url;
    private final List<String> schemas = new ArrayList<>();

    private PostgresDatabase(String url) {
        this.url = url;
    }

    /** @return the database, or aborts (skips) the calling test class when none is configured; fails in CI */
    static PostgresDatabase require() {
        String url = System.getProperty("membership.pg.url", System.getenv(VARIABLE));
        if (url == null || url.isBlank()) {
            if ("true".equals(System.getenv("CI"))) {
                fail("CI=true, so the PostgreSQL suite must run, but " + VARIABLE + " is not set: " + HOW);
            }
            synchronized (PostgresDatabase.class) {
                if (!told) {
                    told = true;
                    System.err.println("NOTE: the PostgreSQL suite was skipped: " + HOW);
                }
            }
            Assumptions.abort("the PostgreSQL suite was skipped: " + HOW);
        }
        return new PostgresDatabase(url);
    }

    /** @return the base URL, for statements outside any test schema */
    String url() {
        return url;
    }

    /** @return a URL whose connections use a new, empty schema */
    String freshSchema() {
        String schema = "membership_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        execute("CREATE SCHEMA " + schema);
        synchronized (schemas) {
            schemas.add(schema);
        }
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    void execute(String sql) {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run " + sql, e);
        }
    }

    @Override
    public void close() {
        List<String> drop;
        synchronized (schemas) {
            drop = new ArrayList<>(schemas);
            schemas.clear();
        }
        for (String schema : drop) {
            execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }
}
