package org.membership.jdbi;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.JdbiException;

/**
 * Runs the store's own statements on one connection with plain JDBC: a transaction's BEGIN, its
 * reads and writes, its COMMIT or ROLLBACK. On SQLite each statement is the connection's kept one
 * ({@link PreparedStatementCache}); elsewhere it is prepared per call (the PostgreSQL driver keeps
 * its own per-connection cache of server-side statements). Every statement passes the store's
 * {@link StatementHooks} just before and just after it runs. A failure is a {@link Failed}, a
 * {@link JdbiException} like the failures of the statements JDBI runs for the store. Used by one
 * thread; not thread-safe.
 */
final class StoreConnection {
    /*
     * Why not JDBI here. JDBI builds a statement context, looks up an argument factory for each bound
     * value and a result producer for each statement, and registers cleanables: on SQLite, where a
     * primary-key read costs a few microseconds, that was about a quarter of a removal's time
     * (issue 13's profile). The statements here are a fixed set of positional texts whose values are
     * strings, longs, ints, booleans and nulls, and whose rows the store maps by column index, so
     * plain JDBC loses nothing. Schema migrations, the feed's head and its numbering (PostgreSQL),
     * and a host's savepoints still go through JDBI.
     */

    /** Maps the current row of a result set. */
    @FunctionalInterface
    interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** A statement of the store failed: the database's {@link SQLException} is the cause. */
    static final class Failed extends JdbiException {
        private static final long serialVersionUID = 1L;

        Failed(String sql, SQLException cause) {
            super("statement failed: " + sql + ": " + cause.getMessage(), cause);
        }
    }

    private static final Object[] NONE = {};

    private final Connection connection;
    /** The connection's kept statements (SQLite), or null: prepare per call. */
    private final PreparedStatementCache.Kept kept;
    private final StatementHooks hooks;

    StoreConnection(Connection connection, PreparedStatementCache cache, StatementHooks hooks) {
        this.connection = connection;
        this.kept = cache == null ? null : cache.kept(connection);
        this.hooks = hooks;
    }

    Connection connection() {
        return connection;
    }

    /** Runs a statement that returns no rows and whose count does not matter, such as BEGIN or COMMIT. */
    void execute(String sql) {
        update(sql, NONE);
    }

    /** @return how many rows the statement changed */
    int update(String sql, Object... args) {
        return run(sql, args, statement -> {
            int rows = statement.executeUpdate();
            hooks.after(sql, statement);
            return rows;
        });
    }

    /** @return the first row, if any: the store's statements that read one row select by a key */
    <T> Optional<T> optional(String sql, Row<T> row, Object... args) {
        return query(sql, args, rs -> rs.next() ? Optional.of(row.map(rs)) : Optional.empty());
    }

    /** @return the first row, which there must be (a count, a row an INSERT returns) */
    <T> T one(String sql, Row<T> row, Object... args) {
        return query(sql, args, rs -> {
            if (!rs.next()) {
                throw new IllegalStateException("no row from " + sql);
            }
            return row.map(rs);
        });
    }

    /** @return every row, in the statement's order */
    <T> List<T> list(String sql, Row<T> row, Object... args) {
        return query(sql, args, rs -> {
            List<T> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(row.map(rs));
            }
            return rows;
        });
    }

    private <T> T query(String sql, Object[] args, Row<T> read) {
        return run(sql, args, statement -> {
            // Closing the result set ends the statement's run (SQLite: sqlite3_reset), so a kept
            // statement holds no read snapshot while it waits, even when a hook failed it here.
            try (ResultSet rs = statement.executeQuery()) {
                hooks.after(sql, statement);
                return read.map(rs);
            }
        });
    }

    /** What runs a bound statement. */
    @FunctionalInterface
    private interface Step<T> {
        T run(PreparedStatement statement) throws SQLException;
    }

    /** Takes the statement, binds it, lets the hooks see it, runs {@code step}, and gives it back. */
    private <T> T run(String sql, Object[] args, Step<T> step) {
        PreparedStatement statement = null;
        boolean clean = false;
        try {
            statement = take(sql);
            bind(statement, args);
            hooks.before(sql, statement);
            T result = step.run(statement);
            clean = true;
            return result;
        } catch (SQLException e) {
            throw new Failed(sql, e);
        } finally {
            giveBack(sql, statement, clean);
        }
    }

    private PreparedStatement take(String sql) throws SQLException {
        return kept != null ? kept.take(sql) : connection.prepareStatement(sql);
    }

    /** Keeps a statement that ran cleanly for the next use; closes one that failed, or one prepared per call. */
    private void giveBack(String sql, PreparedStatement statement, boolean clean) {
        if (statement == null) {
            return;
        }
        if (kept != null && clean) {
            kept.keep(sql, statement);
            return;
        }
        try {
            statement.close();
        } catch (SQLException ignored) {
            // Closing it was only to free it sooner; the connection's close frees it anyway.
        }
    }

    private static void bind(PreparedStatement statement, Object[] args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object value = args[i];
            int index = i + 1;
            if (value instanceof String s) {
                statement.setString(index, s);
            } else if (value instanceof Long l) {
                statement.setLong(index, l);
            } else if (value instanceof Integer n) {
                statement.setInt(index, n);
            } else if (value instanceof Boolean b) {
                statement.setBoolean(index, b);
            } else if (value == null) {
                statement.setNull(index, Types.NULL);
            } else {
                throw new IllegalArgumentException("the store binds no " + value.getClass().getName());
            }
        }
    }
}
