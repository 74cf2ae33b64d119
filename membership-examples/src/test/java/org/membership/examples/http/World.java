package org.membership.examples.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fresh organization built through the admin endpoints, so that a test that changes memberships
 * never depends on another test's leftovers:
 * <pre>
 *   admin     organization admin
 *   wsadmin   member, admin of the custom workspace
 *   dev       member, developer in the custom workspace
 *   member    member, default workspace only
 *   pending   account not validated, invited
 * </pre>
 * Integer worlds use integer ids everywhere (Paradigm); string worlds use UUIDs and named ids.
 */
final class World {
    private static final AtomicLong NEXT = new AtomicLong();
    static final String[] ROLES = {"admin", "wsadmin", "dev", "member", "pending"};

    final String org;
    final String defaultWorkspace;
    final String workspace;
    final String key;
    private final Map<String, String> ids;
    private final Map<String, String> tokens;
    private final Map<String, String> emails;
    private final Map<String, String> invitations;

    private World(String org, String defaultWorkspace, String workspace, String key, Map<String, String> ids,
                  Map<String, String> tokens, Map<String, String> emails, Map<String, String> invitations) {
        this.org = org;
        this.defaultWorkspace = defaultWorkspace;
        this.workspace = workspace;
        this.key = key;
        this.ids = ids;
        this.tokens = tokens;
        this.emails = emails;
        this.invitations = invitations;
    }

    String id(String role) {
        return ids.get(role);
    }

    String token(String role) {
        return tokens.get(role);
    }

    String email(String role) {
        return emails.get(role);
    }

    /** @return the id of the invitation the role was sent: accepted by all but {@code pending}, whose is pending */
    String invitation(String role) {
        return invitations.get(role);
    }

    static World create(Client c, boolean integerIds) {
        long n = NEXT.incrementAndGet();
        String[] root = Client.bearer(TestServer.INSTANCE_KEY);
        Map<String, String> ids = new HashMap<>();
        Map<String, String> tokens = new HashMap<>();
        Map<String, String> emails = new HashMap<>();
        Map<String, String> invitations = new HashMap<>();
        for (int i = 0; i < ROLES.length; i++) {
            String role = ROLES[i];
            String id = integerIds ? Long.toString(10_000 + n * 10 + i) : "w" + n + "-" + role;
            String email = role + "." + n + (integerIds ? ".int" : ".str") + "@world.example";
            String status = role.equals("pending") ? "pending_validation" : "validated";
            Client.Reply r = c.post("/admin/users", "{\"id\":\"" + id + "\",\"email\":\"" + email + "\",\"status\":\""
                    + status + "\"}", root);
            assertEquals(201, r.status(), r.body());
            ids.put(role, id);
            tokens.put(role, TestServer.field(r.body(), "token"));
            emails.put(role, email);
        }
        Client.Reply o = c.post("/admin/organizations", "{\"name\":\"World " + n + "\",\"first_admin\":\""
                + ids.get("admin") + "\",\"integer_ids\":" + integerIds + "}", root);
        assertEquals(201, o.status(), o.body());
        String org = TestServer.field(o.body(), "id");
        Client.Reply w = c.post("/admin/organizations/" + org + "/workspaces", "{\"name\":\"Custom " + n + "\"}", root);
        assertEquals(201, w.status(), w.body());
        for (String role : new String[] {"wsadmin", "dev", "member", "pending"}) {
            Client.Reply inv = c.post("/admin/organizations/" + org + "/invitations",
                    "{\"email\":\"" + emails.get(role) + "\",\"role\":\"member\"}", root);
            assertEquals(201, inv.status(), inv.body());
            invitations.put(role, TestServer.field(inv.body(), "id"));
            if (!role.equals("pending")) {
                Client.Reply acc = c.post("/invitations/" + TestServer.field(inv.body(), "id") + "/accept", "",
                        Client.bearer(tokens.get(role)));
                assertEquals(200, acc.status(), acc.body());
            }
        }
        String workspace = TestServer.field(w.body(), "id");
        addMember(c, workspace, ids.get("wsadmin"), "admin");
        addMember(c, workspace, ids.get("dev"), "developer");
        return new World(org, TestServer.field(o.body(), "default_workspace_id"), workspace,
                TestServer.field(o.body(), "api_key"), ids, tokens, emails, invitations);
    }

    static void addMember(Client c, String workspace, String user, String role) {
        Client.Reply r = c.post("/admin/workspaces/" + workspace + "/members",
                "{\"user_id\":\"" + user + "\",\"role\":\"" + role + "\"}", Client.bearer(TestServer.INSTANCE_KEY));
        assertEquals(201, r.status(), r.body());
    }

    /** Reads a member through the Anthropic API with this organization's key: the stored state. */
    Client.Reply member(Client c, String workspace, String user) {
        return c.get("/v1/organizations/workspaces/" + workspace + "/members/" + user,
                "x-api-key", key, "anthropic-version", "2023-06-01");
    }
}
