package org.membership.examples.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.membership.examples.http.Client.bearer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** X over HTTP: Factory's removal by email, answered with problem details. */
final class FactoryApiTest {
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

    private static String path(String email) {
        return "/api/v0/organization/users?email=" + java.net.URLEncoder.encode(email, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String problem(int status, String title, String detail, String metadata) {
        return status + " {\"detail\":\"" + detail + "\",\"status\":" + status + ",\"title\":\"" + title
                + "\",\"metadata\":" + metadata + "}";
    }

    private static final String NEITHER = problem(404, "Not Found", "No member or pending invitation with that email",
            "{\"code\":\"neither_member_nor_invitation\"}");

    // ---- 204 -------------------------------------------------------------------------------------

    @Test
    void remove_activeMember_is204AndCascadesToWorkspaces() {
        World w = World.create(c, false);
        Client.Reply r = c.delete(path(w.email("dev")), bearer(w.key));
        assertEquals(204, r.status());
        assertEquals("", r.body());
        assertEquals(404, w.member(c, w.workspace, w.id("dev")).status());
        assertEquals(404, w.member(c, w.defaultWorkspace, w.id("dev")).status());
        assertEquals(NEITHER, c.delete(path(w.email("dev")), bearer(w.key)).statusAndBody());
    }

    @Test
    void remove_byOrgAdminUserToken_emailInAnyCase_is204() {
        World w = World.create(c, false);
        assertEquals(204, c.delete(path(w.email("member").toUpperCase(java.util.Locale.ROOT)), bearer(w.token("admin"))).status());
        assertEquals(404, w.member(c, w.defaultWorkspace, w.id("member")).status());
    }

    @Test
    void remove_pendingInvitationOnly_is204AndRevokesIt() {
        World w = World.create(c, false);
        assertEquals(204, c.delete(path(w.email("pending")), bearer(w.key)).status());
        assertEquals(NEITHER, c.delete(path(w.email("pending")), bearer(w.key)).statusAndBody());
    }

    @Test
    void remove_adminLeavesWhileAnotherAdminRemains_is204() {
        World w = World.create(c, false);
        Client.Reply inv = c.post("/admin/organizations/" + w.org + "/invitations",
                "{\"email\":\"co-admin." + w.id("member") + "@world.example\",\"role\":\"admin\"}", bearer(TestServer.INSTANCE_KEY));
        assertEquals(201, inv.status());
        // the co-admin has no account: a pending invitation never counts as an admin
        assertEquals(problem(409, "Conflict", "The last admin cannot be removed or demoted", "{\"code\":\"last_admin\"}"),
                c.delete(path(w.email("admin")), bearer(w.token("admin"))).statusAndBody());
        assertEquals(200, w.member(c, w.defaultWorkspace, w.id("admin")).status());
    }

    // ---- 400 -------------------------------------------------------------------------------------

    @Test
    void remove_badOrMissingEmail_is400NamingTheField() {
        World w = World.create(c, false);
        assertEquals(problem(400, "Bad Request", "email must have exactly one '@' with a local part before it",
                "{\"code\":\"invalid_input\",\"field\":\"email\"}"), c.delete(path("not-an-email"), bearer(w.key)).statusAndBody());
        assertEquals(problem(400, "Bad Request", "email is required", "{\"code\":\"invalid_input\",\"field\":\"email\"}"),
                c.delete("/api/v0/organization/users", bearer(w.key)).statusAndBody());
        assertEquals(400, c.delete(path("a@b"), bearer(w.key)).status());
        assertEquals(400, c.delete(path("x".repeat(300) + "@example.com"), bearer(w.key)).status());
        assertEquals(400, c.delete("/api/v0/organization/users?email=a@x.io&email=b@x.io", bearer(w.key)).status());
        assertEquals(200, w.member(c, w.defaultWorkspace, w.id("member")).status());
    }

    // ---- 401 -------------------------------------------------------------------------------------

    @Test
    void remove_missingOrUnknownToken_is401() {
        World w = World.create(c, false);
        assertEquals(problem(401, "Unauthorized", "A bearer token is required", "{\"code\":\"unauthenticated\"}"),
                c.delete(path(w.email("member"))).statusAndBody());
        assertEquals(problem(401, "Unauthorized", "The bearer token is not valid", "{\"code\":\"unauthenticated\"}"),
                c.delete(path(w.email("member")), bearer("nope")).statusAndBody());
        assertEquals(200, w.member(c, w.defaultWorkspace, w.id("member")).status());
    }

    // ---- 403 -------------------------------------------------------------------------------------

    @Test
    void remove_byPlainMemberOrWorkspaceAdmin_is403() {
        World w = World.create(c, false);
        String forbidden = problem(403, "Forbidden", "Insufficient permissions for this operation",
                "{\"code\":\"insufficient_authority\"}");
        assertEquals(forbidden, c.delete(path(w.email("dev")), bearer(w.token("member"))).statusAndBody());
        assertEquals(forbidden, c.delete(path(w.email("dev")), bearer(w.token("wsadmin"))).statusAndBody());
        assertEquals(200, w.member(c, w.workspace, w.id("dev")).status());
    }

    @Test
    void remove_callerInNoOrganization_is403() {
        Client.Reply r = c.delete(path("ada@paradigm.example"), bearer(DemoData.token(DemoData.ROOT)));
        assertEquals(problem(403, "Forbidden",
                "The caller does not act for exactly one organization; use an organization admin key",
                "{\"code\":\"insufficient_authority\"}"), r.statusAndBody());
    }

    // ---- 404 and no existence leak -----------------------------------------------------------

    @Test
    void remove_memberOfAnotherOrganization_answersExactlyLikeUnknownEmail() {
        World mine = World.create(c, false);
        World theirs = World.create(c, false);
        Client.Reply probe = c.delete(path(theirs.email("dev")), bearer(mine.key));
        Client.Reply absent = c.delete(path("nobody@nowhere.example"), bearer(mine.key));
        assertEquals(absent.statusAndBody(), probe.statusAndBody());
        assertEquals(NEITHER, probe.statusAndBody());
        assertEquals(200, theirs.member(c, theirs.workspace, theirs.id("dev")).status());
    }

    // ---- 409 -------------------------------------------------------------------------------------

    @Test
    void remove_lastOrganizationAdmin_is409() {
        World w = World.create(c, false);
        assertEquals(problem(409, "Conflict", "The last admin cannot be removed or demoted", "{\"code\":\"last_admin\"}"),
                c.delete(path(w.email("admin")), bearer(w.key)).statusAndBody());
        assertEquals(200, w.member(c, w.defaultWorkspace, w.id("admin")).status());
    }

    @Test
    void remove_lastAdminOfACustomWorkspace_is409() {
        World w = World.create(c, false);
        assertEquals(problem(409, "Conflict", "The last admin cannot be removed or demoted", "{\"code\":\"last_admin\"}"),
                c.delete(path(w.email("wsadmin")), bearer(w.key)).statusAndBody());
        assertEquals(200, w.member(c, w.workspace, w.id("wsadmin")).status());
    }

    // ---- 500 -------------------------------------------------------------------------------------

    @Test
    void remove_storeFails_is500ProblemAndNothingChanges() {
        World w = World.create(c, false);
        server.store.failWrites.set(true);
        Client.Reply r;
        try {
            r = c.delete(path(w.email("dev")), bearer(w.key));
        } finally {
            server.store.failWrites.set(false);
        }
        assertEquals(problem(500, "Internal Server Error", "Failed to remove the user", "{}"), r.statusAndBody());
        assertEquals(200, w.member(c, w.workspace, w.id("dev")).status());
    }

    // ---- the demo dataset ------------------------------------------------------------------------

    @Test
    void demo_aliceRemovesFranksInvitationThenDan() {
        assertEquals(204, c.delete(path("frank@flashback.example"), bearer(DemoData.token(DemoData.ALICE))).status());
        assertEquals(204, c.delete(path("DAN@flashback.example"), bearer(DemoData.FLASHBACK_KEY)).status());
        assertEquals(NEITHER, c.delete(path("dan@flashback.example"), bearer(DemoData.FLASHBACK_KEY)).statusAndBody());
    }
}
