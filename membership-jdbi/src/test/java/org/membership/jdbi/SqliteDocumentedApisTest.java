package org.membership.jdbi;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.membership.core.spi.MembershipStore;
import org.membership.tck.DocumentedApisContract;

/** The documented-APIs contract on SQLite, every test on an empty store. */
final class SqliteDocumentedApisTest extends DocumentedApisContract {
    @TempDir
    static Path directory;

    private static ContractStores stores;

    @BeforeAll
    static void openStores() {
        // NORMAL durability: this contract is about the documented APIs, not about surviving a power loss,
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
