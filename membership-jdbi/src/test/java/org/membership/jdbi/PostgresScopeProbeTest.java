package org.membership.jdbi;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link ScopeProbeContract} on PostgreSQL, where a writer holds its organization's row. */
final class PostgresScopeProbeTest extends ScopeProbeContract {
    private static PostgresDatabase database;

    @BeforeAll
    static void connect() {
        database = PostgresDatabase.require();
    }

    @AfterAll
    static void dropSchemas() {
        if (database != null) {
            database.close();
        }
    }

    @Override
    protected JdbiStore openStore() {
        return JdbiStore.postgresql(database.freshSchema());
    }
}
