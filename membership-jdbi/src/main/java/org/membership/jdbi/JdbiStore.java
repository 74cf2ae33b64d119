package org.membership.jdbi;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.membership.api.UnableToPersistException;
import org.membership.core.spi.MembershipStore;
import org.membership.core.spi.StoreTransaction;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * A durable {@link MembershipStore} on a SQLite file (zero set-up) or on PostgreSQL (for hosts that
 * run many instances over one database). It creates and migrates its own schema when it starts.
 *
 * <pre>{@code
 * try (JdbiStore store = JdbiStore.sqlite(Path.of("membership.db"))) {
 *     Membership membership = MembershipEngine.builder(store).build();
 *     ...
 * }
 *
 * JdbiStore shared = JdbiStore.postgresql("jdbc:postgresql://db/app?user=app&password=...",
 *         JdbiStore.Options.defaults().tablePrefix("membership_"));
 * }</pre>
 *
 * <p>Every {@link #write} is one database transaction: all of its writes commit together or none
 * does. On SQLite a write takes the database's write lock when it begins ({@code BEGIN IMMEDIATE});
 * on PostgreSQL {@link StoreTransaction#lockOrganization} locks the organization's row, so two
 * changes of one organization never interleave. A transaction that loses a race (SQLite busy or
 * locked, PostgreSQL serialization failure, deadlock or a unique key taken concurrently) is run
 * again as a whole, up to {@link Options#maxAttempts()} times with a short random pause; after that,
 * or on any other database failure, it is rolled back and {@link UnableToPersistException} is thrown.
 * {@link #read} runs in a read-only transaction on one consistent snapshot.
 *
 * <p>SQLite connections always run with WAL journaling, foreign keys on, the configured busy
 * timeout and {@link Durability} — set by the driver on every connection the pool opens.
 *
 * <p>Thread-safe. Close it to close the connection pool it opened (a host's own
 * {@link DataSource} is left open).
 */
public final class JdbiStore implements MembershipStore, AutoCloseable {
    /*
     * Design. Transactions are begun and ended with plain SQL (BEGIN IMMEDIATE, COMMIT, ROLLBACK) on
     * a connection in auto-commit mode, the same way on both databases: JDBC's own transaction
     * calls cannot ask SQLite for an immediate transaction on some connections and a deferred one on
     * others. Writers of one SQLite store also queue on a Java lock before BEGIN IMMEDIATE: they would
     * be serialized by the file lock anyway, and queueing in the JVM avoids the busy-wait polling of
     * SQLite's busy handler; the busy timeout still covers other processes on the same file.
     *
     * A transaction whose statement failed is never committed, even if the work swallowed the
     * failure: PostgreSQL answers COMMIT of an aborted transaction with a silent rollback.
     */

    /** How hard a SQLite commit tries to survive a power loss. PostgreSQL ignores it (it uses the server's settings). */
    public enum Durability {
        /**
         * {@code synchronous=FULL}: once {@link JdbiStore#write} returns, the change survives a crash
         * of the process and a power loss. The default.
         */
        FULL,
        /**
         * {@code synchronous=NORMAL}: a change survives a crash of the process, but a power loss or
         * operating-system crash may lose the last few commits (never corrupting the file, never
         * keeping half of a transaction). Faster commits, for hosts that accept that promise.
         */
        NORMAL
    }

    /**
     * How a store is set up. Immutable and thread-safe; start from {@link #defaults()}.
     *
     * <pre>{@code
     * JdbiStore.Options.defaults().durability(Durability.NORMAL).tablePrefix("membership_")
     * }</pre>
     *
     * @param durability SQLite's commit durability
     * @param busyTimeout how long a SQLite connection waits for another process's lock before failing
     * @param tablePrefix put before every table and index name: empty, or a lower-case letter then up to
     *                    19 lower-case letters, digits or underscores
     * @param maxAttempts how many times a transaction that lost a race is tried in all, at least 1
     * @param poolSize the most connections the store's own pool opens, at least 1
     */
    public record Options(Durability durability, Duration busyTimeout, String tablePrefix, int maxAttempts,
                          int poolSize) {
        private static final Pattern PREFIX = Pattern.compile("|[a-z][a-z0-9_]{0,19}");

        /**
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if the prefix is not a plain identifier or a number is out of range
         */
        public Options {
            Objects.requireNonNull(durability, "durability");
            Objects.requireNonNull(busyTimeout, "busyTimeout");
            Objects.requireNonNull(tablePrefix, "tablePrefix");
            if (busyTimeout.isNegative() || busyTimeout.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("busyTimeout must be between 0 and " + Integer.MAX_VALUE + " ms");
            }
            if (!PREFIX.matcher(tablePrefix).matches()) {
                throw new IllegalArgumentException("tablePrefix must be empty or a lower-case letter followed by"
                        + " at most 19 lower-case letters, digits or '_', not \"" + tablePrefix + "\"");
            }
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1");
            }
            if (poolSize < 1) {
                throw new IllegalArgumentException("poolSize must be at least 1");
            }
        }

        /** @return FULL durability, a 5 s busy timeout, no table prefix, 8 attempts, 4 pooled connections */
        public static Options defaults() {
            return new Options(Durability.FULL, Duration.ofSeconds(5), "", 8, 4);
        }

        /**
         * @param value the durability
         * @return a copy with it
         */
        public Options durability(Durability value) {
            return new Options(value, busyTimeout, tablePrefix, maxAttempts, poolSize);
        }

        /**
         * @param value the busy timeout
         * @return a copy with it
         */
        public Options busyTimeout(Duration value) {
            return new Options(durability, value, tablePrefix, maxAttempts, poolSize);
        }

        /**
         * @param value the table prefix
         * @return a copy with it
         */
        public Options tablePrefix(String value) {
            return new Options(durability, busyTimeout, value, maxAttempts, poolSize);
        }

        /**
         * @param value how many times a transaction is tried in all
         * @return a copy with it
         */
        public Options maxAttempts(int value) {
            return new Options(durability, busyTimeout, tablePrefix, value, poolSize);
        }

        /**
         * @param value the most pooled connections
         * @return a copy with it
         */
        public Options poolSize(int value) {
            return new Options(durability, busyTimeout, tablePrefix, maxAttempts, value);
        }
    }

    private final Jdbi jdbi;
    private final Dialect dialect;
    private final Statements sql;
    private final HikariDataSource ownPool;
    private final ReentrantLock localWriters;
    private final int maxAttempts;

    private JdbiStore(DataSource dataSource, HikariDataSource ownPool, Dialect dialect, Options options) {
        this.jdbi = Jdbi.create(dataSource);
        // Statements are plain SQL with positional parameters: no templating to apply.
        this.jdbi.getConfig(org.jdbi.v3.core.statement.SqlStatements.class)
                .setTemplateEngine(org.jdbi.v3.core.statement.TemplateEngine.NOP);
        if (dialect == Dialect.SQLITE) {
            // sqlite-jdbc prepares every statement anew; keep each connection's (PreparedStatementCache).
            this.jdbi.setStatementBuilderFactory(new PreparedStatementCache());
        }
        this.dialect = dialect;
        this.sql = new Statements(dialect, options.tablePrefix());
        this.ownPool = ownPool;
        this.localWriters = dialect == Dialect.SQLITE ? new ReentrantLock(true) : null;
        this.maxAttempts = options.maxAttempts();
        try {
            transaction(true, "migrate the schema", handle -> {
                Migrations.migrate(handle, dialect, sql);
                return null;
            }, null);
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /**
     * Opens (creating if needed) a store in a SQLite file with the default {@link Options}.
     *
     * @param file the database file; its directory must exist
     * @return the store, its schema up to date
     * @throws NullPointerException if file is null
     * @throws UnableToPersistException if the file cannot be opened
     * @throws UnableToMigrateException if its schema cannot be brought up to date
     */
    public static JdbiStore sqlite(Path file) {
        return sqlite(file, Options.defaults());
    }

    /**
     * Opens (creating if needed) a store in a SQLite file.
     *
     * @param file the database file; its directory must exist
     * @param options durability, busy timeout, table prefix, retries and pool size
     * @return the store, its schema up to date
     * @throws NullPointerException if an argument is null
     * @throws UnableToPersistException if the file cannot be opened
     * @throws UnableToMigrateException if its schema cannot be brought up to date
     */
    public static JdbiStore sqlite(Path file, Options options) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(options, "options");
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(options.durability() == Durability.FULL
                ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout((int) options.busyTimeout().toMillis());
        config.enforceForeignKeys(true);
        SQLiteDataSource sqlite = new SQLiteDataSource(config);
        sqlite.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
        HikariConfig pool = new HikariConfig();
        pool.setDataSource(sqlite);
        // Two processes opening a new file at once: switching it to WAL can fail with SQLITE_BUSY
        // before any busy handler applies, so keep trying to get the first connection for a while.
        pool.setInitializationFailTimeout(Math.max(options.busyTimeout().toMillis(), 1000));
        return open(pool, Dialect.SQLITE, options, "sqlite:" + file.getFileName());
    }

    /**
     * Opens a store on PostgreSQL with the default {@link Options}, through a pool the store owns.
     *
     * @param jdbcUrl a {@code jdbc:postgresql:} URL, with credentials as its parameters if needed
     * @return the store, its schema up to date
     * @throws NullPointerException if jdbcUrl is null
     * @throws IllegalArgumentException if it is not a PostgreSQL URL
     * @throws UnableToPersistException if the database cannot be reached
     * @throws UnableToMigrateException if its schema cannot be brought up to date
     */
    public static JdbiStore postgresql(String jdbcUrl) {
        return postgresql(jdbcUrl, Options.defaults());
    }

    /**
     * Opens a store on PostgreSQL through a pool the store owns.
     *
     * @param jdbcUrl a {@code jdbc:postgresql:} URL, with credentials as its parameters if needed
     * @param options table prefix, retries and pool size (durability and busy timeout are SQLite's)
     * @return the store, its schema up to date
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if it is not a PostgreSQL URL
     * @throws UnableToPersistException if the database cannot be reached
     * @throws UnableToMigrateException if its schema cannot be brought up to date
     */
    public static JdbiStore postgresql(String jdbcUrl, Options options) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(options, "options");
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("jdbcUrl must start with jdbc:postgresql:");
        }
        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl(jdbcUrl);
        return open(pool, Dialect.POSTGRESQL, options, "postgresql");
    }

    /**
     * Opens a store on PostgreSQL through the host's own data source, which the store never closes.
     * Its connections may be in either auto-commit mode; the store leaves them as it found them.
     *
     * @param dataSource connections to the host's PostgreSQL database
     * @param options table prefix and retries (pool size, durability and busy timeout do not apply)
     * @return the store, its schema up to date
     * @throws NullPointerException if an argument is null
     * @throws UnableToPersistException if the database cannot be reached
     * @throws UnableToMigrateException if its schema cannot be brought up to date
     */
    public static JdbiStore postgresql(DataSource dataSource, Options options) {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(options, "options");
        return new JdbiStore(dataSource, null, Dialect.POSTGRESQL, options);
    }

    private static JdbiStore open(HikariConfig pool, Dialect dialect, Options options, String name) {
        pool.setPoolName("membership-" + name);
        pool.setMaximumPoolSize(options.poolSize());
        pool.setMinimumIdle(Math.min(1, options.poolSize()));
        pool.setAutoCommit(true);
        HikariDataSource dataSource;
        try {
            dataSource = new HikariDataSource(pool);
        } catch (RuntimeException e) {
            throw new UnableToPersistException("cannot open the " + dialect.name().toLowerCase() + " database", e);
        }
        return new JdbiStore(dataSource, dataSource, dialect, options);
    }

    @Override
    public <T> T write(Function<StoreTransaction, T> work) {
        Objects.requireNonNull(work, "work");
        return transaction(true, "write", null, work);
    }

    @Override
    public <T> T read(Function<StoreTransaction, T> work) {
        Objects.requireNonNull(work, "work");
        return transaction(false, "read", null, work);
    }

    /** Closes the connection pool the store opened, if any. Idempotent. */
    @Override
    public void close() {
        if (ownPool != null) {
            ownPool.close();
        }
    }

    /** @return the JDBI instance, for this module's tests */
    Jdbi jdbi() {
        return jdbi;
    }

    /** @return the statements with this store's prefix, for this module's tests */
    Statements statements() {
        return sql;
    }

    /** Signals that the attempt lost a race and may be run again. */
    private static final class Retry extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Retry(Throwable cause) {
            super(cause);
        }
    }

    /** Runs {@code raw} (on the handle) or {@code work} (on a transaction) in one transaction, retried on lost races. */
    private <T> T transaction(boolean writable, String what, Function<Handle, T> raw,
                              Function<StoreTransaction, T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return attempt(writable, what, raw, work);
            } catch (Retry retry) {
                if (attempt >= maxAttempts) {
                    throw new UnableToPersistException("could not " + what + ": the transaction lost a race with"
                            + " another one " + attempt + " times", retry.getCause());
                }
                pause(attempt, retry.getCause());
            }
        }
    }

    private <T> T attempt(boolean writable, String what, Function<Handle, T> raw, Function<StoreTransaction, T> work) {
        if (writable && localWriters != null) {
            localWriters.lock();
        }
        try (Handle handle = open(what)) {
            Connection connection = handle.getConnection();
            boolean autoCommit = autoCommit(connection, what);
            try {
                return inTransaction(handle, writable, what, raw, work);
            } finally {
                if (!autoCommit) {
                    restoreAutoCommit(connection);
                }
            }
        } finally {
            if (writable && localWriters != null) {
                localWriters.unlock();
            }
        }
    }

    private <T> T inTransaction(Handle handle, boolean writable, String what, Function<Handle, T> raw,
                                Function<StoreTransaction, T> work) {
        try {
            handle.execute(writable ? dialect.beginWrite : dialect.beginRead);
        } catch (JdbiException e) {
            // The BEGIN may have run although it reported a failure: never pool a connection left in a transaction.
            rollbackUnsure(handle, e);
            throw failure(what, e);
        }
        JdbiTransaction tx = work == null ? null : new JdbiTransaction(handle, sql, writable);
        T result;
        try {
            result = raw != null ? raw.apply(handle) : work.apply(tx);
            if (tx != null && tx.failure() != null) {
                throw tx.failure();
            }
        } catch (JdbiException e) {
            rollback(handle, e);
            throw failure(what, e);
        } catch (RuntimeException | Error e) {
            rollback(handle, e);
            if (tx != null && tx.failure() != null) {
                // The work failed because a statement did (perhaps wrapped): report the database failure.
                e.addSuppressed(tx.failure());
                throw failure(what, tx.failure());
            }
            throw e;
        } finally {
            if (tx != null) {
                tx.close();
            }
        }
        try {
            handle.execute(writable ? "COMMIT" : "ROLLBACK");
        } catch (JdbiException e) {
            rollback(handle, e);
            throw failure(what, e);
        }
        return result;
    }

    private Handle open(String what) {
        try {
            return jdbi.open();
        } catch (JdbiException e) {
            throw failure(what, e);
        }
    }

    private RuntimeException failure(String what, Throwable e) {
        if (dialect.isRetryable(e)) {
            return new Retry(e);
        }
        return new UnableToPersistException("could not " + what + "; nothing of it was stored", e);
    }

    private static boolean autoCommit(Connection connection, String what) {
        try {
            if (!connection.getAutoCommit()) {
                connection.setAutoCommit(true);
                return false;
            }
            return true;
        } catch (SQLException e) {
            throw new UnableToPersistException("could not " + what + ": the connection failed", e);
        }
    }

    private static void restoreAutoCommit(Connection connection) {
        try {
            connection.setAutoCommit(false);
        } catch (SQLException ignored) {
            // The connection is broken; the pool will notice and discard it.
        }
    }

    private void rollback(Handle handle, Throwable cause) {
        try {
            handle.execute("ROLLBACK");
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
            // The connection may still be inside the transaction: never hand it out again.
            if (ownPool != null) {
                ownPool.evictConnection(handle.getConnection());
            } else {
                try {
                    handle.getConnection().abort(Runnable::run);
                } catch (SQLException | RuntimeException abortFailed) {
                    cause.addSuppressed(abortFailed);
                }
            }
        }
    }

    /** Rolls back a transaction that may not have begun; failing because none is active is expected and harmless. */
    private static void rollbackUnsure(Handle handle, Throwable cause) {
        try {
            handle.execute("ROLLBACK");
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    private static void pause(int attempt, Throwable cause) {
        long ceiling = Math.min(2L << attempt, 100L);
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, ceiling + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnableToPersistException("interrupted while waiting to retry a transaction", cause);
        }
    }
}
