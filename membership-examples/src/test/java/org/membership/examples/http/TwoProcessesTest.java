package org.membership.examples.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two server processes on one SQLite file, as a host runs two instances on one machine: every
 * organization, workspace and invitation either creates gets an id of its own, and none of their
 * creations answers 500, however they interleave.
 */
final class TwoProcessesTest {
    private static final String KEY = "two-process-instance-key";
    private static final int CREATIONS = 100;

    @TempDir
    Path directory;

    /** A server in a child JVM; its banner's first line says where it listens. */
    private static final class ServerProcess implements AutoCloseable {
        final Process process;
        final Client client;

        ServerProcess(Path database) {
            List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), MembershipServer.class.getName(),
                    "--db", database.toString(), "--port", "0", "--instance-key", KEY);
            try {
                process = new ProcessBuilder(command).redirectErrorStream(true).start();
                BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                String first = out.readLine();
                if (first == null || !first.startsWith("membership server listening on ")) {
                    throw new IllegalStateException("the server did not start: " + first);
                }
                client = new Client(URI.create(first.substring("membership server listening on ".length()).strip()));
                Thread drain = new Thread(() -> {
                    try {
                        while (out.readLine() != null) {
                            // keep the pipe empty
                        }
                    } catch (IOException ignored) {
                        // the process ended
                    }
                });
                drain.setDaemon(true);
                drain.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    @Test
    void twoProcessesOnOneFile_createConcurrently_everyIdIsTheirOwnAndNothingIs500() throws Exception {
        Path database = directory.resolve("membership.db");
        try (ServerProcess one = new ServerProcess(database); ServerProcess two = new ServerProcess(database)) {
            String[] root = Client.bearer(KEY);
            assertEquals(201, one.client.post("/admin/users", "{\"id\":\"500\",\"email\":\"owner@example.com\"}", root).status());
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Client.Reply>> organizations = new ArrayList<>();
                for (int i = 0; i < CREATIONS; i++) {
                    Client client = (i % 2 == 0 ? one : two).client;
                    String body = "{\"name\":\"Org " + i + "\",\"first_admin\":\"500\",\"integer_ids\":true}";
                    organizations.add(pool.submit(() -> client.post("/admin/organizations", body, root)));
                }
                Set<String> ids = new HashSet<>();
                List<String> created = new ArrayList<>();
                for (Future<Client.Reply> f : organizations) {
                    Client.Reply r = f.get(60, TimeUnit.SECONDS);
                    assertEquals(201, r.status(), r.body());
                    String id = TestServer.field(r.body(), "id");
                    assertTrue(Engines.isInteger(id), id);
                    assertTrue(ids.add(id), "organization id " + id + " twice");
                    assertTrue(ids.add(TestServer.field(r.body(), "default_workspace_id")), r.body());
                    created.add(id);
                }
                // each process's first invitation, into an organization the other created
                List<Future<Client.Reply>> invitations = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    Client client = (i % 2 == 0 ? two : one).client;
                    String org = created.get(i);
                    invitations.add(pool.submit(() -> client.post("/admin/organizations/" + org + "/invitations",
                            "{\"email\":\"invitee@example.com\"}", root)));
                }
                for (Future<Client.Reply> f : invitations) {
                    Client.Reply r = f.get(60, TimeUnit.SECONDS);
                    assertEquals(201, r.status(), r.body());
                    assertTrue(ids.add("invitation " + TestServer.field(r.body(), "id")), r.body());
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
