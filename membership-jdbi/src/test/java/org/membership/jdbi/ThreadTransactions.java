package org.membership.jdbi;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A host's transactions as a plain-Java host might keep them: one connection per thread while a
 * transaction runs, and what to run after it commits. {@link #inTransaction} is the host's
 * transaction boundary. Thread-safe: each thread has its own.
 */
final class ThreadTransactions implements HostTransactions {
    private final DataSource dataSource;
    private final ThreadLocal<Connection> current = new ThreadLocal<>();
    private final ThreadLocal<List<Runnable>> onCommit = new ThreadLocal<>();

    ThreadTransactions(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The host's own work inside its transaction. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws Exception;
    }

    /**
     * Runs {@code work} in a transaction of the host's: committed if {@code commit} and the work
     * returned, rolled back otherwise; after a commit, what was registered runs.
     */
    <T> T inTransaction(boolean commit, Work<T> work) throws Exception {
        return inTransaction(commit, Connection.TRANSACTION_READ_COMMITTED, work);
    }

    <T> T inTransaction(boolean commit, int isolation, Work<T> work) throws Exception {
        List<Runnable> actions = new ArrayList<>();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            if (isolation != Connection.TRANSACTION_READ_COMMITTED) {
                connection.setTransactionIsolation(isolation);
            }
            current.set(connection);
            onCommit.set(actions);
            T result;
            try {
                result = work.run(connection);
            } catch (Exception | Error e) {
                connection.rollback();
                throw e;
            } finally {
                current.remove();
                onCommit.remove();
            }
            if (commit) {
                connection.commit();
            } else {
                connection.rollback();
                actions.clear();
            }
            connection.setAutoCommit(true);
            actions.forEach(Runnable::run);
            return result;
        }
    }

    @Override
    public Optional<Connection> current() {
        return Optional.ofNullable(current.get());
    }

    @Override
    public void afterCommit(Runnable action) {
        List<Runnable> actions = onCommit.get();
        if (actions == null) {
            throw new IllegalStateException("no transaction on this thread");
        }
        actions.add(action);
    }

    static void execute(Connection connection, String sql) throws SQLException {
        try (var statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
