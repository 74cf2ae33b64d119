package org.membership.jdbi;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.membership.core.spi.MembershipStore;
import org.membership.tck.StoreContract;

final class SqliteStoreContractTest extends StoreContract {
    @TempDir
    Path directory;

    @Override
    protected MembershipStore newStore() {
        return JdbiStore.sqlite(directory.resolve("membership.db"));
    }
}
