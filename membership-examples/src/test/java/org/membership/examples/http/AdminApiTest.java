package org.membership.examples.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.membership.examples.http.Client.bearer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The admin endpoints: populating the server, with the library's problem details. */
final class AdminApiTest {
    private static TestServer server;
    private static Client c;
    private static final String[] ROOT = bearer(TestServer.INSTANCE_KEY);

    @BeforeAll
    static void start() {
        server = new TestServer();
        c = server.client;
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    // ---- users -----------------------------------------------------------------------------------------

    @Test
    void registerUser_is201WithAWorkingToken() {
        Client.Reply r = c.post("/admin/users", "{\"id\":\"adm-1\",\"email\":\"Adm.One@Example.com\"}", ROOT);
        assertEquals(201, r.status(), r.body());
        assertTrue(r.body().startsWith("{\"id\":\"adm-1\",\"email\":\"adm.one@example.com\",\"status\":\"validated\","
                + "\"instance_admin\":false,\"token\":\"tok_"), r.body());
        // the token authenticates: the user may list its own memberships through X's organization lookup
        Client.Reply x = c.delete("/api/v0/organization/users?email=a@b.io", bearer(TestServer.field(r.body(), "token")));
        assertEquals(403, x.status(), x.body());
    }

    @Test
    void registerUser_sameEmailInAnotherCase_is409() {
        assertEquals(201, c.post("/admin/users", "{\"id\":\"adm-2\",\"email\":\"dup@example.com\"}", ROOT).status());
        Client.Reply r = c.post("/admin/users", "{\"id\":\"adm-3\",\"email\":\"DUP@example.com\"}", ROOT);
        assertEquals("409 {\"type\":\"urn:membership:problem:user_exists\",\"title\":\"Conflict\",\"status\":409,"
                + "\"detail\":\"A user with that id or email already exists\",\"code\":\"user_exists\"}", r.statusAndBody());
        assertEquals("application/problem+json; charset=utf-8", r.contentType());
    }

    @Test
    void registerUser_byOrganizationAdmin_is403() {
        Client.Reply r = c.post("/admin/users", "{\"email\":\"x@example.com\"}", bearer(DemoData.token(DemoData.ADA)));
        assertEquals(403, r.status());
        assertTrue(r.body().contains("\"code\":\"insufficient_authority\""), r.body());
    }

    @Test
    void anyAdminEndpoint_missingOrUnknownToken_is401() {
        assertEquals("401 {\"type\":\"urn:membership:problem:unauthenticated\",\"title\":\"Unauthorized\",\"status\":401,"
                + "\"detail\":\"A bearer token is required\",\"code\":\"unauthenticated\"}",
                c.post("/admin/organizations", "{}").statusAndBody());
        assertEquals(401, c.post("/admin/organizations", "{}", bearer("nope")).status());
    }

    @Test
    void registerUser_badFields_is400NamingTheField() {
        Client.Reply r = c.post("/admin/users", "{\"id\":\"has space\",\"email\":\"a@b.io\"}", ROOT);
        assertEquals("400 {\"type\":\"urn:membership:problem:invalid_input\",\"title\":\"Bad Request\",\"status\":400,"
                + "\"detail\":\"user_id may contain only letters, digits, '_', '-', '.' and ':'\",\"code\":\"invalid_input\","
                + "\"field\":\"user_id\"}", r.statusAndBody());
        assertTrue(c.post("/admin/users", "{\"email\":\"a@b.io\",\"status\":\"root\"}", ROOT).body().contains("\"field\":\"status\""));
        assertTrue(c.post("/admin/users", "{\"email\":\"a@b.io\",\"role\":\"x\"}", ROOT).body().contains("\"field\":\"role\""));
    }

    @Test
    void undocumentedEnumValues_areRefusedNamingTheField_andNothingIsStored() {
        String[][] cases = {
                {"/admin/users", "{\"id\":\"enum-1\",\"email\":\"enum1@example.com\",\"status\":\"VALIDATED\"}", "status",
                        "status must be one of: pending_validation, validated, disabled"},
                {"/admin/users", "{\"id\":\"enum-1\",\"email\":\"enum1@example.com\",\"status\":\" validated\"}", "status",
                        "status must be one of: pending_validation, validated, disabled"},
                {"/admin/organizations/" + DemoData.PARADIGM_ORG + "/invitations", "{\"email\":\"enum2@example.com\",\"role\":\"Admin\"}",
                        "role", "role must be one of: member, admin"},
                {"/admin/workspaces/" + DemoData.PARADIGM_RESEARCH + "/members", "{\"user_id\":\"" + DemoData.DEE
                        + "\",\"role\":\"workspace_admin\"}", "role",
                        "role must be one of: user, developer, restricted_developer, billing, admin"},
                {"/admin/workspaces/" + DemoData.PARADIGM_RESEARCH + "/members", "{\"user_id\":\"" + DemoData.DEE
                        + "\",\"role\":\"ADMIN\"}", "role",
                        "role must be one of: user, developer, restricted_developer, billing, admin"},
                {"/admin/users/" + DemoData.DEE + "/status", "{\"status\":\"Disabled\"}", "status",
                        "status must be one of: pending_validation, validated, disabled"},
        };
        for (String[] bad : cases) {
            Client.Reply r = c.post(bad[0], bad[1], ROOT);
            assertEquals("400 {\"type\":\"urn:membership:problem:invalid_input\",\"title\":\"Bad Request\",\"status\":400,"
                    + "\"detail\":\"" + bad[3] + "\",\"code\":\"invalid_input\",\"field\":\"" + bad[2] + "\"}",
                    r.statusAndBody(), bad[1]);
        }
        assertEquals(404, c.post("/admin/users/enum-1/tokens", "", ROOT).status(), "no user was registered");
        assertEquals(404, c.get("/v1/organizations/workspaces/" + DemoData.PARADIGM_RESEARCH + "/members/" + DemoData.DEE,
                "x-api-key", DemoData.PARADIGM_KEY, "anthropic-version", "2023-06-01").status(), "dee was not added");
    }

    @Test
    void issueToken_onlyWithTheInstanceKey_andOnlyForKnownUsers() {
        assertEquals(201, c.post("/admin/users/" + DemoData.DEE + "/tokens", "", ROOT).status());
        assertEquals(403, c.post("/admin/users/" + DemoData.DEE + "/tokens", "", bearer(DemoData.token(DemoData.ROOT))).status());
        assertEquals(404, c.post("/admin/users/nobody/tokens", "", ROOT).status());
    }

    // ---- organizations, workspaces, invitations ----------------------------------------------------------

    @Test
    void createOrganization_withIntegerIds_givesIntegerIdsToItsWorkspacesAndInvitations() {
        assertEquals(201, c.post("/admin/users", "{\"id\":\"90001\",\"email\":\"int.owner@example.com\"}", ROOT).status());
        Client.Reply o = c.post("/admin/organizations", "{\"name\":\"Ints\",\"first_admin\":\"90001\",\"integer_ids\":true}", ROOT);
        assertEquals(201, o.status(), o.body());
        String org = TestServer.field(o.body(), "id");
        assertTrue(Engines.isInteger(org) && Engines.isInteger(TestServer.field(o.body(), "default_workspace_id")), o.body());
        Client.Reply w = c.post("/admin/organizations/" + org + "/workspaces", "{\"name\":\"Lab\"}", ROOT);
        assertEquals(201, w.status(), w.body());
        assertTrue(Engines.isInteger(TestServer.field(w.body(), "id")), w.body());
        Client.Reply i = c.post("/admin/organizations/" + org + "/invitations", "{\"email\":\"someone@example.com\"}", ROOT);
        assertEquals(201, i.status(), i.body());
        assertTrue(Engines.isInteger(TestServer.field(i.body(), "id")), i.body());
        assertEquals("pending", TestServer.field(i.body(), "status"));
    }

    @Test
    void createOrganization_default_givesUuids() {
        assertEquals(201, c.post("/admin/users", "{\"id\":\"uuid-owner\",\"email\":\"uuid.owner@example.com\"}", ROOT).status());
        Client.Reply o = c.post("/admin/organizations", "{\"name\":\"Uuids\",\"first_admin\":\"uuid-owner\"}", ROOT);
        assertEquals(201, o.status(), o.body());
        assertTrue(TestServer.field(o.body(), "id").matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), o.body());
    }

    @Test
    void createWorkspace_inAnotherOrganization_isLikeAbsent() {
        Client.Reply probe = c.post("/admin/organizations/" + DemoData.FLASHBACK_ORG + "/workspaces", "{\"name\":\"x\"}",
                bearer(DemoData.token(DemoData.ADA)));
        Client.Reply absent = c.post("/admin/organizations/nope/workspaces", "{\"name\":\"x\"}", bearer(DemoData.token(DemoData.ADA)));
        assertEquals(absent.statusAndBody(), probe.statusAndBody());
        assertEquals(404, probe.status());
    }

    @Test
    void acceptInvitation_forSomeoneElse_is404_andForSelf_is200() {
        Client.Reply i = c.post("/admin/organizations/" + DemoData.PARADIGM_ORG + "/invitations",
                "{\"email\":\"newcomer@example.com\",\"role\":\"member\"}", ROOT);
        assertEquals(201, i.status(), i.body());
        Client.Reply u = c.post("/admin/users", "{\"id\":\"90002\",\"email\":\"newcomer@example.com\"}", ROOT);
        String id = TestServer.field(i.body(), "id");
        assertEquals(404, c.post("/invitations/" + id + "/accept", "", bearer(DemoData.token(DemoData.DEE))).status());
        Client.Reply accepted = c.post("/invitations/" + id + "/accept", "", bearer(TestServer.field(u.body(), "token")));
        assertEquals("200 {\"organization_id\":\"1\",\"user_id\":\"90002\",\"role\":\"member\"}", accepted.statusAndBody());
        assertEquals(409, c.post("/invitations/" + id + "/accept", "", bearer(TestServer.field(u.body(), "token"))).status());
    }
}
