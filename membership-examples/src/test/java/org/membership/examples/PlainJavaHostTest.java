package org.membership.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plain-Java example runs as the README says it does, and says what happened. */
final class PlainJavaHostTest {
    @TempDir
    Path directory;

    @Test
    void theWalkThrough_commitsOneClosingTogether_andRollsTheRefusedOneBack() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            PlainJavaHost.run(directory.resolve("host.db"), out);
        }
        assertEquals(List.of(
                "alice closes apollo, removing bob: done; projects now [hermes]; sessions revoked after the commit: [bob]",
                "bob closes hermes, removing alice: refused insufficient_authority; projects still [hermes]",
                "audit-log consumer caught up: true; last entry: WorkspaceMemberRemoved"),
                bytes.toString(StandardCharsets.UTF_8).lines().toList());
    }
}
