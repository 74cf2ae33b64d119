package org.membership.jdbi;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.membership.core.spi.MembershipStore;
import org.membership.tck.RulesContract;

/**
 * The rules contract on PostgreSQL, every example on an empty store (see {@link ContractStores}). The stores live in the class's own schema, each under its own table
 * prefix; skipped (failing in CI) without a database.
 */
final class PostgresRulesTest extends RulesContract {
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

    /**
     * 40 examples per property, not 100: every example builds its world over the network, and at 100
     * this class alone took 90 s of the suite's budget. SQLite keeps 100; {@code -DQT_EXAMPLES} raises both.
     */
    @Override
    protected int examples() {
        return 40;
    }
}
