package org.membership.jdbi;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.membership.core.spi.MembershipStore;
import org.membership.tck.ModelBasedContract;

/**
 * The model-based contract on PostgreSQL, every sequence on an empty store. The stores live in the class's own schema, each under its own table
 * prefix; skipped (failing in CI) without a database.
 */
final class PostgresModelBasedTest extends ModelBasedContract {
    private static ContractStores stores;

    @BeforeAll
    static void openStores() {
        // synchronous_commit off: this contract is not about surviving a crash of the server,
        // and a flush per commit would only slow it down.
        stores = ContractStores.postgresql(JdbiStore.Options.defaults(), false);
    }

    @AfterAll
    static void closeStores() {
        if (stores != null) {
            stores.close();
        }
    }

    @Override
    protected MembershipStore newStore() {
        return stores.open();
    }

    /** 20 sequences, not 200: every step reads the whole state back over the network, and the suite has a time budget. */
    @Override
    protected int sequences() {
        return 20;
    }
}
