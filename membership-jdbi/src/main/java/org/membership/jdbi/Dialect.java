package org.membership.jdbi;

import java.sql.SQLException;
import org.sqlite.SQLiteException;

/** What differs between the two databases: how transactions begin, how an organization and a user are locked, what is retried. */
enum Dialect {
    /*
     * How each database meets the locking protocol (the SPI's package documentation).
     *
     * SQLite has one writer at a time for the whole file. BEGIN IMMEDIATE takes that write lock up
     * front (waiting up to the busy timeout), so a write transaction never fails half-way with
     * SQLITE_BUSY when it first writes, and it already excludes every other writer: the lock calls
     * have nothing left to do. Reads use a deferred transaction: in WAL mode it reads one snapshot and
     * never blocks the writer.
     *
     * PostgreSQL writes run in READ COMMITTED: each statement sees the latest committed rows, so once
     * lockOrganization holds the organization's row every read after it includes what the previous
     * holder committed. Both locks are FOR NO KEY UPDATE, which does not conflict with the key-share
     * locks that foreign-key checks take (adding the user to an organization or workspace does not
     * wait for lockUser); the admin counts of a write share-lock the accounts they count (Statements).
     * One exception: changing a user's email updates a uniquely indexed column, for which PostgreSQL
     * takes FOR UPDATE on the row, so from that UPDATE to its commit adding the same user waits for
     * it (a wait, never a cycle: the email change takes no organization's lock).
     * Reads run in REPEATABLE READ READ ONLY: one snapshot for the whole read, no locks.
     */
    SQLITE("sqlite", "BEGIN IMMEDIATE", "BEGIN DEFERRED", null, null) {
        @Override
        boolean isRetryable(SQLException e) {
            int primary = e.getErrorCode() & 0xff;
            if (primary == 5 /* SQLITE_BUSY */ || primary == 6 /* SQLITE_LOCKED */) {
                return true;
            }
            // A primary or unique key that another writer of the file took first (two processes whose
            // id generators handed out the same id): as on PostgreSQL, the next run sees that row.
            int extended = e instanceof SQLiteException sqlite ? sqlite.getResultCode().code : e.getErrorCode();
            return extended == 1555 /* SQLITE_CONSTRAINT_PRIMARYKEY */ || extended == 2067 /* SQLITE_CONSTRAINT_UNIQUE */;
        }
    },
    POSTGRESQL("postgresql", "BEGIN ISOLATION LEVEL READ COMMITTED", "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
            "SELECT 1 FROM ${p}organizations WHERE id = ? FOR NO KEY UPDATE",
            "SELECT 1 FROM ${p}users WHERE id = ? FOR NO KEY UPDATE") {
        @Override
        boolean isRetryable(SQLException e) {
            String state = e.getSQLState();
            // 40001 serialization failure, 40P01 deadlock, 23505 a unique key that a concurrent
            // transaction took first: re-running the work lets the engine see that row and refuse.
            return "40001".equals(state) || "40P01".equals(state) || "23505".equals(state);
        }
    };

    final String scripts;
    final String beginWrite;
    final String beginRead;
    final String lockOrganization;
    final String lockUser;

    Dialect(String scripts, String beginWrite, String beginRead, String lockOrganization, String lockUser) {
        this.scripts = scripts;
        this.beginWrite = beginWrite;
        this.beginRead = beginRead;
        this.lockOrganization = lockOrganization;
        this.lockUser = lockUser;
    }

    /** @return whether running the whole transaction again may succeed */
    abstract boolean isRetryable(SQLException e);

    /** @return whether {@code failure} or any SQL exception in its causes is retryable */
    boolean isRetryable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                for (SQLException e = sql; e != null; e = e.getNextException()) {
                    if (isRetryable(e)) {
                        return true;
                    }
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
