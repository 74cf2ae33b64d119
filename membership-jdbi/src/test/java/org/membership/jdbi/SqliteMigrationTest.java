package org.membership.jdbi;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

final class SqliteMigrationTest extends MigrationContract {
    @TempDir
    Path directory;

    @Override
    JdbiStore open(JdbiStore.Options options) {
        return JdbiStore.sqlite(directory.resolve("membership.db"), options);
    }

    @Override
    Dialect dialect() {
        return Dialect.SQLITE;
    }

    @Override
    List<String> schemaObjects(JdbiStore store) {
        return store.jdbi().withHandle(h -> h.createQuery("SELECT name FROM sqlite_master"
                + " WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%' ORDER BY name")
                .mapTo(String.class).list());
    }
}
