package org.membership.examples.spring;

import org.membership.api.FeedConsumer;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A Spring Boot application on the membership starter: the application's SQLite DataSource and
 * transaction manager (the store joins its transactions), a service that deletes a project's data
 * and removes a member in one {@code @Transactional} method, sessions revoked on the removal's
 * application event after commit, a durable feed consumer, and the library's health and metrics.
 * {@link DemoRunner} walks through it and exits.
 *
 * <pre>{@code
 * ./mvnw -B -ntp -q -pl membership-examples-spring-boot -am package exec:java -DskipTests
 * }</pre>
 */
@SpringBootApplication
public class SpringBootExample {
    /** Made by Spring. */
    public SpringBootExample() {}

    /** @param args Spring Boot's arguments, e.g. {@code --membership.rules.preset=paradigm-company} */
    public static void main(String[] args) {
        System.exit(SpringApplication.exit(SpringApplication.run(SpringBootExample.class, args)));
    }

    /**
     * A durable consumer of the change feed, delivered one instance at a time: the place for side
     * effects in other systems (here: an audit log on standard output).
     *
     * @param log where the consumer writes
     * @return the consumer; the starter subscribes it when the application starts
     */
    @Bean
    FeedConsumer auditLogConsumer(AuditLog log) {
        return FeedConsumer.named("audit-log", event -> log.record(event.position().value() + " " + event.type()))
                .build();
    }
}
