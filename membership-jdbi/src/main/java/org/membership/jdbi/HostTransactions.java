package org.membership.jdbi;

import java.sql.Connection;
import java.util.Optional;

/**
 * The host's own transactions, for a {@link JdbiStore} that joins them instead of beginning its own:
 * a command run while the calling thread is inside such a transaction reads and writes on that
 * transaction's connection, so the change, its audit entry and its change-feed events commit or
 * roll back with the host's own writes. A Spring host gets this from the starter; a plain-Java host
 * implements it over however it keeps its transaction's connection.
 *
 * <pre>{@code
 * JdbiStore store = JdbiStore.postgresql(dataSource, JdbiStore.Options.defaults(), new HostTransactions() {
 *     public Optional<Connection> current() { return Optional.ofNullable(myTransaction.get()); }
 *     public void afterCommit(Runnable action) { myTransaction.onCommit(action); }
 * });
 * }</pre>
 *
 * <p>What changes inside a host's transaction (see {@link JdbiStore}): locks are held until the host
 * ends its transaction; a lost race cannot be run again by the store and surfaces as
 * {@link org.membership.api.UnableToSerializeTransactionException}, for the host to roll back and
 * rerun its transaction; in-process listeners hear of the change once the host committed, never if it
 * rolls back; and a command's {@link org.membership.api.Outcome#position()} is empty, since nothing
 * has committed when it returns.
 *
 * <p>Implementations must be thread-safe.
 */
public interface HostTransactions {
    /**
     * @return the connection of the transaction the calling thread runs in, if it runs in one: not in
     *         auto-commit mode, and on PostgreSQL at {@code READ COMMITTED} or {@code SERIALIZABLE}
     *         isolation; the store never commits, rolls back or closes it
     */
    Optional<Connection> current();

    /**
     * Has {@code action} run once the calling thread's transaction has committed, and never if it
     * rolls back.
     *
     * @param action what to run after the commit
     */
    void afterCommit(Runnable action);
}
