package org.membership.spring.autoconfigure;

import org.junit.jupiter.api.BeforeAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The library inside the application's transactions on its PostgreSQL DataSource; skipped without
 * {@code MEMBERSHIP_PG_URL} (failing with {@code CI=true}). The context is closed after the class, and
 * its schema dropped once the feed consumers have stopped.
 */
@SpringBootTest(classes = {HostTransactionsContract.HostApplication.class, PostgresHostTransactionsTest.Schema.class})
@DirtiesContext
final class PostgresHostTransactionsTest extends HostTransactionsContract {
    private static PostgresDatabase database;

    @BeforeAll
    static void requireDatabase() {
        database = PostgresDatabase.require();
    }

    @DynamicPropertySource
    static void postgresql(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> database.url());
    }

    /** Drops the schema when the context stops, after everything that reads it has stopped. */
    @TestConfiguration
    static class Schema {
        @Bean
        SmartLifecycle dropSchema() {
            return new SmartLifecycle() {
                private volatile boolean running;

                @Override
                public void start() {
                    running = true;
                }

                @Override
                public void stop() {
                    running = false;
                    database.drop();
                }

                @Override
                public boolean isRunning() {
                    return running;
                }

                @Override
                public int getPhase() {
                    return Integer.MIN_VALUE;
                }
            };
        }
    }
}
