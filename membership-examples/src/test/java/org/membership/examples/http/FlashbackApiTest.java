package org.membership.examples.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.membership.examples.http.Client.bearer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.membership.api.Reason;
import org.membership.api.Refusal;

/** F over HTTP: Flashback's removal, with its documented bodies. */
final class FlashbackApiTest {
    private static final String OK = "200 {\"success\":true}";
    private static final String NOT_VALIDATED = "400 {\"success\":false,\"message\":\"User not found or account is not validated\"}";
    private static final String INSUFFICIENT = "403 {\"success\":false,\"message\":\"Insufficient permissions to manage workspace users\"}";
    private static final String NOT_IN_WORKSPACE = "404 {\"success\":false,\"message\":\"User not found in workspace\"}";
    private static final String FAILED = "500 {\"success\":false,\"message\":\"Failed to remove user from workspace\"}";

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

    private static String path(String workspace, String user) {
        return "/workspace/" + workspace + "/users/" + user;
    }

    // ---- 200 -------------------------------------------------------------------------------------

    @Test
    void remove_workspaceAdminRemovesDeveloper_is200AndMemberIsGone() {
        World w = World.create(c, false);
        Client.Reply r = c.delete(path(w.workspace, w.id("dev")), "Authorization", "Bearer " + w.token("wsadmin"), "Accept", "application/json");
        assertEquals(OK, r.statusAndBody());
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());
        assertEquals(404, w.member(c, w.workspace, w.id("dev")).status());
    }

    @Test
    void remove_orgAdminHasAdminAccessToEveryWorkspace_is200() {
        World w = World.create(c, false);
        assertEquals(OK, c.delete(path(w.workspace, w.id("dev")), bearer(w.token("admin"))).statusAndBody());
        assertEquals(404, w.member(c, w.workspace, w.id("dev")).status());
    }

    @Test
    void remove_isFinal_sameCallAgainIs404_reAddingRestores() {
        World w = World.create(c, false);
        assertEquals(OK, c.delete(path(w.workspace, w.id("dev")), bearer(w.token("wsadmin"))).statusAndBody());
        assertEquals(NOT_IN_WORKSPACE, c.delete(path(w.workspace, w.id("dev")), bearer(w.token("wsadmin"))).statusAndBody());
        World.addMember(c, w.workspace, w.id("dev"), "developer");
        assertEquals(200, w.member(c, w.workspace, w.id("dev")).status());
    }

    // ---- 400 -------------------------------------------------------------------------------------

    @Test
    void remove_callerNotValidated_is400() {
        World w = World.create(c, false);
        assertEquals(NOT_VALIDATED, c.delete(path(w.workspace, w.id("dev")), bearer(w.token("pending"))).statusAndBody());
        assertEquals(200, w.member(c, w.workspace, w.id("dev")).status());
    }

    @Test
    void remove_missingUnknownOrNonUserCredential_is400() {
        World w = World.create(c, false);
        String p = path(w.workspace, w.id("dev"));
        assertEquals(NOT_VALIDATED, c.delete(p).statusAndBody());
        assertEquals(NOT_VALIDATED, c.delete(p, bearer("nope")).statusAndBody());
        assertEquals(NOT_VALIDATED, c.delete(p, "Authorization", "Bearer").statusAndBody());
        assertEquals(NOT_VALIDATED, c.delete(p, bearer(w.key)).statusAndBody());
        assertEquals(NOT_VALIDATED, c.delete(p, bearer(TestServer.INSTANCE_KEY)).statusAndBody());
        assertEquals(200, w.member(c, w.workspace, w.id("dev")).status());
    }

    @Test
    void remove_callerDisabled_is400() {
        World w = World.create(c, false);
        String token = w.token("wsadmin");
        // a second workspace admin, so that disabling wsadmin keeps a usable one (rule 6)
        World.addMember(c, w.workspace, w.id("member"), "admin");
        assertEquals(200, c.post("/admin/users/" + w.id("wsadmin") + "/status", "{\"status\":\"disabled\"}",
                bearer(TestServer.INSTANCE_KEY)).status());
        assertEquals(NOT_VALIDATED, c.delete(path(w.workspace, w.id("dev")), bearer(token)).statusAndBody());
        assertEquals(200, w.member(c, w.workspace, w.id("dev")).status());
    }

    // ---- 403 -------------------------------------------------------------------------------------

    @Test
    void remove_developerIsNotAdmin_is403() {
        World w = World.create(c, false);
        World.addMember(c, w.workspace, w.id("member"), "user");
        assertEquals(INSUFFICIENT, c.delete(path(w.workspace, w.id("member")), bearer(w.token("dev"))).statusAndBody());
        assertEquals(200, w.member(c, w.workspace, w.id("member")).status());
    }

    @Test
    void remove_orgMemberOutsideTheWorkspace_is403() {
        World w = World.create(c, false);
        assertEquals(INSUFFICIENT, c.delete(path(w.workspace, w.id("dev")), bearer(w.token("member"))).statusAndBody());
        assertEquals(200, w.member(c, w.workspace, w.id("dev")).status());
    }

    @Test
    void remove_workspaceAdminCannotRemoveOrgAdmin_is403() {
        World w = World.create(c, false);
        World.addMember(c, w.workspace, w.id("admin"), "user");
        assertEquals(INSUFFICIENT, c.delete(path(w.workspace, w.id("admin")), bearer(w.token("wsadmin"))).statusAndBody());
        assertEquals(200, w.member(c, w.workspace, w.id("admin")).status());
    }

    @Test
    void organizationAdminProtection_answersTheDocumentedForbiddenBody() {
        // Flashback's preset leaves organization admins unprotected; a host that protects them keeps the documented body.
        Response r = FlashbackApi.DIALECT.refusal(Refusal.of(Reason.ORGANIZATION_ADMIN_PROTECTED));
        assertEquals(INSUFFICIENT, r.status() + " " + r.body());
    }

    @Test
    void remove_self_is403LockoutPrevention() {
        World w = World.create(c, false);
        World.addMember(c, w.workspace, w.id("member"), "admin");
        Client.Reply r = c.delete(path(w.workspace, w.id("wsadmin")), bearer(w.token("wsadmin")));
        assertEquals("403 {\"success\":false,\"message\":\"Actors may not remove or demote themselves\"}", r.statusAndBody());
        assertEquals(200, w.member(c, w.workspace, w.id("wsadmin")).status());
    }

    @Test
    void remove_lastWorkspaceAdmin_is403() {
        World w = World.create(c, false);
        Client.Reply r = c.delete(path(w.workspace, w.id("wsadmin")), bearer(w.token("admin")));
        assertEquals("403 {\"success\":false,\"message\":\"The last admin cannot be removed or demoted\"}", r.statusAndBody());
        assertEquals(200, w.member(c, w.workspace, w.id("wsadmin")).status());
    }

    // ---- 404 and no existence leak -----------------------------------------------------------

    @Test
    void remove_targetNotInWorkspace_is404() {
        World w = World.create(c, false);
        assertEquals(NOT_IN_WORKSPACE, c.delete(path(w.workspace, w.id("member")), bearer(w.token("wsadmin"))).statusAndBody());
        assertEquals(NOT_IN_WORKSPACE, c.delete(path(w.workspace, "nobody"), bearer(w.token("wsadmin"))).statusAndBody());
    }

    @Test
    void remove_absentOrMalformedIds_is404() {
        World w = World.create(c, false);
        String t = w.token("admin");
        assertEquals(NOT_IN_WORKSPACE, c.delete(path("123e4567-e89b-12d3-a456-426614174000", w.id("dev")), bearer(t)).statusAndBody());
        assertEquals(NOT_IN_WORKSPACE, c.delete(path(w.workspace, "user%21"), bearer(t)).statusAndBody());
        assertEquals(NOT_IN_WORKSPACE, c.delete(path("x".repeat(129), w.id("dev")), bearer(t)).statusAndBody());
        assertEquals(NOT_IN_WORKSPACE, c.delete(path(w.workspace, "a%00b"), bearer(t)).statusAndBody());
        assertEquals(200, w.member(c, w.workspace, w.id("dev")).status());
    }

    @Test
    void remove_otherOrganizationsWorkspace_answersExactlyLikeAbsent() {
        World mine = World.create(c, false);
        World theirs = World.create(c, false);
        Client.Reply probe = c.delete(path(theirs.workspace, theirs.id("dev")), bearer(mine.token("admin")));
        Client.Reply absent = c.delete(path("00000000-0000-0000-0000-000000000000", theirs.id("dev")), bearer(mine.token("admin")));
        assertEquals(absent.statusAndBody(), probe.statusAndBody());
        assertEquals(NOT_IN_WORKSPACE, probe.statusAndBody());
        assertEquals(200, theirs.member(c, theirs.workspace, theirs.id("dev")).status());
    }

    // ---- 500 -------------------------------------------------------------------------------------

    @Test
    void remove_storeFails_is500WithDocumentedBodyAndNothingChanges() {
        World w = World.create(c, false);
        server.store.failWrites.set(true);
        Client.Reply r;
        try {
            r = c.delete(path(w.workspace, w.id("dev")), bearer(w.token("wsadmin")));
        } finally {
            server.store.failWrites.set(false);
        }
        assertEquals(FAILED, r.statusAndBody());
        assertEquals(200, w.member(c, w.workspace, w.id("dev")).status());
    }

    // ---- the demo dataset --------------------------------------------------------------------

    @Test
    void demo_bobRemovesCarolFromDesign_is200() {
        String p = path(DemoData.FLASHBACK_DESIGN, DemoData.CAROL);
        assertEquals(NOT_VALIDATED, c.delete(p, bearer(DemoData.token(DemoData.ERIN))).statusAndBody());
        assertEquals(INSUFFICIENT, c.delete(p, bearer(DemoData.token(DemoData.DAN))).statusAndBody());
        assertEquals(OK, c.delete(p, bearer(DemoData.token(DemoData.BOB))).statusAndBody());
        assertEquals(NOT_IN_WORKSPACE, c.delete(p, bearer(DemoData.token(DemoData.BOB))).statusAndBody());
    }
}
