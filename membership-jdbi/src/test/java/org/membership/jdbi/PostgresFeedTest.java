package org.membership.jdbi;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.membership.core.spi.MembershipStore;
import org.membership.tck.FeedContract;

/**
 * The change feed contract on PostgreSQL, each store in a fresh schema (dropped once the class is
 * done, after every store was closed); skipped (failing in CI) without a database.
 */
final class PostgresFeedTest extends FeedContract {
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
    protected MembershipStore newStore() {
        return JdbiStore.postgresql(database.freshSchema());
    }
}
