package org.membership.spring.autoconfigure;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * The PostgreSQL database of the PostgreSQL tests, named by {@code MEMBERSHIP_PG_URL} (or
 * {@code -Dmembership.pg.url}), as in membership-jdbi's suite: without it the tests are skipped, except
 * with {@code CI=true}, where they fail. Each test class gets a fresh schema. Not thread-safe.
 */
final class PostgresDatabase {
    private static final String VARIABLE = "MEMBERSHIP_PG_URL";
    private final String url;
    private final String schema = "membership_spring_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);

    private PostgresDatabase(String url) {
        this.url = url;
    }

    static PostgresDatabase require() {
        String url = System.getProperty("membership.pg.url", System.getenv(VARIABLE));
        if (url == null || url.isBlank()) {
            if ("true".equals(System.getenv("CI"))) {
                fail("CI=true, so the PostgreSQL tests must run, but " + VARIABLE + " is not set");
            }
            Assumptions.abort("the PostgreSQL tests were skipped: set " + VARIABLE + " to run them");
        }
        PostgresDatabase database = new PostgresDatabase(url);
        database.execute("CREATE SCHEMA " + database.schema);
        return database;
    }

    /** @return a URL whose connections use this database's own schema */
    String url() {
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    void drop() {
        execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    private void execute(String sql) {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run " + sql, e);
        }
    }
}
