package org.membership.jdbi;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** {@link ScopeProbeContract} on a SQLite file, where every writer holds the whole file's write lock. */
final class SqliteScopeProbeTest extends ScopeProbeContract {
    @TempDir
    Path directory;

    @Override
    protected JdbiStore openStore() {
        return JdbiStore.sqlite(directory.resolve("membership.db"));
    }
}
