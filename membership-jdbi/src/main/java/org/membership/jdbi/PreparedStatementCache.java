package org.membership.jdbi;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jdbi.v3.core.statement.DefaultStatementBuilder;
import org.jdbi.v3.core.statement.StatementBuilder;
import org.jdbi.v3.core.statement.StatementBuilderFactory;
import org.jdbi.v3.core.statement.StatementContext;
import org.sqlite.SQLiteConnection;
import org.sqlite.core.CoreStatement;

/**
 * Keeps the prepared statements of each pooled SQLite connection for the connection's whole life,
 * for the store's own statements ({@link #kept}, used by {@link StoreConnection}) and for those JDBI
 * runs: JDBI asks a handle's {@link StatementBuilder} for every statement and hands it back when
 * done. Either way the connection's idle statement of the same SQL is handed out, one is prepared
 * only the first time, and it is taken back instead of closed. Thread-safe: the factory is shared
 * by the store's handles; each connection's statements are used only by the thread holding it.
 */
final class PreparedStatementCache implements StatementBuilderFactory {
    /*
     * Why. sqlite-jdbc prepares every prepareStatement call anew in native code (sqlite3_prepare),
     * and the pool keeps no statements: each one is closed when its connection goes back to the
     * pool. Preparing cost more than running most of the store's primary-key reads. The store's
     * statements are a fixed set of texts, so each connection ends up with one prepared statement
     * per text it has run, as hand-written JDBC that prepares once per connection would have.
     *
     * How. The statements are prepared on the physical connection under the pool's proxy, so the
     * pool does not close them when the connection is returned; they die with the connection (the
     * driver finalizes a connection's statements when it closes), and entries of closed connections
     * are dropped whenever a connection's statements are asked for. Every parameter is bound before
     * each run (JDBI refuses to run a statement with one missing; StoreConnection binds them all).
     * A statement JDBI hands back is first reset (sqlite3_reset), even if nobody read its rows, as
     * when a failure was injected after it ran: a statement left mid-result would hold its read
     * snapshot open (PreparedStatementCacheTest). StoreConnection ends each run by closing the result
     * set, which resets it, and keeps only statements that ran cleanly. The store's statements name
     * their columns, so a schema change never changes a kept statement's result shape, and SQLite
     * re-prepares a statement whose schema changed on its next run.
     */

    /** The most statements kept per connection; the store has about sixty texts. */
    static final int PER_CONNECTION = 128;

    private final Map<Connection, Builder> builders = new IdentityHashMap<>();

    /** One connection's kept statements, for the store's own statements ({@link StoreConnection}). Not thread-safe. */
    interface Kept {
        /** @return the connection's idle statement of {@code sql}, prepared now if it has none */
        PreparedStatement take(String sql) throws SQLException;

        /** Takes back a statement {@link #take} gave, its run ended (no result set open), for the next use. */
        void keep(String sql, PreparedStatement statement);
    }

    @Override
    public StatementBuilder createStatementBuilder(Connection connection) {
        Builder builder = builder(connection);
        return builder != null ? builder : new DefaultStatementBuilder();
    }

    /** @return the kept statements of the SQLite connection under {@code connection}; null if it is not SQLite's */
    Kept kept(Connection connection) {
        return builder(connection);
    }

    private Builder builder(Connection connection) {
        Connection physical;
        try {
            physical = connection.isWrapperFor(SQLiteConnection.class) ? connection.unwrap(SQLiteConnection.class) : null;
        } catch (SQLException e) {
            physical = null;
        }
        if (physical == null) {
            return null;
        }
        synchronized (builders) {
            for (Iterator<Connection> i = builders.keySet().iterator(); i.hasNext(); ) {
                if (isClosed(i.next())) {
                    i.remove();
                }
            }
            return builders.computeIfAbsent(physical, Builder::new);
        }
    }

    private static boolean isClosed(Connection connection) {
        try {
            return connection.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }

    /** One connection's statements: idle ones by their SQL, lent ones until JDBI hands them back. Not thread-safe. */
    private static final class Builder implements StatementBuilder, Kept {
        private final Connection physical;
        private final Map<String, PreparedStatement> idle = new LinkedHashMap<>(64, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
                if (size() <= PER_CONNECTION) {
                    return false;
                }
                closeQuietly(eldest.getValue());
                return true;
            }
        };
        private final Map<Statement, String> lent = new IdentityHashMap<>();

        Builder(Connection physical) {
            this.physical = physical;
        }

        @Override
        public Statement create(Connection connection, StatementContext ctx) throws SQLException {
            return connection.createStatement();
        }

        @Override
        public PreparedStatement create(Connection connection, String sql, StatementContext ctx) throws SQLException {
            if (ctx.isReturningGeneratedKeys() || ctx.isConcurrentUpdatable()) {
                return new DefaultStatementBuilder().create(connection, sql, ctx);
            }
            PreparedStatement statement = take(sql);
            lent.put(statement, sql);
            return statement;
        }

        @Override
        public PreparedStatement take(String sql) throws SQLException {
            PreparedStatement statement = idle.remove(sql);
            if (statement == null || statement.isClosed()) {
                statement = physical.prepareStatement(sql);
            }
            return statement;
        }

        @Override
        public void keep(String sql, PreparedStatement statement) {
            PreparedStatement replaced = idle.put(sql, statement);
            if (replaced != null && replaced != statement) {
                closeQuietly(replaced);
            }
        }

        @Override
        public CallableStatement createCall(Connection connection, String sql, StatementContext ctx) throws SQLException {
            return connection.prepareCall(sql);
        }

        @Override
        public void close(Connection connection, String sql, Statement statement) throws SQLException {
            String key = lent.remove(statement);
            if (key == null) {
                statement.close();
                return;
            }
            if (statement.isClosed()) {
                return; // the driver closed it after a failure
            }
            try {
                reset(statement);
            } catch (SQLException e) {
                statement.close();
                return;
            }
            keep(key, (PreparedStatement) statement);
        }

        /** Ends the statement's run, so that it holds no read snapshot while it waits for its next use. */
        private static void reset(Statement statement) throws SQLException {
            if (statement instanceof CoreStatement sqlite) {
                // sqlite3_reset: JDBC has no call for it short of fetching the result set again,
                // which makes the driver read every column's name anew.
                sqlite.pointer.safeRunConsume((db, pointer) -> db.reset(pointer));
            } else {
                ResultSet unread = statement.getResultSet();
                if (unread != null) {
                    unread.close();
                }
            }
        }

        private static void closeQuietly(Statement statement) {
            try {
                statement.close();
            } catch (SQLException ignored) {
                // Closing it was only to free it sooner; the connection's close frees it anyway.
            }
        }
    }
}
