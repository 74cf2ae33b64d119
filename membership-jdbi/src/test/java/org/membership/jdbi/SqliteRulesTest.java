package org.membership.jdbi;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.membership.core.spi.MembershipStore;
import org.membership.tck.RulesContract;

/** The rules contract on SQLite, every example on an empty store (see {@link ContractStores}). */
final class SqliteRulesTest extends RulesContract {
    @TempDir
    static Path directory;

    private static ContractStores stores;

    @BeforeAll
    static void openStores() {
        // NORMAL durability: this contract is about the rules, not about surviving a power loss,
        // and an fsync per commit would only slow it down.
        stores = ContractStores.sqlite(directory, JdbiStore.Options.defaults().durability(JdbiStore.Durability.NORMAL));
    }

    @AfterAll
    static void closeStores() {
        stores.close();
    }

    @Override
    protected MembershipStore newStore() {
        return stores.open();
    }
}
