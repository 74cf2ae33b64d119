package org.membership.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/** The Spring Boot example runs as the README says it does, and says what happened. */
@ExtendWith(OutputCaptureExtension.class)
final class SpringBootExampleTest {
    @TempDir
    Path directory;

    @Test
    void theWalkThrough_commitsOneClosingTogether_rollsTheRefusedOneBack_andReports(CapturedOutput output) {
        String database = "--spring.datasource.url=jdbc:sqlite:" + directory.resolve("example.db")
                + "?foreign_keys=true&journal_mode=WAL&busy_timeout=5000";
        try (ConfigurableApplicationContext context = SpringApplication.run(SpringBootExample.class, database)) {
            assertThat(context.getBean(ProjectService.class).projects()).containsExactly("hermes");
            assertThat(context.getBean(Sessions.class).revoked()).singleElement().asString().startsWith("bob in ");
        }
        assertThat(output.getOut())
                .contains("alice closes apollo, removing bob: done; projects now [hermes]")
                .contains("bob closes hermes, removing alice: refused insufficient_authority 403; projects still [hermes]")
                .contains("audit-log consumer caught up: true; last entry: 10 WorkspaceMemberRemoved")
                .contains("health: UP {store=JdbiStore, schemaVersion=5, head=10, consumers={audit-log={delivery=one-instance-at-a-time, position=10, lag=0")
                .contains("membership.command remove_workspace_member success: 1")
                .contains("membership.command remove_workspace_member refused: 1");
    }
}
