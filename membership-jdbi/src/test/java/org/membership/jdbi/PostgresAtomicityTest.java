package org.membership.jdbi;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The atomicity contract and a failure at every SQL statement, on PostgreSQL. The stores live in
 * the class's own schema, each under its own table prefix; skipped (failing in CI) without a
 * database. PostgreSQL sequences are not transactional, so a failed change may still have used up
 * an audit sequence number; the rows, which the comparison covers, are exactly as before.
 */
final class PostgresAtomicityTest extends StatementFaultContract {
    private static ContractStores stores;

    @BeforeAll
    static void openStores() {
        // synchronous_commit off: rolling back is what is tested, not surviving a crash of the server.
        stores = ContractStores.postgresql(JdbiStore.Options.defaults(), false);
    }

    @AfterAll
    static void closeStores() {
        if (stores != null) {
            stores.close();
        }
    }

    @Override
    protected JdbiStore newJdbiStore() {
        return stores.open();
    }

    @Override
    protected boolean sqlite() {
        return false;
    }
}
