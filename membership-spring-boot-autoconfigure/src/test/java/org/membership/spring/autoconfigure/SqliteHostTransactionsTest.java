package org.membership.spring.autoconfigure;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The library inside the application's transactions on its SQLite DataSource (Boot's own pool). */
@SpringBootTest(classes = HostTransactionsContract.HostApplication.class)
@DirtiesContext
final class SqliteHostTransactionsTest extends HostTransactionsContract {
    @TempDir
    static Path directory;

    @DynamicPropertySource
    static void sqlite(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> "jdbc:sqlite:" + directory.resolve("host.db")
                + "?foreign_keys=true&journal_mode=WAL&busy_timeout=5000");
    }
}
