package org.membership.jdbi;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;

/**
 * Empty stores for the contracts, cheaply. Opening a store creates its schema, which costs a
 * quarter of a second on either database (mostly the commit of the DDL), and the rules contract
 * asks for a new store for every example, hundreds per property. So this keeps a ring of
 * {@link #RING} migrated stores and hands out the least recently used one after deleting every
 * row and restarting the audit sequence: as empty as a new store, by the same SQL a host's
 * database would see. No contract uses more than two stores at once.
 *
 * <p>SQLite stores live in files of one directory; PostgreSQL stores share one fresh schema and
 * one connection pool, each under its own table prefix. {@link #close()} closes the stores and
 * the pool and drops the schema. Not thread-safe: a contract asks for stores from its test thread.
 */
final class ContractStores implements AutoCloseable {
    static final int RING = 4;
    /** Children before parents, so that foreign keys never refuse a delete. */
    private static final List<String> TABLES = List.of("workspace_members", "organization_members", "invitations",
            "workspaces", "organizations", "users", "audit_trail", "feed_events", "feed_consumers", "feed_parked");

    private final Dialect dialect;
    private final Supplier<JdbiStore> opener;
    private final Runnable onClose;
    private final Deque<JdbiStore> ring = new ArrayDeque<>();

    private ContractStores(Dialect dialect, Supplier<JdbiStore> opener, Runnable onClose) {
        this.dialect = dialect;
        this.opener = opener;
        this.onClose = onClose;
    }

    /**
     * @param directory where the database files go
     * @param options the stores' options
     * @return SQLite stores
     */
    static ContractStores sqlite(Path directory, JdbiStore.Options options) {
        int[] files = {0};
        return new ContractStores(Dialect.SQLITE, () -> JdbiStore.sqlite(directory.resolve("store-" + (++files[0]) + ".db"), options),
                () -> { });
    }

    /**
     * @param options the stores' options; their table prefix is replaced
     * @param waitForFlush whether a commit waits for the server to flush it to disk ({@code synchronous_commit});
     *                     turn it off where durability is not what is tested, as SQLite's tests use NORMAL
     * @return PostgreSQL stores in a fresh schema; skips the calling class (fails in CI) without a database
     */
    static ContractStores postgresql(JdbiStore.Options options, boolean waitForFlush) {
        PostgresDatabase database = PostgresDatabase.require();
        HikariConfig config = new HikariConfig();
        config.setPoolName("membership-contracts");
        config.setJdbcUrl(database.freshSchema());
        if (!waitForFlush) {
            config.addDataSourceProperty("options", "-c synchronous_commit=off");
        }
        config.setMaximumPoolSize(8);
        config.setMinimumIdle(1);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
        int[] prefixes = {0};
        return new ContractStores(Dialect.POSTGRESQL, () -> JdbiStore.postgresql(pool, options.tablePrefix("s" + (++prefixes[0]) + "_")),
                () -> {
                    try {
                        pool.close();
                    } finally {
                        database.close();
                    }
                });
    }

    /** @return an empty store, new or emptied */
    JdbiStore open() {
        if (ring.size() < RING) {
            JdbiStore store = opener.get();
            ring.addLast(store);
            return store;
        }
        JdbiStore store = ring.removeFirst();
        empty(store);
        ring.addLast(store);
        return store;
    }

    private void empty(JdbiStore store) {
        Statements sql = store.statements();
        store.jdbi().useTransaction(handle -> {
            for (String table : TABLES) {
                handle.execute(sql.t("DELETE FROM ${p}" + table));
            }
            if (dialect == Dialect.SQLITE) {
                handle.execute("DELETE FROM sqlite_sequence WHERE name = ?", sql.t("${p}audit_trail"));
                handle.execute("DELETE FROM sqlite_sequence WHERE name = ?", sql.t("${p}feed_events"));
            } else {
                handle.createQuery("SELECT setval(pg_get_serial_sequence(?, 'seq'), 1, false)")
                        .bind(0, sql.t("${p}audit_trail")).mapTo(Long.class).one();
                handle.createQuery("SELECT setval(pg_get_serial_sequence(?, 'id'), 1, false)")
                        .bind(0, sql.t("${p}feed_events")).mapTo(Long.class).one();
                handle.execute(sql.t("UPDATE ${p}feed_head SET position = 0"));
            }
        });
    }

    @Override
    public void close() {
        try {
            while (!ring.isEmpty()) {
                ring.removeFirst().close();
            }
        } finally {
            onClose.run();
        }
    }
}
