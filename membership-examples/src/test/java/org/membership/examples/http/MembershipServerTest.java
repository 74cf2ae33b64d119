package org.membership.examples.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.membership.inmemory.InMemoryStore;

/** Starting the server: options, the printed banner, and a restart on a store that already holds data. */
final class MembershipServerTest {

    // ---- options -----------------------------------------------------------------------------------

    @Test
    void options_defaultToLocalhost8080WithoutDemo() {
        assertEquals(new MembershipServer.Options("127.0.0.1", 8080, false, Optional.empty(),
                Optional.of(MembershipServer.Options.DEFAULT_DATABASE)), MembershipServer.Options.parse());
    }

    @Test
    void options_parseEveryFlag() {
        assertEquals(new MembershipServer.Options("0.0.0.0", 0, true, Optional.of("k"), Optional.of(Path.of("x.db"))),
                MembershipServer.Options.parse("--demo", "--port", "0", "--host", "0.0.0.0", "--instance-key", "k",
                        "--db", "x.db"));
        assertEquals(Optional.empty(), MembershipServer.Options.parse("--db", "x.db", "--in-memory").database());
    }

    @Test
    void options_refuseUnknownOrIncompleteFlags() {
        for (String[] bad : new String[][] {{"--nope"}, {"--port"}, {"--port", "x"}, {"--port", "70000"}, {"--port", "-1"}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MembershipServer.Options.parse(bad));
            assertTrue(e.getMessage().startsWith("usage:"), e.getMessage());
        }
    }

    // ---- start ---------------------------------------------------------------------------------------

    @Test
    void start_withoutDemo_printsARandomInstanceKeyThatWorks() {
        try (MembershipServer server = MembershipServer.start(MembershipServer.Options.parse("--port", "0", "--in-memory"))) {
            String banner = server.banner();
            assertTrue(banner.startsWith("membership server listening on http://127.0.0.1:" + server.port() + "\n"), banner);
            String key = banner.lines().filter(l -> l.startsWith("instance key: ")).findFirst().orElseThrow().substring(14);
            assertTrue(key.startsWith("ik_") && key.length() > 20, key);
            Client c = new Client(server.uri());
            assertEquals(201, c.post("/admin/users", "{\"email\":\"first@example.com\"}", Client.bearer(key)).status());
            assertEquals(401, c.post("/admin/users", "{\"email\":\"second@example.com\"}",
                    Client.bearer(DemoData.INSTANCE_KEY)).status());
        }
    }

    @Test
    void start_withDemo_printsEveryCredential() {
        try (TestServer t = new TestServer()) {
            String banner = t.server.banner();
            assertTrue(banner.contains("Demo dataset (created)"), banner);
            DemoData.TOKENS.values().forEach(token -> assertTrue(banner.contains(token), token));
            for (String s : new String[] {DemoData.INSTANCE_KEY, DemoData.PARADIGM_KEY, DemoData.FLASHBACK_KEY,
                    DemoData.FLASHBACK_ORG, DemoData.FLASHBACK_DESIGN}) {
                assertTrue(banner.contains(s), s);
            }
        }
    }

    @Test
    void start_onASqliteFile_createsTheSchemaThenKeepsTheDataAcrossRestarts(@org.junit.jupiter.api.io.TempDir Path dir) {
        Path file = dir.resolve("membership.db");
        MembershipServer.Options options = MembershipServer.Options.parse("--demo", "--port", "0", "--db", file.toString());
        try (MembershipServer first = MembershipServer.start(options)) {
            assertTrue(first.banner().contains("store: SQLite file " + file.toAbsolutePath()), first.banner());
            assertTrue(first.banner().contains("Demo dataset (created)"), first.banner());
            assertEquals(204, new Client(first.uri()).delete("/api/v3/company/workspaces/3/members/users/103",
                    Client.bearer(DemoData.token(DemoData.ADA))).status());
        }
        assertTrue(java.nio.file.Files.exists(file), "the SQLite file is where --db says");
        try (MembershipServer again = MembershipServer.start(options)) {
            assertTrue(again.banner().contains("Demo dataset (already in the store)"), again.banner());
            assertEquals(404, new Client(again.uri()).delete("/api/v3/company/workspaces/3/members/users/103",
                    Client.bearer(DemoData.token(DemoData.ADA))).status(), "the removal survived the restart");
        }
    }

    @Test
    void restart_onTheSameStore_keepsTheDataAndHandsOutFreshIntegerIds() {
        InMemoryStore store = new InMemoryStore();
        MembershipServer.Options options = MembershipServer.Options.parse("--demo", "--port", "0");
        MembershipServer.start(options, store, Clock.systemUTC()).close();
        try (MembershipServer again = MembershipServer.start(options, store, Clock.systemUTC())) {
            assertTrue(again.banner().contains("Demo dataset (already in the store)"), again.banner());
            Client c = new Client(again.uri());
            Client.Reply w = c.post("/admin/organizations/" + DemoData.PARADIGM_ORG + "/workspaces", "{\"name\":\"After restart\"}",
                    Client.bearer(DemoData.INSTANCE_KEY));
            assertEquals(201, w.status(), w.body());
            String id = TestServer.field(w.body(), "id");
            assertTrue(Engines.isInteger(id), id);
            assertTrue(store.read(tx -> tx.workspace(org.membership.api.WorkspaceId.of(id))).isPresent(), id);
            for (String demo : new String[] {DemoData.PARADIGM_ORG, DemoData.PARADIGM_DEFAULT, DemoData.PARADIGM_RESEARCH}) {
                assertTrue(!id.equals(demo), id);
            }
            assertEquals(204, c.delete("/api/v3/company/workspaces/3/members/users/103",
                    Client.bearer(DemoData.token(DemoData.ADA))).status());
        }
    }
}
