package org.membership.jdbi;

import org.junit.jupiter.api.AfterEach;
import org.membership.core.spi.MembershipStore;
import org.membership.tck.StoreContract;

/** The store contract on PostgreSQL, each test in a fresh schema; skipped (failing in CI) without a database. */
final class PostgresStoreContractTest extends StoreContract {
    private PostgresDatabase database;

    @Override
    protected MembershipStore newStore() {
        database = PostgresDatabase.require();
        return JdbiStore.postgresql(database.freshSchema());
    }

    @AfterEach
    void dropSchema() {
        if (database != null) {
            database.close();
        }
    }
}
