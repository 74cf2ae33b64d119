package org.membership.examples.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A over HTTP: Anthropic's workspace-member endpoints, with x-api-key and anthropic-version. */
final class AnthropicApiTest {
    private static TestServer server;
    private static Client c;
    private static final String PROTECTED =
            "Only an instance admin may remove an organization admin or change its workspace role";

    @BeforeAll
    static void start() {
        server = new TestServer();
        c = server.client;
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static final String ADD_ROLES = "workspace_role must be one of: workspace_user, workspace_developer,"
            + " workspace_restricted_developer, workspace_admin";
    private static final String UPDATE_ROLES = ADD_ROLES + ", workspace_billing";

    private static String members(String workspace) {
        return "/v1/organizations/workspaces/" + workspace + "/members";
    }

    private static String[] key(String key) {
        return new String[] {"x-api-key", key, "anthropic-version", "2023-06-01"};
    }

    private static String error(String type, String message) {
        return "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"" + message + "\"}}";
    }

    private static String member(String workspace, String user, String role) {
        return "{\"type\":\"workspace_member\",\"user_id\":\"" + user + "\",\"workspace_id\":\"" + workspace
                + "\",\"workspace_role\":\"" + role + "\"}";
    }

    // ---- delete --------------------------------------------------------------------------------

    @Test
    void delete_member_is200DeletedObjectAndMemberIsGone() {
        World w = World.create(c, false);
        Client.Reply r = c.delete(members(w.workspace) + "/" + w.id("dev"), key(w.key));
        assertEquals("200 {\"type\":\"workspace_member_deleted\",\"user_id\":\"" + w.id("dev") + "\",\"workspace_id\":\""
                + w.workspace + "\"}", r.statusAndBody());
        assertEquals("404 " + error("not_found_error", "User not found in workspace"),
                w.member(c, w.workspace, w.id("dev")).statusAndBody());
    }

    @Test
    void delete_again_is404() {
        World w = World.create(c, false);
        assertEquals(200, c.delete(members(w.workspace) + "/" + w.id("dev"), key(w.key)).status());
        assertEquals("404 " + error("not_found_error", "User not found in workspace"),
                c.delete(members(w.workspace) + "/" + w.id("dev"), key(w.key)).statusAndBody());
    }

    @Test
    void delete_otherOrganizationsWorkspace_answersExactlyLikeAbsent() {
        World mine = World.create(c, false);
        World theirs = World.create(c, false);
        Client.Reply probe = c.delete(members(theirs.workspace) + "/" + theirs.id("dev"), key(mine.key));
        Client.Reply absent = c.delete(members("wrkspc_absent") + "/" + theirs.id("dev"), key(mine.key));
        assertEquals(absent.statusAndBody(), probe.statusAndBody());
        assertEquals("404 " + error("not_found_error", "Workspace not found"), probe.statusAndBody());
        assertEquals(200, theirs.member(c, theirs.workspace, theirs.id("dev")).status());
    }

    @Test
    void delete_lastAdminOrDefaultWorkspace_is400InvalidRequest() {
        World w = World.create(c, false);
        assertEquals("400 " + error("invalid_request_error", "The last admin cannot be removed or demoted"),
                c.delete(members(w.workspace) + "/" + w.id("wsadmin"), key(w.key)).statusAndBody());
        assertEquals("400 " + error("invalid_request_error", "Default workspace membership follows organization membership"),
                c.delete(members(w.defaultWorkspace) + "/" + w.id("member"), key(w.key)).statusAndBody());
        assertEquals(200, w.member(c, w.workspace, w.id("wsadmin")).status());
    }

    @Test
    void delete_organizationAdmin_is403PermissionErrorAndTheAdminStays() {
        World w = World.create(c, false);
        World.addMember(c, w.workspace, w.id("admin"), "user");
        assertEquals("403 " + error("permission_error", PROTECTED),
                c.delete(members(w.workspace) + "/" + w.id("admin"), key(w.key)).statusAndBody());
        assertEquals("200 " + member(w.workspace, w.id("admin"), "workspace_user"),
                w.member(c, w.workspace, w.id("admin")).statusAndBody());
    }

    // ---- authentication headers ----------------------------------------------------------------

    @Test
    void anyEndpoint_missingOrWrongKey_is401AuthenticationError() {
        World w = World.create(c, false);
        String p = members(w.workspace) + "/" + w.id("dev");
        assertEquals("401 " + error("authentication_error", "x-api-key header is required"),
                c.delete(p, "anthropic-version", "2023-06-01").statusAndBody());
        String invalid = "401 " + error("authentication_error", "invalid x-api-key");
        assertEquals(invalid, c.delete(p, key("sk-wrong")).statusAndBody());
        assertEquals(invalid, c.delete(p, key(w.token("admin"))).statusAndBody());
        assertEquals(invalid, c.delete(p, key(TestServer.INSTANCE_KEY)).statusAndBody());
        assertEquals(invalid, c.get(members(w.workspace), key("sk-wrong")).statusAndBody());
        assertEquals(200, w.member(c, w.workspace, w.id("dev")).status());
    }

    @Test
    void anyEndpoint_keyAsBearerToken_isAcceptedLikeXApiKey() {
        // Anthropic's current SDKs send the admin key as "Authorization: Bearer <key>" and no x-api-key.
        World w = World.create(c, false);
        String[] bearer = {"Authorization", "Bearer " + w.key, "anthropic-version", "2023-06-01"};
        assertEquals("200 " + member(w.workspace, w.id("dev"), "workspace_developer"),
                c.get(members(w.workspace) + "/" + w.id("dev"), bearer).statusAndBody());
        assertEquals(200, c.get(members(w.workspace), bearer).status());
        assertEquals("200 " + member(w.workspace, w.id("member"), "workspace_user"), c.post(members(w.workspace),
                "{\"user_id\":\"" + w.id("member") + "\",\"workspace_role\":\"workspace_user\"}", bearer).statusAndBody());
        assertEquals("200 " + member(w.workspace, w.id("member"), "workspace_developer"), c.post(members(w.workspace) + "/"
                + w.id("member"), "{\"workspace_role\":\"workspace_developer\"}", bearer).statusAndBody());
        assertEquals(200, c.delete(members(w.workspace) + "/" + w.id("member"), bearer).status());
        assertEquals(404, w.member(c, w.workspace, w.id("member")).status());
        assertEquals(200, c.get(members(w.workspace), "x-api-key", w.key, "Authorization", "Bearer " + w.key,
                "anthropic-version", "2023-06-01").status(), "the same key in both headers");
    }

    @Test
    void anyEndpoint_wrongKeyInEitherHeader_isRefusedAlike() {
        World w = World.create(c, false);
        String p = members(w.workspace) + "/" + w.id("dev");
        String invalid = "401 " + error("authentication_error", "invalid x-api-key");
        for (String wrong : new String[] {"sk-wrong", w.token("admin"), TestServer.INSTANCE_KEY}) {
            assertEquals(invalid, c.delete(p, "x-api-key", wrong, "anthropic-version", "2023-06-01").statusAndBody());
            assertEquals(invalid, c.delete(p, "Authorization", "Bearer " + wrong, "anthropic-version", "2023-06-01")
                    .statusAndBody());
        }
        // two different keys: neither is guessed to be the one that counts
        assertEquals(invalid, c.delete(p, "x-api-key", w.key, "Authorization", "Bearer sk-wrong",
                "anthropic-version", "2023-06-01").statusAndBody());
        assertEquals(invalid, c.delete(p, "x-api-key", "sk-wrong", "Authorization", "Bearer " + w.key,
                "anthropic-version", "2023-06-01").statusAndBody());
        assertEquals("401 " + error("authentication_error", "x-api-key header is required"),
                c.delete(p, "Authorization", "Basic " + w.key, "anthropic-version", "2023-06-01").statusAndBody());
        assertEquals(200, w.member(c, w.workspace, w.id("dev")).status());
    }

    @Test
    void anyEndpoint_missingOrMalformedVersion_is400() {
        World w = World.create(c, false);
        String p = members(w.workspace) + "/" + w.id("dev");
        assertEquals("400 " + error("invalid_request_error", "anthropic-version: header is required"),
                c.delete(p, "x-api-key", w.key).statusAndBody());
        String versions = "400 " + error("invalid_request_error", "anthropic-version: must be one of 2023-06-01, 2023-01-01");
        assertEquals(versions, c.delete(p, "x-api-key", w.key, "anthropic-version", "latest").statusAndBody());
        assertEquals(versions, c.delete(p, "x-api-key", w.key, "anthropic-version", "2099-01-01").statusAndBody());
        assertEquals(versions, c.delete(p, "x-api-key", w.key, "anthropic-version", "2023-6-1").statusAndBody());
        assertEquals(200, c.get(members(w.workspace) + "/" + w.id("dev"), "x-api-key", w.key, "anthropic-version", "2023-01-01")
                .status(), "Anthropic's first version, still documented");
        assertEquals(200, w.member(c, w.workspace, w.id("dev")).status());
    }

    // ---- get -------------------------------------------------------------------------------------

    @Test
    void get_member_is200MemberObject() {
        World w = World.create(c, false);
        assertEquals("200 " + member(w.workspace, w.id("dev"), "workspace_developer"),
                w.member(c, w.workspace, w.id("dev")).statusAndBody());
        assertEquals("200 " + member(w.defaultWorkspace, w.id("admin"), "workspace_admin"),
                w.member(c, w.defaultWorkspace, w.id("admin")).statusAndBody());
    }

    @Test
    void get_malformedUserId_is400NamingTheField() {
        World w = World.create(c, false);
        Client.Reply r = c.get(members(w.workspace) + "/bad%20id", key(w.key));
        assertEquals("400 " + error("invalid_request_error",
                "user_id may contain only letters, digits, '_', '-', '.' and ':'"), r.statusAndBody());
    }

    // ---- list ------------------------------------------------------------------------------------

    @Test
    void list_pagesWithAfterAndBeforeIds() {
        World w = World.create(c, false);
        String admin = w.id("admin");
        String dev = w.id("dev");
        String wsadmin = w.id("wsadmin");
        World.addMember(c, w.workspace, admin, "user");
        // explicit members, by user id: admin, dev, wsadmin
        Client.Reply first = c.get(members(w.workspace) + "?limit=2", key(w.key));
        assertEquals("200 {\"data\":[" + member(w.workspace, admin, "workspace_user") + ","
                + member(w.workspace, dev, "workspace_developer") + "],\"has_more\":true,\"first_id\":\"" + admin
                + "\",\"last_id\":\"" + dev + "\"}", first.statusAndBody());
        Client.Reply next = c.get(members(w.workspace) + "?limit=2&after_id=" + dev, key(w.key));
        assertEquals("200 {\"data\":[" + member(w.workspace, wsadmin, "workspace_admin")
                + "],\"has_more\":false,\"first_id\":\"" + wsadmin + "\",\"last_id\":\"" + wsadmin + "\"}", next.statusAndBody());
        Client.Reply back = c.get(members(w.workspace) + "?limit=1&before_id=" + wsadmin, key(w.key));
        assertEquals("200 {\"data\":[" + member(w.workspace, dev, "workspace_developer")
                + "],\"has_more\":true,\"first_id\":\"" + dev + "\",\"last_id\":\"" + dev + "\"}", back.statusAndBody());
    }

    @Test
    void list_defaultLimitIs20AndEmptyPageHasNullIds() {
        World w = World.create(c, false);
        Client.Reply all = c.get(members(w.workspace), key(w.key));
        assertEquals(200, all.status());
        assertTrue(all.body().contains("\"has_more\":false"), all.body());
        Client.Reply empty = c.get(members(w.workspace) + "?after_id=zzzz", key(w.key));
        assertEquals("200 {\"data\":[],\"has_more\":false,\"first_id\":null,\"last_id\":null}", empty.statusAndBody());
    }

    @Test
    void list_badPageParameters_is400() {
        World w = World.create(c, false);
        String bad = "400 " + error("invalid_request_error", "limit must be an integer between 1 and 1000");
        assertEquals("400 " + error("invalid_request_error", "limit must be between 1 and 1000"),
                c.get(members(w.workspace) + "?limit=0", key(w.key)).statusAndBody());
        assertEquals("400 " + error("invalid_request_error", "limit must be between 1 and 1000"),
                c.get(members(w.workspace) + "?limit=1001", key(w.key)).statusAndBody());
        assertEquals(bad, c.get(members(w.workspace) + "?limit=abc", key(w.key)).statusAndBody());
        assertEquals(bad, c.get(members(w.workspace) + "?limit=99999999999", key(w.key)).statusAndBody());
        assertEquals("400 " + error("invalid_request_error", "before_id and after_id cannot both be given"),
                c.get(members(w.workspace) + "?after_id=a&before_id=b", key(w.key)).statusAndBody());
        assertEquals(200, c.get(members(w.workspace) + "?limit=1000", key(w.key)).status());
    }

    @Test
    void list_otherOrganizationsWorkspace_answersExactlyLikeAbsent() {
        World mine = World.create(c, false);
        World theirs = World.create(c, false);
        assertEquals(c.get(members("absent"), key(mine.key)).statusAndBody(),
                c.get(members(theirs.workspace), key(mine.key)).statusAndBody());
    }

    // ---- add -------------------------------------------------------------------------------------

    @Test
    void add_orgMember_is200AndStored() {
        World w = World.create(c, false);
        Client.Reply r = c.post(members(w.workspace), "{\"user_id\":\"" + w.id("member") + "\",\"workspace_role\":\"workspace_developer\"}",
                key(w.key));
        assertEquals("200 " + member(w.workspace, w.id("member"), "workspace_developer"), r.statusAndBody());
        assertEquals("200 " + member(w.workspace, w.id("member"), "workspace_developer"),
                w.member(c, w.workspace, w.id("member")).statusAndBody());
    }

    @Test
    void add_alreadyMember_is400() {
        World w = World.create(c, false);
        Client.Reply r = c.post(members(w.workspace), "{\"user_id\":\"" + w.id("dev") + "\",\"workspace_role\":\"workspace_user\"}",
                key(w.key));
        assertEquals("400 " + error("invalid_request_error", "The user is already a member"), r.statusAndBody());
        assertEquals("200 " + member(w.workspace, w.id("dev"), "workspace_developer"),
                w.member(c, w.workspace, w.id("dev")).statusAndBody());
    }

    @Test
    void add_userOfAnotherOrganization_is404LikeUnknownUser() {
        World mine = World.create(c, false);
        World theirs = World.create(c, false);
        String body = "{\"user_id\":\"%s\",\"workspace_role\":\"workspace_user\"}";
        assertEquals(c.post(members(mine.workspace), String.format(body, "nobody-at-all"), key(mine.key)).statusAndBody(),
                c.post(members(mine.workspace), String.format(body, theirs.id("dev")), key(mine.key)).statusAndBody());
        assertEquals(404, mine.member(c, mine.workspace, theirs.id("dev")).status());
    }

    @Test
    void add_badBodies_are400NamingTheProblem() {
        World w = World.create(c, false);
        String p = members(w.workspace);
        assertEquals("400 " + error("invalid_request_error", ADD_ROLES),
                c.post(p, "{\"user_id\":\"" + w.id("member") + "\",\"workspace_role\":\"workspace_owner\"}", key(w.key)).statusAndBody());
        assertEquals("400 " + error("invalid_request_error", "user_id is required"),
                c.post(p, "{\"workspace_role\":\"workspace_user\"}", key(w.key)).statusAndBody());
        assertEquals("400 " + error("invalid_request_error", "user_id must be a string"),
                c.post(p, "{\"user_id\":42,\"workspace_role\":\"workspace_user\"}", key(w.key)).statusAndBody());
        assertEquals("400 " + error("invalid_request_error", "admin: Extra inputs are not permitted"),
                c.post(p, "{\"user_id\":\"x\",\"workspace_role\":\"workspace_user\",\"admin\":true}", key(w.key)).statusAndBody());
        assertEquals("400 " + error("invalid_request_error", "the body must be a JSON object"),
                c.post(p, "", key(w.key)).statusAndBody());
        assertEquals(400, c.post(p, "{\"user_id\":", key(w.key)).status());
        assertEquals(400, c.post(p, "[".repeat(5000), key(w.key)).status());
        assertEquals(400, c.post(p, "{\"a\":" + "[".repeat(100) + "]".repeat(100) + "}", key(w.key)).status());
        assertEquals(404, w.member(c, w.workspace, w.id("member")).status());
    }

    @Test
    void add_onlyAnthropicsDocumentedRoles_andNeverBilling() {
        World w = World.create(c, false);
        String p = members(w.workspace);
        String body = "{\"user_id\":\"" + w.id("member") + "\",\"workspace_role\":\"%s\"}";
        assertEquals("400 " + error("invalid_request_error", "workspace_role cannot be workspace_billing"),
                c.post(p, String.format(body, "workspace_billing"), key(w.key)).statusAndBody());
        for (String undocumented : new String[] {"admin", "user", "developer", "billing", "WORKSPACE_USER", "Workspace_Admin",
                " workspace_user", "workspace_user ", "workspace_", ""}) {
            assertEquals("400 " + error("invalid_request_error", ADD_ROLES),
                    c.post(p, String.format(body, undocumented), key(w.key)).statusAndBody(), undocumented);
        }
        assertEquals(404, w.member(c, w.workspace, w.id("member")).status());
        assertEquals("200 " + member(w.workspace, w.id("member"), "workspace_restricted_developer"),
                c.post(p, String.format(body, "workspace_restricted_developer"), key(w.key)).statusAndBody());
    }

    @Test
    void add_oversizedBody_is413RequestTooLarge() {
        World w = World.create(c, false);
        String big = "{\"user_id\":\"" + "a".repeat(Routes.MAX_BODY_BYTES) + "\",\"workspace_role\":\"workspace_user\"}";
        assertEquals("413 " + error("request_too_large", "Request exceeds the maximum allowed number of bytes"),
                c.post(members(w.workspace), big, key(w.key)).statusAndBody());
    }

    // ---- update ----------------------------------------------------------------------------------

    @Test
    void update_role_is200AndStored() {
        World w = World.create(c, false);
        Client.Reply r = c.post(members(w.workspace) + "/" + w.id("dev"), "{\"workspace_role\":\"workspace_admin\"}", key(w.key));
        assertEquals("200 " + member(w.workspace, w.id("dev"), "workspace_admin"), r.statusAndBody());
        assertEquals("200 " + member(w.workspace, w.id("dev"), "workspace_admin"),
                w.member(c, w.workspace, w.id("dev")).statusAndBody());
    }

    @Test
    void update_lastAdminDemotion_is400AndNothingChanges() {
        World w = World.create(c, false);
        Client.Reply r = c.post(members(w.workspace) + "/" + w.id("wsadmin"), "{\"workspace_role\":\"workspace_user\"}", key(w.key));
        assertEquals("400 " + error("invalid_request_error", "The last admin cannot be removed or demoted"), r.statusAndBody());
        assertEquals("200 " + member(w.workspace, w.id("wsadmin"), "workspace_admin"),
                w.member(c, w.workspace, w.id("wsadmin")).statusAndBody());
    }

    @Test
    void update_organizationAdminsRole_is403PermissionErrorAndNothingChanges() {
        World w = World.create(c, false);
        World.addMember(c, w.workspace, w.id("admin"), "admin");
        Client.Reply r = c.post(members(w.workspace) + "/" + w.id("admin"), "{\"workspace_role\":\"workspace_user\"}",
                key(w.key));
        assertEquals("403 " + error("permission_error", PROTECTED), r.statusAndBody());
        assertEquals("200 " + member(w.workspace, w.id("admin"), "workspace_admin"),
                w.member(c, w.workspace, w.id("admin")).statusAndBody());
    }

    @Test
    void update_toBilling_isAllowed_undocumentedRolesAreNot() {
        World w = World.create(c, false);
        String p = members(w.workspace) + "/" + w.id("dev");
        assertEquals("200 " + member(w.workspace, w.id("dev"), "workspace_billing"),
                c.post(p, "{\"workspace_role\":\"workspace_billing\"}", key(w.key)).statusAndBody());
        for (String undocumented : new String[] {"admin", "user", "WORKSPACE_ADMIN", "workspace_owner"}) {
            assertEquals("400 " + error("invalid_request_error", UPDATE_ROLES),
                    c.post(p, "{\"workspace_role\":\"" + undocumented + "\"}", key(w.key)).statusAndBody(), undocumented);
        }
        assertEquals("200 " + member(w.workspace, w.id("dev"), "workspace_billing"), w.member(c, w.workspace, w.id("dev"))
                .statusAndBody());
    }

    @Test
    void update_nonMember_is404() {
        World w = World.create(c, false);
        assertEquals("404 " + error("not_found_error", "User not found in workspace"),
                c.post(members(w.workspace) + "/" + w.id("member"), "{\"workspace_role\":\"workspace_user\"}", key(w.key))
                        .statusAndBody());
    }

    // ---- the demo dataset ------------------------------------------------------------------------

    @Test
    void demo_flashbackKeyListsDesign_paradigmKeyCannotSeeIt() {
        Client.Reply mine = c.get(members(DemoData.FLASHBACK_DESIGN), key(DemoData.FLASHBACK_KEY));
        assertEquals(200, mine.status());
        assertTrue(mine.body().contains(member(DemoData.FLASHBACK_DESIGN, DemoData.BOB, "workspace_admin")), mine.body());
        assertEquals("404 " + error("not_found_error", "Workspace not found"),
                c.get(members(DemoData.FLASHBACK_DESIGN), key(DemoData.PARADIGM_KEY)).statusAndBody());
    }
}
