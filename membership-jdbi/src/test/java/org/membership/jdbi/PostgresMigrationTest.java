package org.membership.jdbi;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

final class PostgresMigrationTest extends MigrationContract {
    private PostgresDatabase database;
    private String url;

    @BeforeEach
    void freshSchema() {
        database = PostgresDatabase.require();
        url = database.freshSchema();
    }

    @AfterEach
    void dropSchema() {
        if (database != null) {
            database.close();
        }
    }

    @Override
    JdbiStore open(JdbiStore.Options options) {
        return JdbiStore.postgresql(url, options);
    }

    @Override
    Dialect dialect() {
        return Dialect.POSTGRESQL;
    }

    @Override
    List<String> schemaObjects(JdbiStore store) {
        return store.jdbi().withHandle(h -> h.createQuery("SELECT tablename FROM pg_tables"
                + " WHERE schemaname = current_schema() UNION ALL SELECT indexname FROM pg_indexes"
                + " WHERE schemaname = current_schema() AND indexname NOT LIKE '%_pkey'")
                .mapTo(String.class).list());
    }
}
