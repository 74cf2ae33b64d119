package org.membership.spring.autoconfigure;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.membership.api.UnableToPersistException;
import org.membership.jdbi.HostTransactions;
import org.springframework.jdbc.datasource.ConnectionHolder;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The application's Spring-managed transactions on one {@link DataSource}, for a store that joins
 * them. Thread-safe: Spring keeps each thread's transaction in its own thread-bound state.
 */
final class SpringTransactions implements HostTransactions {
    /*
     * A store joins a transaction only when this DataSource's own connection is bound to the calling
     * thread (as DataSourceTransactionManager, JpaTransactionManager and DataSourceUtils bind it) and
     * the thread runs in an actual transaction on it: a connection bound in a transaction-less
     * scope (PROPAGATION_SUPPORTS, NOT_SUPPORTED) is in auto-commit mode and is left alone, and a
     * transaction on another resource is not one the store can take part in. Whatever must follow the
     * commit is registered as a TransactionSynchronization, which Spring runs after a commit and never
     * after a rollback. A transaction manager that does not synchronize (transactionSynchronization
     * NEVER) leaves no way to run anything after its commit, so joining it is refused rather than
     * quietly running the change in a transaction of its own.
     */
    private final DataSource dataSource;

    SpringTransactions(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    @Override
    public Optional<Connection> current() {
        if (!(TransactionSynchronizationManager.getResource(dataSource) instanceof ConnectionHolder holder)) {
            return Optional.empty();
        }
        Connection connection = holder.getConnection();
        boolean inTransaction;
        try {
            inTransaction = !connection.getAutoCommit();
        } catch (SQLException e) {
            throw new UnableToPersistException("the application's transaction's connection failed", e);
        }
        if (!inTransaction) {
            return Optional.empty();
        }
        if (!TransactionSynchronizationManager.isSynchronizationActive()
                || !TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("the application's transaction on this DataSource runs without"
                    + " transaction synchronization, so the library cannot join it (its listeners must run after"
                    + " the commit); use a transaction manager with synchronization on (the default)");
        }
        return Optional.of(connection);
    }

    @Override
    public void afterCommit(Runnable action) {
        Objects.requireNonNull(action, "action");
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                action.run();
            }
        });
    }
}
