package org.membership.benchmarks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A fresh schema on the PostgreSQL database named by {@code MEMBERSHIP_PG_URL} (or the system
 * property {@code membership.pg.url}), for one benchmark run; {@link #close()} drops it with
 * everything in it. Thread-safe.
 */
final class PostgresSchema implements AutoCloseable {
    static final String VARIABLE = "MEMBERSHIP_PG_URL";

    private final String base;
    private final String name;

    private PostgresSchema(String base, String name) {
        this.base = base;
        this.name = name;
    }

    /**
     * @return a new, empty schema
     * @throws IllegalStateException if no database is configured
     */
    static PostgresSchema create() throws SQLException {
        String url = System.getProperty("membership.pg.url", System.getenv(VARIABLE));
        if (url == null || url.isBlank()) {
            throw new IllegalStateException("set " + VARIABLE + " to a jdbc:postgresql: URL to run the PostgreSQL benchmarks");
        }
        PostgresSchema schema = new PostgresSchema(url, "membership_bench_"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
        schema.execute("CREATE SCHEMA " + schema.name);
        return schema;
    }

    /** @return a URL whose connections use this schema */
    String url() {
        return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + name;
    }

    /** @return a new connection to this schema */
    Connection connect() throws SQLException {
        return DriverManager.getConnection(url());
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(base); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Override
    public void close() throws SQLException {
        execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
    }
}
