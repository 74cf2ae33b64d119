package org.membership.jdbi;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Fails one chosen SQL statement: added to a store's {@link StatementHooks}, it sees every statement
 * the store runs (BEGIN and COMMIT included) and, while armed, counts them and
 * throws a {@link SQLException} just before or just after the chosen one runs. While only
 * recording it fails nothing. Thread-safe enough for one test thread arming it around one call.
 */
final class StatementTrap implements StatementHooks.Hook {
    /** Where, relative to the chosen statement, the failure is thrown. */
    enum When {
        /** The statement never reaches the database. */
        BEFORE,
        /** The database ran the statement; its effect is part of the transaction to undo. */
        AFTER
    }

    /** The failure thrown; no SQL state, so the store takes it for a plain failure, not a lost race. */
    static final class Injected extends SQLException {
        private static final long serialVersionUID = 1L;

        Injected(String message) {
            super(message);
        }
    }

    private final List<String> statements = new ArrayList<>();
    private boolean counting;
    private int failAt;
    private When when;
    private int sprung;

    /** Counts and records the statements from now on, failing none. */
    synchronized void record() {
        arm(0, When.BEFORE);
    }

    /**
     * Counts the statements from now on and fails the {@code position}-th.
     *
     * @param position 1-based
     * @param when before or after it runs
     */
    synchronized void arm(int position, When when) {
        statements.clear();
        counting = true;
        failAt = position;
        this.when = when;
    }

    /** Stops counting; the statements seen stay readable. */
    synchronized void disarm() {
        counting = false;
    }

    /** @return the statements seen since the last {@link #record} or {@link #arm}, in order */
    synchronized List<String> statements() {
        return List.copyOf(statements);
    }

    /** @return how many failures were thrown so far */
    synchronized int sprung() {
        return sprung;
    }

    @Override
    public synchronized void before(String sql, PreparedStatement statement) throws SQLException {
        if (!counting) {
            return;
        }
        statements.add(sql);
        spring(When.BEFORE);
    }

    @Override
    public synchronized void after(String sql, PreparedStatement statement) throws SQLException {
        if (counting) {
            spring(When.AFTER);
        }
    }

    private void spring(When now) throws SQLException {
        if (now == when && statements.size() == failAt) {
            sprung++;
            counting = false;
            throw new Injected("injected failure " + now + " statement " + failAt + ": " + statements.get(failAt - 1));
        }
    }
}
