package org.membership.spring.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The library inside the application's transactions on its SQLite DataSource (Boot's own pool). */
@SpringBootTest(classes = HostTransactionsContract.HostApplication.class)
final class SqliteHostTransactionsTest extends HostTransactionsContract {
    private static final Path DIRECTORY;

    static {
        try {
            DIRECTORY = Files.createTempDirectory("membership-spring");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void sqlite(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> "jdbc:sqlite:" + DIRECTORY.resolve("host.db")
                + "?foreign_keys=true&journal_mode=WAL&busy_timeout=5000");
    }
}
