package org.membership.jdbi;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.membership.core.spi.MembershipStore;
import org.membership.tck.ModelBasedContract;

/** The model-based contract on SQLite, every sequence on an empty store. */
final class SqliteModelBasedTest extends ModelBasedContract {
    @TempDir
    static Path directory;

    private static ContractStores stores;

    @BeforeAll
    static void openStores() {
        // NORMAL durability: this contract is about matching the reference model, not about surviving a power loss,
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

    /** 40 sequences, not 200: every step reads the whole state back to compare, and the suite has a time budget. */
    @Override
    protected int sequences() {
        return 40;
    }
}
