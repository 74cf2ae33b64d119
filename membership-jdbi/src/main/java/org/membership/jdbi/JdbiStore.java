package org.membership.jdbi;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jdbi.v3.core.ConnectionFactory;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.membership.api.FeedEvent;
import org.membership.api.FeedPosition;
import org.membership.api.UnableToPersistException;
import org.membership.api.UnableToSerializeTransactionException;
import org.membership.core.spi.MembershipStore;
import org.membership.core.spi.StoreTransaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
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
 * does. Its locks follow the locking protocol of the SPI's package documentation
 * ({@link org.membership.core.spi}): on SQLite a write takes the database's write lock when it
 * begins ({@code BEGIN IMMEDIATE}), on PostgreSQL the locks are row locks (see {@code Dialect}). A
 * transaction that loses a race (SQLite busy or locked, PostgreSQL serialization failure, deadlock or
 * a unique key taken concurrently) is run again as a whole, up to {@link Options#maxAttempts()} times
 * with a short random pause; after that, or on any other database failure, it is rolled back and
 * {@link UnableToPersistException} is thrown.
 * {@link #read} runs in a read-only transaction on one consistent snapshot.
 *
 * <p>Every change writes its events to the change feed in its own transaction (the outbox protocol of
 * the SPI's package documentation): on SQLite the event's row id is its position; on PostgreSQL a
 * sequencer numbers committed events right after each commit, and before each read of the feed.
 * Followers of the feed are woken at once by changes this store commits, by PostgreSQL's
 * {@code LISTEN}/{@code NOTIFY} for changes of other processes (a dedicated connection, held while
 * anyone waits), and otherwise by polling the feed's head every {@link Options#feedPollInterval()}.
 *
 * <p>SQLite connections always run with WAL journaling, foreign keys on, the configured busy
 * timeout and {@link Durability} — set by the driver on every connection the pool opens — and
 * without the driver's generated keys (the store reads what an insert made with {@code RETURNING}).
 *
 * <p>The connection pool (HikariCP) and the two JDBC drivers are optional dependencies: a host brings
 * the driver of its database and, for a store that opens its own connections ({@link #sqlite(Path)},
 * {@link #postgresql(String)}), the pool, at the versions it chooses; a factory that misses one says
 * which. The module logs through SLF4J.
 *
 * <p>A host hands the store to {@code MembershipEngine.builder} and calls the engine; the
 * {@link MembershipStore} methods are the SPI the engine calls, not an API for hosts (rows read or
 * written through them skip every rule).
 *
 * <p>Thread-safe. Close it to close the connection pool it opened (a host's own
 * {@link DataSource} is left open).
 */
public final class JdbiStore implements MembershipStore, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JdbiStore.class);
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
     *
     * A transaction's statements, its BEGIN and COMMIT among them, run on plain JDBC
     * (StoreConnection) over each SQLite connection's kept prepared statements, and so does a read of
     * the feed; JDBI runs the schema migrations, the feed's head and numbering and, in a host's
     * transaction, the savepoints. Every statement on either path passes StatementHooks, where the
     * tests inject their faults.
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
     * @param poolSize the most connections the store's own pool opens, at least 1 (on PostgreSQL one more is
     *                 opened, outside the pool, to listen for other processes' changes while a follower waits)
     * @param feedPollInterval how often a waiting follower of the change feed looks at its head when nothing
     *                         wakes it: the delay after which another process's change on SQLite is seen, and
     *                         on PostgreSQL the fallback should a notification be missed; positive
     * @param feedNotifications PostgreSQL: whether followers listen for other processes' changes
     *                          ({@code LISTEN}); turn it off where connections cannot listen (a pooler in
     *                          transaction mode), and followers poll every {@code feedPollInterval}
     */
    public record Options(Durability durability, Duration busyTimeout, String tablePrefix, int maxAttempts,
                          int poolSize, Duration feedPollInterval, boolean feedNotifications) {
        private static final Pattern PREFIX = Pattern.compile("|[a-z][a-z0-9_]{0,19}");

        /**
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if the prefix is not a plain identifier or a number is out of range
         */
        public Options {
            Objects.requireNonNull(durability, "durability");
            Objects.requireNonNull(busyTimeout, "busyTimeout");
            Objects.requireNonNull(tablePrefix, "tablePrefix");
            Objects.requireNonNull(feedPollInterval, "feedPollInterval");
            if (feedPollInterval.isNegative() || feedPollInterval.isZero()) {
                throw new IllegalArgumentException("feedPollInterval must be positive");
            }
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

        /**
         * @return FULL durability, a 5 s busy timeout, no table prefix, 8 attempts, 4 pooled connections, the
         *         feed's head looked at every 20 ms by waiting followers, notifications on
         */
        public static Options defaults() {
            return new Options(Durability.FULL, Duration.ofSeconds(5), "", 8, 4, Duration.ofMillis(20), true);
        }

        /**
         * @param value the durability
         * @return a copy with it
         */
        public Options durability(Durability value) {
            return new Options(value, busyTimeout, tablePrefix, maxAttempts, poolSize, feedPollInterval, feedNotifications);
        }

        /**
         * @param value the busy timeout
         * @return a copy with it
         */
        public Options busyTimeout(Duration value) {
            return new Options(durability, value, tablePrefix, maxAttempts, poolSize, feedPollInterval, feedNotifications);
        }

        /**
         * @param value the table prefix
         * @return a copy with it
         */
        public Options tablePrefix(String value) {
            return new Options(durability, busyTimeout, value, maxAttempts, poolSize, feedPollInterval, feedNotifications);
        }

        /**
         * @param value how many times a transaction is tried in all
         * @return a copy with it
         */
        public Options maxAttempts(int value) {
            return new Options(durability, busyTimeout, tablePrefix, value, poolSize, feedPollInterval, feedNotifications);
        }

        /**
         * @param value the most pooled connections
         * @return a copy with it
         */
        public Options poolSize(int value) {
            return new Options(durability, busyTimeout, tablePrefix, maxAttempts, value, feedPollInterval, feedNotifications);
        }

        /**
         * @param value how often a waiting follower looks at the feed's head
         * @return a copy with it
         */
        public Options feedPollInterval(Duration value) {
            return new Options(durability, busyTimeout, tablePrefix, maxAttempts, poolSize, value, feedNotifications);
        }

        /**
         * @param value whether followers on PostgreSQL listen for other processes' changes
         * @return a copy with it
         */
        public Options feedNotifications(boolean value) {
            return new Options(durability, busyTimeout, tablePrefix, maxAttempts, poolSize, feedPollInterval, value);
        }
    }

    /**
     * Hears of every transaction attempt that lost a race (see {@link JdbiStore}) and is about to be run
     * again: the hook a host's metrics time retries with. Implementations must be thread-safe and quick;
     * one that throws is logged and ignored.
     */
    @FunctionalInterface
    public interface RetryListener {
        /**
         * @param attempt the attempt that lost, 1 for the first
         * @param lost how long that attempt ran before it lost
         * @param cause the database's report of the lost race
         */
        void retrying(int attempt, Duration lost, Throwable cause);
    }

    private final Jdbi jdbi;
    private final Dialect dialect;
    private final Statements sql;
    private final HikariDataSource ownPool;
    private final ReentrantLock localWriters;
    private final int maxAttempts;
    private final FeedWakeups wakeups;
    private final HostTransactions host;
    /** The host's connection while a command runs in the host's transaction; the handles' connection then. */
    private final ThreadLocal<Connection> joining = new ThreadLocal<>();
    /** Set while actions after a host's commit run: what they do runs in transactions of the store's own. */
    private final ThreadLocal<Boolean> detached = new ThreadLocal<>();
    private volatile RetryListener retryListener = (attempt, lost, cause) -> { };
    /** SQLite: each pooled connection's kept statements; null on PostgreSQL. */
    private final PreparedStatementCache statementCache;
    private final StatementHooks hooks = new StatementHooks();
    /** The pool's connections, or the host's while a command runs in the host's transaction ({@link #joining}). */
    private final ConnectionFactory connections;

    private JdbiStore(DataSource dataSource, HikariDataSource ownPool, Dialect dialect, Options options,
                      FeedWakeups.Listening listening, HostTransactions host) {
        this.host = host;
        this.connections = new ConnectionFactory() {
            @Override
            public Connection openConnection() throws SQLException {
                Connection joined = joining.get();
                return joined != null ? joined : dataSource.getConnection();
            }

            @Override
            public void closeConnection(Connection connection) throws SQLException {
                if (connection != joining.get()) {
                    connection.close();
                }
            }
        };
        this.jdbi = Jdbi.create(connections);
        // Statements are plain SQL with positional parameters: no templating to apply.
        this.jdbi.getConfig(org.jdbi.v3.core.statement.SqlStatements.class)
                .setTemplateEngine(org.jdbi.v3.core.statement.TemplateEngine.NOP);
        // sqlite-jdbc prepares every statement anew; keep each connection's (PreparedStatementCache).
        this.statementCache = dialect == Dialect.SQLITE ? new PreparedStatementCache() : null;
        if (statementCache != null) {
            this.jdbi.setStatementBuilderFactory(statementCache);
        }
        this.jdbi.getConfig(org.jdbi.v3.core.statement.SqlStatements.class).addCustomizer(hooks);
        this.dialect = dialect;
        this.sql = new Statements(dialect, options.tablePrefix());
        this.ownPool = ownPool;
        this.localWriters = dialect == Dialect.SQLITE ? new ReentrantLock(true) : null;
        this.maxAttempts = options.maxAttempts();
        this.wakeups = new FeedWakeups(options.feedPollInterval(), listening);
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
        require("org.sqlite.SQLiteDataSource", "the SQLite driver, org.xerial:sqlite-jdbc");
        require("com.zaxxer.hikari.HikariDataSource", "the connection pool, com.zaxxer:HikariCP (or pass your own DataSource)");
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(options.durability() == Durability.FULL
                ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout((int) options.busyTimeout().toMillis());
        // The store reads the keys an INSERT makes with RETURNING; without this the driver runs
        // SELECT last_insert_rowid(), prepared anew, after every INSERT.
        config.setGetGeneratedKeys(false);
        config.enforceForeignKeys(true);
        SQLiteDataSource sqlite = new SQLiteDataSource(config);
        sqlite.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
        HikariConfig pool = new HikariConfig();
        pool.setDataSource(sqlite);
        // Two processes opening a new file at once: switching it to WAL can fail with SQLITE_BUSY
        // before any busy handler applies, so keep trying to get the first connection for a while.
        pool.setInitializationFailTimeout(Math.max(options.busyTimeout().toMillis(), 1000));
        return open(pool, Dialect.SQLITE, options, "sqlite:" + file.getFileName(), null);
    }

    /**
     * Opens a store on the host's own SQLite data source that joins the host's transactions (see
     * {@link HostTransactions}); outside them it runs transactions of its own on that data source.
     * The host's connections must have foreign keys on, and should use WAL journaling and a busy
     * timeout, as the store's own connections do; the store never closes the data source.
     *
     * @param dataSource connections to the host's SQLite file
     * @param options table prefix and retries (durability, busy timeout and pool size are the host's)
     * @param host the host's transactions
     * @return the store, its schema up to date
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the data source's connections do not enforce foreign keys
     * @throws UnableToPersistException if the database cannot be reached
     * @throws UnableToMigrateException if its schema cannot be brought up to date
     */
    public static JdbiStore sqlite(DataSource dataSource, Options options, HostTransactions host) {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(host, "host");
        try (Connection connection = dataSource.getConnection(); java.sql.Statement pragma = connection.createStatement();
             java.sql.ResultSet keys = pragma.executeQuery("PRAGMA foreign_keys")) {
            if (!keys.next() || keys.getInt(1) != 1) {
                throw new IllegalArgumentException("the host's SQLite connections must enforce foreign keys"
                        + " (PRAGMA foreign_keys = ON, or SQLiteConfig.enforceForeignKeys(true))");
            }
        } catch (SQLException e) {
            throw new UnableToPersistException("cannot reach the host's SQLite database", e);
        }
        return new JdbiStore(dataSource, null, Dialect.SQLITE, options, null, host);
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
        require("org.postgresql.PGConnection", "the PostgreSQL driver, org.postgresql:postgresql");
        require("com.zaxxer.hikari.HikariDataSource", "the connection pool, com.zaxxer:HikariCP (or pass your own DataSource)");
        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl(jdbcUrl);
        return open(pool, Dialect.POSTGRESQL, options, "postgresql", !options.feedNotifications() ? null
                : PostgresListener.channel(options.tablePrefix(), () -> java.sql.DriverManager.getConnection(jdbcUrl)));
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
        return new JdbiStore(dataSource, null, Dialect.POSTGRESQL, options, !options.feedNotifications() ? null
                : PostgresListener.channel(options.tablePrefix(), dataSource::getConnection), null);
    }

    /**
     * Opens a store on PostgreSQL through the host's own data source that joins the host's
     * transactions (see {@link HostTransactions}); outside them it runs transactions of its own on
     * that data source, which the store never closes.
     *
     * @param dataSource connections to the host's PostgreSQL database (the one its transactions use)
     * @param options table prefix and retries (pool size, durability and busy timeout do not apply)
     * @param host the host's transactions
     * @return the store, its schema up to date
     * @throws NullPointerException if an argument is null
     * @throws UnableToPersistException if the database cannot be reached
     * @throws UnableToMigrateException if its schema cannot be brought up to date
     */
    public static JdbiStore postgresql(DataSource dataSource, Options options, HostTransactions host) {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(host, "host");
        return new JdbiStore(dataSource, null, Dialect.POSTGRESQL, options, !options.feedNotifications() ? null
                : PostgresListener.channel(options.tablePrefix(), dataSource::getConnection), host);
    }

    /*
     * The drivers and the pool are optional dependencies (a host brings the ones it uses, at its own
     * versions). Nothing here touches one of their classes before the factory that needs it has
     * checked that it is there, so a store on a host's DataSource runs without the pool and without
     * the other database's driver.
     */
    private static void require(String className, String what) {
        try {
            Class.forName(className, false, JdbiStore.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("this store needs " + what + " on the class path", e);
        }
    }

    private static JdbiStore open(HikariConfig pool, Dialect dialect, Options options, String name,
                                  FeedWakeups.Listening listening) {
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
        return new JdbiStore(dataSource, dataSource, dialect, options, listening, null);
    }

    @Override
    public <T> T write(Function<StoreTransaction, T> work) {
        Objects.requireNonNull(work, "work");
        return transaction(true, "write", null, work);
    }

    /**
     * {@inheritDoc} On SQLite: when no other writer of this store holds the write lock and the file's
     * write lock is free, which {@code BEGIN IMMEDIATE} finds out without waiting (a busy timeout of 0 for
     * that statement alone); a lost race after that is retried as {@link #write} does. On PostgreSQL, and
     * inside a host's transaction, it runs nothing: there the planner checks scope before any lock.
     */
    @Override
    public <T> Optional<T> writeIfUncontended(Function<StoreTransaction, T> work) {
        Objects.requireNonNull(work, "work");
        if (localWriters == null || host != null && detached.get() == null && host.current().isPresent()) {
            return Optional.empty();
        }
        T result = transaction(true, "write", null, work, true);
        return result == null ? Optional.empty() : Optional.of(result);
    }

    @Override
    public <T> T read(Function<StoreTransaction, T> work) {
        Objects.requireNonNull(work, "work");
        return transaction(false, "read", null, work);
    }

    /**
     * {@inheritDoc} On SQLite a write takes the file's write lock when it begins; on PostgreSQL it holds
     * nothing until it locks an organization's or a user's row, and the planner checks scope before that.
     */
    @Override
    public boolean exclusiveWrites() {
        return dialect == Dialect.SQLITE;
    }

    @Override
    public List<FeedEvent> changes(FeedPosition after, int limit) {
        Objects.requireNonNull(after, "after");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        return autoCommitted("read the change feed", handle -> {
            if (sql.numberEvents != null) {
                number(handle, null);
            }
            return connection(handle.getConnection()).list(sql.changes, JdbiTransaction.FEED_EVENT, after.value(), limit);
        });
    }

    @Override
    public FeedPosition head() {
        return autoCommitted("read the change feed's head",
                handle -> FeedPosition.of(handle.createQuery(sql.head).mapTo(Long.class).one()));
    }

    /**
     * Runs single statements, each its own transaction (one statement reads one consistent snapshot;
     * PostgreSQL's sequencer must commit its numbering before the read that follows sees it), retried
     * on lost races like a transaction.
     */
    private <T> T autoCommitted(String what, Function<Handle, T> work) {
        for (int attempt = 1; ; attempt++) {
            long started = System.nanoTime();
            try (Handle handle = open(what)) {
                Connection connection = handle.getConnection();
                boolean autoCommit = autoCommit(connection, what);
                try {
                    return work.apply(handle);
                } finally {
                    if (!autoCommit) {
                        restoreAutoCommit(connection);
                    }
                }
            } catch (JdbiException e) {
                RuntimeException failure = failure(what, e);
                if (!(failure instanceof Retry)) {
                    throw failure;
                }
                if (attempt >= maxAttempts) {
                    throw new UnableToPersistException("could not " + what + ": it lost a race with another"
                            + " transaction " + attempt + " times", e);
                }
                retrying(attempt, started, e);
                pause(attempt, e);
            }
        }
    }

    /**
     * @return the version of the schema the database is at: the newest migration applied
     * @throws UnableToPersistException if the database could not be read
     */
    public int schemaVersion() {
        return autoCommitted("read the schema version", handle -> handle
                .createQuery(sql.t("SELECT MAX(version) FROM ${p}schema_version")).mapTo(Integer.class).one());
    }

    /**
     * Sets who hears of retried transactions, replacing the previous one (none by default).
     *
     * @param listener hears of every attempt that lost a race and is run again
     * @throws NullPointerException if listener is null
     */
    public void retryListener(RetryListener listener) {
        this.retryListener = Objects.requireNonNull(listener, "listener");
    }

    @Override
    public void awaitChanges(FeedPosition after, Duration timeout) throws InterruptedException {
        wakeups.await(after, timeout, this::head);
    }

    /** Closes the connection pool the store opened, if any, and stops listening for changes. Idempotent. */
    @Override
    public void close() {
        wakeups.close();
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
        return transaction(writable, what, raw, work, false);
    }

    /**
     * @param unqueued whether the first attempt must begin without waiting for another writer (SQLite):
     *                 if it would have to, nothing runs and the result is null
     */
    private <T> T transaction(boolean writable, String what, Function<Handle, T> raw,
                              Function<StoreTransaction, T> work, boolean unqueued) {
        if (work != null && host != null && detached.get() == null) {
            Optional<Connection> hosts = host.current();
            if (hosts.isPresent()) {
                return joined(hosts.get(), writable, what, work);
            }
        }
        for (int attempt = 1; ; attempt++) {
            long started = System.nanoTime();
            Done<T> done;
            try {
                done = attempt(writable, what, raw, work, unqueued && attempt == 1);
            } catch (Contended contended) {
                return null;
            } catch (Retry retry) {
                if (attempt >= maxAttempts) {
                    throw new UnableToPersistException("could not " + what + ": the transaction lost a race with"
                            + " another one " + attempt + " times", retry.getCause());
                }
                retrying(attempt, started, retry.getCause());
                pause(attempt, retry.getCause());
                continue;
            }
            if (done.tx() != null) {
                runAfterCommit(done.tx().afterCommitActions());
            }
            return done.result();
        }
    }

    /** What an attempt that committed returns: the work's result and its transaction (null for raw work). */
    private record Done<T>(T result, JdbiTransaction tx) {}

    /** An attempt told not to wait found another writer holding the write lock: it ran nothing. */
    private static final class Contended extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final Contended INSTANCE = new Contended();

        private Contended() {
            super("another writer holds the write lock", null, false, false);
        }
    }

    private <T> Done<T> attempt(boolean writable, String what, Function<Handle, T> raw, Function<StoreTransaction, T> work,
                                boolean unqueued) {
        if (writable && localWriters != null) {
            if (!unqueued) {
                localWriters.lock();
            } else if (!localWriters.tryLock()) {
                throw Contended.INSTANCE;
            }
        }
        try {
            Connection connection = openConnection(what);
            try {
                boolean autoCommit = autoCommit(connection, what);
                try {
                    return inTransaction(connection, writable, what, raw, work, unqueued);
                } finally {
                    if (!autoCommit) {
                        restoreAutoCommit(connection);
                    }
                }
            } finally {
                closeConnection(connection);
            }
        } finally {
            if (writable && localWriters != null) {
                localWriters.unlock();
            }
        }
    }

    private <T> Done<T> inTransaction(Connection connection, boolean writable, String what, Function<Handle, T> raw,
                                      Function<StoreTransaction, T> work, boolean unqueued) {
        StoreConnection db = connection(connection);
        SQLiteConnection file = unqueued ? sqlite(connection) : null;
        int busyTimeout = file != null ? file.getBusyTimeout() : 0;
        try {
            if (file != null) {
                file.setBusyTimeout(0);
            }
            db.execute(writable ? dialect.beginWrite : dialect.beginRead);
        } catch (JdbiException e) {
            // The BEGIN may have run although it reported a failure: never pool a connection left in a transaction.
            rollbackUnsure(db, e);
            if (file != null && dialect.isRetryable(e)) {
                throw Contended.INSTANCE; // another process's writer holds the file
            }
            throw failure(what, e);
        } catch (SQLException e) {
            throw new UnableToPersistException("could not " + what + ": the connection failed", e);
        } finally {
            if (file != null) {
                restoreBusyTimeout(file, busyTimeout);
            }
        }
        JdbiTransaction tx = work == null ? null : new JdbiTransaction(db, sql, dialect, writable, false);
        T result;
        try {
            result = raw != null ? onHandle(connection, raw) : work.apply(tx);
            if (tx != null && tx.failure() != null) {
                throw tx.failure();
            }
        } catch (JdbiException e) {
            rollback(db, e);
            throw failure(what, e);
        } catch (RuntimeException | Error e) {
            rollback(db, e);
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
            db.execute(writable ? "COMMIT" : "ROLLBACK");
        } catch (JdbiException e) {
            rollback(db, e);
            throw failure(what, e);
        }
        if (tx != null && tx.receipt() != null) {
            committedEvents(connection, tx);
        }
        return new Done<>(result, tx);
    }

    /*
     * Inside a host's transaction. The work runs on the host's connection between a savepoint and its
     * release, so that a failure half-way takes back exactly the change's writes and leaves the host's
     * transaction usable; the store neither commits nor retries (a retry needs the whole transaction,
     * which only the host can rerun: a lost race surfaces as UnableToSerializeTransactionException).
     * On PostgreSQL the host's isolation must be READ COMMITTED, where every statement after a lock
     * sees what the lock's previous holder committed (the locking protocol rests on it), or
     * SERIALIZABLE, where the database itself refuses a skewed write; REPEATABLE READ would let a
     * count read after a lock come from an older snapshot. What must follow the commit (numbering the
     * events, waking followers, the engine's listeners) is handed to the host to run after it commits,
     * in transactions of the store's own.
     */
    private <T> T joined(Connection connection, boolean writable, String what, Function<StoreTransaction, T> work) {
        joining.set(connection);
        try (Handle handle = jdbi.open()) {
            checkJoinable(handle, connection);
            handle.execute("SAVEPOINT membership_change");
            JdbiTransaction tx = new JdbiTransaction(connection(connection), sql, dialect, writable, true);
            T result;
            try {
                result = work.apply(tx);
                if (tx.failure() != null) {
                    throw tx.failure();
                }
                handle.execute("RELEASE SAVEPOINT membership_change");
            } catch (RuntimeException | Error e) {
                try {
                    handle.execute("ROLLBACK TO SAVEPOINT membership_change");
                    handle.execute("RELEASE SAVEPOINT membership_change");
                } catch (RuntimeException undo) {
                    e.addSuppressed(undo);
                }
                Throwable cause = tx.failure() != null ? tx.failure() : e;
                if (cause instanceof JdbiException || tx.failure() != null) {
                    if (dialect.isRetryable(cause)) {
                        throw new UnableToSerializeTransactionException("could not " + what + " in the host's"
                                + " transaction: it lost a race with another one; roll the transaction back and run"
                                + " it again", cause);
                    }
                    throw new UnableToPersistException("could not " + what + " in the host's transaction; nothing"
                            + " of it was written, and the host's transaction can go on", cause);
                }
                throw e;
            } finally {
                tx.close();
            }
            List<Runnable> after = new ArrayList<>();
            if (tx.receipt() != null) {
                long lastEvent = tx.lastEventId();
                JdbiTransaction.Receipt receipt = tx.receipt();
                after.add(() -> hostCommittedEvents(receipt, lastEvent));
            }
            after.addAll(tx.afterCommitActions());
            if (!after.isEmpty()) {
                host.afterCommit(() -> runAfterCommit(after));
            }
            return result;
        } catch (JdbiException e) {
            throw new UnableToPersistException("could not " + what + " in the host's transaction", e);
        } finally {
            joining.remove();
        }
    }

    private void checkJoinable(Handle handle, Connection connection) {
        try {
            if (connection.getAutoCommit()) {
                throw new IllegalStateException("HostTransactions.current() returned a connection in auto-commit"
                        + " mode, which is in no transaction to join");
            }
        } catch (SQLException e) {
            throw new UnableToPersistException("the host's connection failed", e);
        }
        if (dialect == Dialect.POSTGRESQL) {
            String isolation = handle.createQuery("SELECT current_setting('transaction_isolation')")
                    .mapTo(String.class).one();
            if (!isolation.equals("read committed") && !isolation.equals("serializable")) {
                throw new IllegalStateException("the host's transaction runs at " + isolation + " isolation; the"
                        + " library can join one at read committed or serializable only (at repeatable read a"
                        + " count read after a lock may come from an older snapshot)");
            }
        }
    }

    /** After the host committed a change that appended events: number them (PostgreSQL) and wake followers. */
    private void hostCommittedEvents(JdbiTransaction.Receipt receipt, long lastEvent) {
        if (sql.numberEvents != null) {
            try {
                Long position = autoCommitted("number the change feed", handle -> number(handle, lastEvent));
                if (position != null) {
                    receipt.set(FeedPosition.of(position));
                }
            } catch (RuntimeException e) {
                LOG.warn("the host committed a change, but numbering its events failed;"
                        + " the next read of the change feed numbers them", e);
            }
        } else {
            receipt.set(FeedPosition.of(lastEvent));
        }
        receipt.position().ifPresent(wakeups::committed);
    }

    /** Runs what waited for a commit, each on its own, in transactions of the store's own. */
    private void runAfterCommit(List<Runnable> actions) {
        Boolean outer = detached.get();
        detached.set(Boolean.TRUE);
        try {
            for (Runnable action : actions) {
                try {
                    action.run();
                } catch (RuntimeException e) {
                    LOG.warn("an action after commit failed", e);
                }
            }
        } finally {
            if (outer == null) {
                detached.remove();
            }
        }
    }

    /**
     * After a commit that appended events: on PostgreSQL, numbers them (the SPI's outbox protocol),
     * so that the receipt gives their position and followers elsewhere are notified; then wakes this
     * store's own followers. The change is committed whatever happens here: a failure is logged and
     * leaves the receipt empty, and the next read of the feed numbers the events.
     */
    private void committedEvents(Connection connection, JdbiTransaction tx) {
        if (sql.numberEvents != null) {
            try {
                Long position = onHandle(connection, handle -> number(handle, tx.lastEventId()));
                if (position != null) {
                    tx.receipt().set(FeedPosition.of(position));
                }
            } catch (JdbiException e) {
                LOG.warn("a change committed, but numbering its events failed; the next"
                        + " read of the change feed numbers them", e);
            }
        }
        tx.receipt().position().ifPresent(wakeups::committed);
    }

    /** Runs the PostgreSQL sequencer, in its own (auto-committed) transaction. @return the position of event {@code mine}, or the head */
    private Long number(Handle handle, Long mine) {
        return handle.createQuery(sql.numberEvents).bind(0, mine).mapTo(Long.class).one();
    }

    /*
     * The store's transactions take their connection from the factory directly: a JDBI Handle, with
     * its configuration copy, cost about a microsecond per transaction, and only raw work (schema
     * migrations) and PostgreSQL's numbering after a commit use JDBI's statements.
     */

    private Connection openConnection(String what) {
        try {
            return connections.openConnection();
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    private void closeConnection(Connection connection) {
        try {
            connections.closeConnection(connection);
        } catch (SQLException e) {
            LOG.warn("could not give a connection back to the pool", e);
        }
    }

    /** Runs {@code work} on a JDBI handle over {@code connection}, which stays open (and in its transaction) after. */
    private <T> T onHandle(Connection connection, Function<Handle, T> work) {
        Connection outer = joining.get();
        joining.set(connection);
        try (Handle handle = jdbi.open()) {
            return work.apply(handle);
        } finally {
            if (outer == null) {
                joining.remove();
            } else {
                joining.set(outer);
            }
        }
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

    /** @return the SQLite connection under the pool's proxy; if it cannot be reached, {@link Contended}: nothing can run unqueued */
    private static SQLiteConnection sqlite(Connection connection) {
        try {
            return connection.unwrap(SQLiteConnection.class);
        } catch (SQLException e) {
            throw Contended.INSTANCE;
        }
    }

    private static void restoreBusyTimeout(SQLiteConnection connection, int millis) {
        try {
            connection.setBusyTimeout(millis);
        } catch (SQLException e) {
            throw new UnableToPersistException("could not restore the connection's busy timeout", e);
        }
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

    private void rollback(StoreConnection db, Throwable cause) {
        try {
            db.execute("ROLLBACK");
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
            // The connection may still be inside the transaction: never hand it out again.
            if (ownPool != null) {
                ownPool.evictConnection(db.connection());
            } else {
                try {
                    db.connection().abort(Runnable::run);
                } catch (SQLException | RuntimeException abortFailed) {
                    cause.addSuppressed(abortFailed);
                }
            }
        }
    }

    /** Rolls back a transaction that may not have begun; failing because none is active is expected and harmless. */
    private static void rollbackUnsure(StoreConnection db, Throwable cause) {
        try {
            db.execute("ROLLBACK");
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    /** @return the store's statements on {@code connection}, as its transactions run them */
    private StoreConnection connection(Connection connection) {
        return new StoreConnection(connection, statementCache, hooks);
    }

    /** @return what sees every statement this store runs (for tests: fault injection, statement counts) */
    StatementHooks statementHooks() {
        return hooks;
    }

    private void retrying(int attempt, long started, Throwable cause) {
        try {
            retryListener.retrying(attempt, Duration.ofNanos(System.nanoTime() - started), cause);
        } catch (RuntimeException e) {
            LOG.warn("a retry listener failed", e);
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
