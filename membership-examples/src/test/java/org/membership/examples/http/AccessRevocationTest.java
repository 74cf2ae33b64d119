package org.membership.examples.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.membership.examples.http.Client.bearer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Removal revokes access at once: the workspace check ({@code GET /workspace/{id}/access}) is
 * served from a cache of grants, and the library's events empty it when a removal commits, so the
 * removed user's very next request fails. {@link AccessCacheTest} shows that without the event the
 * cache would keep serving the old grant.
 */
final class AccessRevocationTest {
    private static final String NO_ACCESS = "403 {\"success\":false,\"message\":\"No access to this workspace\"}";
    private static final String NOT_IN_WORKSPACE = "404 {\"success\":false,\"message\":\"User not found in workspace\"}";

    private static TestServer server;
    private static Client c;

    @BeforeAll
    static void start() {
        server = new TestServer();
        c = server.client;
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Client.Reply access(String workspace, String token) {
        return c.get("/workspace/" + workspace + "/access", bearer(token));
    }

    private static String granted(String workspace, String user, String role) {
        return "200 {\"success\":true,\"workspace_id\":\"" + workspace + "\",\"user_id\":\"" + user + "\",\"role\":\"" + role + "\"}";
    }

    // ---- each removal path revokes on the next request -------------------------------------------

    @Test
    void flashbackRemoval_revokesTheWorkspaceOnTheNextRequest() {
        World w = World.create(c, false);
        assertEquals(granted(w.workspace, w.id("dev"), "developer"), access(w.workspace, w.token("dev")).statusAndBody());
        assertEquals(granted(w.workspace, w.id("dev"), "developer"), access(w.workspace, w.token("dev")).statusAndBody());

        assertEquals(200, c.delete("/workspace/" + w.workspace + "/users/" + w.id("dev"), bearer(w.token("wsadmin"))).status());

        assertEquals(NO_ACCESS, access(w.workspace, w.token("dev")).statusAndBody());
        assertEquals(granted(w.defaultWorkspace, w.id("dev"), "user"), access(w.defaultWorkspace, w.token("dev")).statusAndBody());
    }

    @Test
    void paradigmRemoval_revokesTheWorkspaceOnTheNextRequest() {
        World w = World.create(c, true);
        assertEquals(200, access(w.workspace, w.token("dev")).status());
        assertEquals(204, c.delete("/api/v3/company/workspaces/" + w.workspace + "/members/users/" + w.id("dev"),
                bearer(w.token("admin"))).status());
        assertEquals(NO_ACCESS, access(w.workspace, w.token("dev")).statusAndBody());
    }

    @Test
    void anthropicRemoval_revokesTheWorkspaceOnTheNextRequest() {
        World w = World.create(c, false);
        assertEquals(200, access(w.workspace, w.token("dev")).status());
        assertEquals(200, c.delete("/v1/organizations/workspaces/" + w.workspace + "/members/" + w.id("dev"),
                "x-api-key", w.key, "anthropic-version", "2023-06-01").status());
        assertEquals(NO_ACCESS, access(w.workspace, w.token("dev")).statusAndBody());
    }

    @Test
    void factoryRemoval_revokesEveryWorkspaceOfTheOrganization() {
        World w = World.create(c, false);
        assertEquals(200, access(w.workspace, w.token("dev")).status());
        assertEquals(200, access(w.defaultWorkspace, w.token("dev")).status());
        assertEquals(204, c.delete("/api/v0/organization/users?email=" + w.email("dev"), bearer(w.key)).status());
        assertEquals(NOT_IN_WORKSPACE, access(w.workspace, w.token("dev")).statusAndBody());
        assertEquals(NOT_IN_WORKSPACE, access(w.defaultWorkspace, w.token("dev")).statusAndBody());
    }

    @Test
    void roleChange_isSeenOnTheNextRequest() {
        World w = World.create(c, false);
        assertEquals(granted(w.workspace, w.id("dev"), "developer"), access(w.workspace, w.token("dev")).statusAndBody());
        assertEquals(200, c.post("/v1/organizations/workspaces/" + w.workspace + "/members/" + w.id("dev"),
                "{\"workspace_role\":\"workspace_user\"}", "x-api-key", w.key, "anthropic-version", "2023-06-01").status());
        assertEquals(granted(w.workspace, w.id("dev"), "user"), access(w.workspace, w.token("dev")).statusAndBody());
    }

    @Test
    void disablingAnAccount_forgetsItsTokens() {
        World w = World.create(c, false);
        String token = w.token("dev");
        assertEquals(200, access(w.workspace, token).status());
        String[] root = bearer(TestServer.INSTANCE_KEY);
        assertEquals(200, c.post("/admin/users/" + w.id("dev") + "/status", "{\"status\":\"disabled\"}", root).status());
        assertEquals(200, c.post("/admin/users/" + w.id("dev") + "/status", "{\"status\":\"validated\"}", root).status());
        assertEquals("400 {\"success\":false,\"message\":\"User not found or account is not validated\"}",
                access(w.workspace, token).statusAndBody());
        Client.Reply fresh = c.post("/admin/users/" + w.id("dev") + "/tokens", "", root);
        assertEquals(201, fresh.status());
        assertEquals(granted(w.workspace, w.id("dev"), "developer"),
                access(w.workspace, TestServer.field(fresh.body(), "token")).statusAndBody());
    }

    // ---- who is granted what ------------------------------------------------------------------------

    @Test
    void organizationAdmin_noMemberOfTheWorkspace_isGrantedAdmin_asItsAuthorityThereIs() {
        World w = World.create(c, false);
        assertEquals(granted(w.workspace, w.id("admin"), "admin"), access(w.workspace, w.token("admin")).statusAndBody());
        assertEquals(200, c.delete("/workspace/" + w.workspace + "/users/" + w.id("dev"), bearer(w.token("admin"))).status(),
                "the same token may manage the workspace's members");
    }

    @Test
    void instanceAdmin_noMemberOfTheOrganization_isGrantedAdmin_asItsAuthorityThereIs() {
        World w = World.create(c, false);
        Client.Reply operator = c.post("/admin/users", "{\"id\":\"op-" + w.org + "\",\"email\":\"op." + w.org
                + "@world.example\",\"status\":\"validated\",\"instance_admin\":true}", bearer(TestServer.INSTANCE_KEY));
        assertEquals(201, operator.status(), operator.body());
        String token = TestServer.field(operator.body(), "token");
        assertEquals(granted(w.workspace, "op-" + w.org, "admin"), access(w.workspace, token).statusAndBody());
        assertEquals(granted(w.defaultWorkspace, "op-" + w.org, "admin"), access(w.defaultWorkspace, token).statusAndBody());
    }

    @Test
    void organizationMember_noMemberOfTheWorkspace_hasNoAccess() {
        World w = World.create(c, false);
        assertEquals(NO_ACCESS, access(w.workspace, w.token("member")).statusAndBody());
        assertEquals(granted(w.defaultWorkspace, w.id("member"), "user"), access(w.defaultWorkspace, w.token("member"))
                .statusAndBody());
    }

    @Test
    void outsider_isAnsweredAsForAWorkspaceThatDoesNotExist() {
        World mine = World.create(c, false);
        World theirs = World.create(c, false);
        assertEquals(access(mine.workspace + "x", mine.token("admin")).statusAndBody(),
                access(theirs.workspace, mine.token("admin")).statusAndBody());
    }

    // ---- under concurrency --------------------------------------------------------------------------

    @Test
    void checksRacingTheRemoval_neverGrantAccessAfterItCommitted() throws Exception {
        World w = World.create(c, false);
        String path = "/workspace/" + w.workspace + "/access";
        AtomicLong removedAt = new AtomicLong(Long.MAX_VALUE);
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<String> late = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        CountDownLatch started = new CountDownLatch(6);
        List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            futures.add(pool.submit(() -> {
                started.countDown();
                while (!stop.get()) {
                    long sentAt = System.nanoTime();
                    Client.Reply r = c.get(path, bearer(w.token("dev")));
                    if (sentAt > removedAt.get() && r.status() == 200) {
                        late.add(r.statusAndBody());
                    }
                }
            }));
        }
        started.await();
        Thread.sleep(50);
        assertEquals(200, c.delete("/workspace/" + w.workspace + "/users/" + w.id("dev"), bearer(w.token("wsadmin"))).status());
        removedAt.set(System.nanoTime());
        Thread.sleep(200);
        stop.set(true);
        for (var f : futures) {
            f.get(10, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertTrue(late.isEmpty(), "access granted after the removal committed: " + late);
        assertEquals(NO_ACCESS, access(w.workspace, w.token("dev")).statusAndBody());
    }
}
