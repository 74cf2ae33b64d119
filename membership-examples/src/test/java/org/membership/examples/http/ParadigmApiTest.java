package org.membership.examples.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.membership.examples.http.Client.bearer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** P1 and P2 over HTTP: Paradigm's company and instance removals. */
final class ParadigmApiTest {
    private static final String NOT_FOUND = "404 {\"detail\":\"Not found.\"}";
    private static final String FORBIDDEN = "403 {\"detail\":\"You do not have permission to perform this action.\"}";

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

    private static String company(String workspace, String user) {
        return "/api/v3/company/workspaces/" + workspace + "/members/users/" + user;
    }

    private static String instance(String workspace, String user) {
        return "/api/v3/instance/workspaces/" + workspace + "/members/users/" + user;
    }

    // ---- P1: success ---------------------------------------------------------------------------

    @Test
    void company_orgAdminRemovesMember_is204AndMemberIsGone() {
        World w = World.create(c, true);
        assertEquals(200, w.member(c, w.workspace, w.id("dev")).status());

        Client.Reply r = c.delete(company(w.workspace, w.id("dev")), bearer(w.token("admin")));

        assertEquals(204, r.status());
        assertEquals("", r.body());
        assertEquals(404, w.member(c, w.workspace, w.id("dev")).status());
    }

    @Test
    void company_instanceAdminIsHigherThanCompanyAdmin_is204() {
        World w = World.create(c, true);
        Client.Reply r = c.delete(company(w.workspace, w.id("dev")), bearer(DemoData.token(DemoData.ROOT)));
        assertEquals(204, r.status());
        assertEquals(404, w.member(c, w.workspace, w.id("dev")).status());
    }

    @Test
    void company_sameCallAgain_is404() {
        World w = World.create(c, true);
        assertEquals(204, c.delete(company(w.workspace, w.id("dev")), bearer(w.token("admin"))).status());
        assertEquals(NOT_FOUND, c.delete(company(w.workspace, w.id("dev")), bearer(w.token("admin"))).statusAndBody());
    }

    // ---- P1: 401 ---------------------------------------------------------------------------------

    @Test
    void company_missingToken_is401() {
        World w = World.create(c, true);
        Client.Reply r = c.delete(company(w.workspace, w.id("dev")));
        assertEquals("401 {\"detail\":\"Authentication credentials were not provided.\"}", r.statusAndBody());
        assertEquals(200, w.member(c, w.workspace, w.id("dev")).status());
    }

    @Test
    void company_unknownTokenOrWrongScheme_is401() {
        World w = World.create(c, true);
        String invalid = "401 {\"detail\":\"Invalid token.\"}";
        assertEquals(invalid, c.delete(company(w.workspace, w.id("dev")), bearer("nope")).statusAndBody());
        assertEquals("401 {\"detail\":\"Authentication credentials were not provided.\"}",
                c.delete(company(w.workspace, w.id("dev")), "Authorization", "Basic " + w.token("admin")).statusAndBody());
        assertEquals(200, w.member(c, w.workspace, w.id("dev")).status());
    }

    @Test
    void company_disabledAccount_is401() {
        World w = World.create(c, true);
        String token = w.token("admin");
        // a second workspace admin, so that disabling wsadmin keeps a usable one (rule 6)
        World.addMember(c, w.workspace, w.id("member"), "admin");
        assertEquals(200, c.post("/admin/users/" + w.id("wsadmin") + "/status", "{\"status\":\"disabled\"}",
                bearer(TestServer.INSTANCE_KEY)).status());
        assertEquals("401 {\"detail\":\"Invalid token.\"}",
                c.delete(company(w.workspace, w.id("dev")), bearer(w.token("wsadmin"))).statusAndBody());
        assertEquals(204, c.delete(company(w.workspace, w.id("dev")), bearer(token)).status());
    }

    // ---- P1: 403 ---------------------------------------------------------------------------------

    @Test
    void company_workspaceAdminIsBelowCompanyAdmin_is403() {
        World w = World.create(c, true);
        assertEquals(FORBIDDEN, c.delete(company(w.workspace, w.id("dev")), bearer(w.token("wsadmin"))).statusAndBody());
        assertEquals(200, w.member(c, w.workspace, w.id("dev")).status());
    }

    @Test
    void company_plainMember_is403() {
        World w = World.create(c, true);
        assertEquals(FORBIDDEN, c.delete(company(w.workspace, w.id("dev")), bearer(w.token("member"))).statusAndBody());
        assertEquals(200, w.member(c, w.workspace, w.id("dev")).status());
    }

    @Test
    void company_unvalidatedAccount_is403() {
        World w = World.create(c, true);
        Client.Reply r = c.delete(company(w.workspace, w.id("dev")), bearer(w.token("pending")));
        assertEquals("403 {\"detail\":\"User not found or account is not validated\"}", r.statusAndBody());
    }

    @Test
    void company_defaultWorkspace_is403CustomOnly() {
        World w = World.create(c, true);
        Client.Reply r = c.delete(company(w.defaultWorkspace, w.id("member")), bearer(w.token("admin")));
        assertEquals("403 {\"detail\":\"Default workspace membership follows organization membership\"}", r.statusAndBody());
        assertEquals(200, w.member(c, w.defaultWorkspace, w.id("member")).status());
    }

    @Test
    void company_lastWorkspaceAdmin_is403() {
        World w = World.create(c, true);
        Client.Reply r = c.delete(company(w.workspace, w.id("wsadmin")), bearer(w.token("admin")));
        assertEquals("403 {\"detail\":\"The last admin cannot be removed or demoted\"}", r.statusAndBody());
        assertEquals(200, w.member(c, w.workspace, w.id("wsadmin")).status());
    }

    // ---- P1: 404 and no existence leak -----------------------------------------------------------

    @Test
    void company_absentWorkspaceOrUserOrMalformedId_is404() {
        World w = World.create(c, true);
        String token = w.token("admin");
        assertEquals(NOT_FOUND, c.delete(company("999999999", w.id("dev")), bearer(token)).statusAndBody());
        assertEquals(NOT_FOUND, c.delete(company(w.workspace, "999999999"), bearer(token)).statusAndBody());
        assertEquals(NOT_FOUND, c.delete(company(w.workspace, w.id("member")), bearer(token)).statusAndBody());
        assertEquals(NOT_FOUND, c.delete(company("abc", w.id("dev")), bearer(token)).statusAndBody());
        assertEquals(NOT_FOUND, c.delete(company(w.workspace, "-1"), bearer(token)).statusAndBody());
        assertEquals(NOT_FOUND, c.delete(company(w.workspace, "1".repeat(40)), bearer(token)).statusAndBody());
        assertEquals(NOT_FOUND, c.delete(company(w.workspace, "1%20"), bearer(token)).statusAndBody());
        assertEquals(200, w.member(c, w.workspace, w.id("dev")).status());
    }

    @Test
    void company_otherCompanysWorkspace_answersExactlyLikeAbsent() {
        World mine = World.create(c, true);
        World theirs = World.create(c, true);
        Client.Reply probe = c.delete(company(theirs.workspace, theirs.id("dev")), bearer(mine.token("admin")));
        Client.Reply absent = c.delete(company("888888888", theirs.id("dev")), bearer(mine.token("admin")));
        assertEquals(absent.statusAndBody(), probe.statusAndBody());
        assertEquals(NOT_FOUND, probe.statusAndBody());
        assertEquals(200, theirs.member(c, theirs.workspace, theirs.id("dev")).status());
    }

    // ---- P2 --------------------------------------------------------------------------------------

    @Test
    void instance_instanceAdminRemovesInAnyCompany_is204() {
        World w = World.create(c, true);
        Client.Reply r = c.delete(instance(w.workspace, w.id("dev")), bearer(DemoData.token(DemoData.ROOT)));
        assertEquals(204, r.status());
        assertEquals(404, w.member(c, w.workspace, w.id("dev")).status());
    }

    @Test
    void instance_instanceKey_is204() {
        World w = World.create(c, true);
        assertEquals(204, c.delete(instance(w.workspace, w.id("dev")), bearer(TestServer.INSTANCE_KEY)).status());
        assertEquals(404, w.member(c, w.workspace, w.id("dev")).status());
    }

    @Test
    void instance_companyAdmin_is403() {
        World w = World.create(c, true);
        assertEquals(FORBIDDEN, c.delete(instance(w.workspace, w.id("dev")), bearer(w.token("admin"))).statusAndBody());
        assertEquals(FORBIDDEN, c.delete(instance(w.workspace, w.id("dev")), bearer(w.key)).statusAndBody());
        assertEquals(200, w.member(c, w.workspace, w.id("dev")).status());
    }

    @Test
    void instance_companyAdminOnAbsentWorkspace_is403NotRevealingAnything() {
        World w = World.create(c, true);
        assertEquals(FORBIDDEN, c.delete(instance("777777777", w.id("dev")), bearer(w.token("admin"))).statusAndBody());
    }

    @Test
    void instance_missingOrUnknownToken_is401() {
        World w = World.create(c, true);
        assertEquals(401, c.delete(instance(w.workspace, w.id("dev"))).status());
        assertEquals("401 {\"detail\":\"Invalid token.\"}",
                c.delete(instance(w.workspace, w.id("dev")), bearer("nope")).statusAndBody());
        assertEquals(200, w.member(c, w.workspace, w.id("dev")).status());
    }

    @Test
    void instance_absentWorkspaceOrNonMember_is404() {
        World w = World.create(c, true);
        String root = DemoData.token(DemoData.ROOT);
        assertEquals(NOT_FOUND, c.delete(instance("777777777", w.id("dev")), bearer(root)).statusAndBody());
        assertEquals(NOT_FOUND, c.delete(instance(w.workspace, w.id("member")), bearer(root)).statusAndBody());
        assertEquals(NOT_FOUND, c.delete(instance(w.workspace, "x"), bearer(root)).statusAndBody());
    }

    // ---- the demo dataset ------------------------------------------------------------------------

    @Test
    void demo_adaRemovesCyFromResearch_is204ThenCyIsGone() {
        String path = company(DemoData.PARADIGM_RESEARCH, DemoData.CY);
        assertEquals(FORBIDDEN, c.delete(path, bearer(DemoData.token(DemoData.BEN))).statusAndBody());
        assertEquals(204, c.delete(path, bearer(DemoData.token(DemoData.ADA))).status());
        assertEquals(NOT_FOUND, c.delete(path, bearer(DemoData.token(DemoData.ADA))).statusAndBody());
    }
}
