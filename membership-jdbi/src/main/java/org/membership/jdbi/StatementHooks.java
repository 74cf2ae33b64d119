package org.membership.jdbi;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementCustomizer;

/**
 * What sees every statement a store runs, whether the store runs it on plain JDBC
 * ({@link StoreConnection}: its transactions, BEGIN and COMMIT included, and the feed's reads) or
 * through JDBI (schema migrations, the feed's head and numbering, a host's savepoints): the tests'
 * fault injection and statement counts.
 * A hook that throws before a statement keeps it from running; after it, makes it fail having run.
 * Empty in production, where a statement pays one volatile read for it. Thread-safe.
 */
final class StatementHooks implements StatementCustomizer {
    /** One observer of the store's statements. */
    interface Hook {
        /** Just before {@code statement} runs {@code sql}; throwing fails it unrun. */
        default void before(String sql, PreparedStatement statement) throws SQLException {}

        /** Just after {@code statement} ran {@code sql} without failing, before its rows are read. */
        default void after(String sql, PreparedStatement statement) throws SQLException {}
    }

    private static final Hook[] NONE = {};

    private volatile Hook[] hooks = NONE;

    synchronized void add(Hook hook) {
        Hook[] more = Arrays.copyOf(hooks, hooks.length + 1);
        more[hooks.length] = hook;
        hooks = more;
    }

    void before(String sql, PreparedStatement statement) throws SQLException {
        for (Hook hook : hooks) {
            hook.before(sql, statement);
        }
    }

    void after(String sql, PreparedStatement statement) throws SQLException {
        for (Hook hook : hooks) {
            hook.after(sql, statement);
        }
    }

    @Override
    public void beforeExecution(PreparedStatement statement, StatementContext context) throws SQLException {
        before(context.getRenderedSql(), statement);
    }

    @Override
    public void afterExecution(PreparedStatement statement, StatementContext context) throws SQLException {
        after(context.getRenderedSql(), statement);
    }
}
