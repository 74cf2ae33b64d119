package org.membership.jdbi;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The atomicity contract and a failure at every SQL statement, on SQLite, every world on an empty store. */
final class SqliteAtomicityTest extends StatementFaultContract {
    @TempDir
    static Path directory;

    private static ContractStores stores;

    @BeforeAll
    static void openStores() {
        // NORMAL durability: rolling back is what is tested, not surviving a power loss (WAL
        // undoes an uncommitted transaction the same way in both modes), and an fsync per commit
        // would only slow down the hundreds of worlds built here.
        stores = ContractStores.sqlite(directory, JdbiStore.Options.defaults().durability(JdbiStore.Durability.NORMAL));
    }

    @AfterAll
    static void closeStores() {
        stores.close();
    }

    @Override
    protected JdbiStore newJdbiStore() {
        return stores.open();
    }

    @Override
    protected boolean sqlite() {
        return true;
    }
}
