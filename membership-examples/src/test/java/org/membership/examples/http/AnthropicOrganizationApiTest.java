package org.membership.examples.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A over HTTP: Anthropic's organization endpoints (Organization Member Management, Organization
 * Invites), with x-api-key and anthropic-version. Answers are read with Gson ({@link Answers}), never
 * with the server's code; probes of another organization are compared byte for byte with absent ones.
 */
final class AnthropicOrganizationApiTest {
    private static TestServer server;
    private static Client c;
    private static final AtomicLong NEXT = new AtomicLong();

    private static final String USERS = "/v1/organizations/users";
    private static final String INVITES = "/v1/organizations/invites";
    private static final String ROLES = "role must be one of: user, developer, billing, claude_code_user";
    private static final String PROTECTED =
            "Only an instance admin may remove an organization admin or change its workspace role";
    private static final Pattern RFC_3339_UTC = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,6})?Z");
    private static final Set<String> USER_KEYS = Set.of("id", "added_at", "email", "name", "role", "type");
    private static final Set<String> INVITE_KEYS = Set.of("id", "email", "expires_at", "invited_at", "role", "status", "type");

    @BeforeAll
    static void start() {
        server = new TestServer();
        c = server.client;
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String[] key(String key) {
        return new String[] {"x-api-key", key, "anthropic-version", "2023-06-01"};
    }

    private static String error(String type, String message) {
        return "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"" + message + "\"}}";
    }

    private static String unsupported(String role) {
        return "role " + role + " is not supported by this host: its organizations have only the roles user and admin";
    }

    private static String user(String id) {
        return USERS + "/" + id;
    }

    private static String invite(String id) {
        return INVITES + "/" + id;
    }

    private static Client.Reply getUser(World w, String id) {
        return c.get(user(id), key(w.key));
    }

    /** Fails unless the object is Anthropic's User object for that member. */
    private static void assertUser(JsonElement element, String id, String email, String role, Instant notBefore) {
        JsonObject u = element.getAsJsonObject();
        assertEquals(USER_KEYS, u.keySet(), u.toString());
        assertEquals(id, u.get("id").getAsString());
        assertEquals(email, u.get("email").getAsString());
        assertEquals(email, u.get("name").getAsString(), "the library keeps no display name: the name is the email");
        assertEquals(role, u.get("role").getAsString());
        assertEquals("user", u.get("type").getAsString());
        Instant added = rfc3339(u.get("added_at").getAsString());
        assertFalse(added.isBefore(notBefore.truncatedTo(ChronoUnit.MICROS)) || added.isAfter(Instant.now()), u.toString());
    }

    /** Fails unless the object is Anthropic's Invite object with those values; returns its id. */
    private static String assertInvite(JsonElement element, String email, String role, String status) {
        JsonObject i = element.getAsJsonObject();
        assertEquals(INVITE_KEYS, i.keySet(), i.toString());
        assertEquals(email, i.get("email").getAsString());
        assertEquals(role, i.get("role").getAsString());
        assertEquals(status, i.get("status").getAsString());
        assertEquals("invite", i.get("type").getAsString());
        Instant invited = rfc3339(i.get("invited_at").getAsString());
        Instant expires = rfc3339(i.get("expires_at").getAsString());
        assertEquals(Duration.ofDays(7), Duration.between(invited, expires), "the library's default invitation lifetime");
        return i.get("id").getAsString();
    }

    /** @return the time, after failing unless it is RFC 3339 in UTC to the microsecond at most, as Anthropic writes it */
    private static Instant rfc3339(String text) {
        assertTrue(RFC_3339_UTC.matcher(text).matches(), text);
        return Instant.parse(text);
    }

    private static List<String> ids(JsonObject page) {
        List<String> ids = new ArrayList<>();
        for (JsonElement e : page.getAsJsonArray("data")) {
            ids.add(e.getAsJsonObject().get("id").getAsString());
        }
        return ids;
    }

    /** Fails unless the answer is a 200 page with exactly those ids, in that order, and Anthropic's page members. */
    private static JsonObject assertPage(Client.Reply r, List<String> ids, boolean hasMore) {
        assertEquals(200, r.status(), r.body());
        JsonObject page = Answers.object(r.body());
        assertEquals(Set.of("data", "has_more", "first_id", "last_id"), page.keySet(), r.body());
        assertEquals(ids, ids(page), r.body());
        assertEquals(hasMore, page.get("has_more").getAsBoolean(), r.body());
        if (ids.isEmpty()) {
            assertTrue(page.get("first_id").isJsonNull() && page.get("last_id").isJsonNull(), r.body());
        } else {
            assertEquals(ids.get(0), page.get("first_id").getAsString(), r.body());
            assertEquals(ids.get(ids.size() - 1), page.get("last_id").getAsString(), r.body());
        }
        return page;
    }

    /** Registers a validated user and makes it a member of the world's organization through the admin endpoints. */
    private static String join(World w, String name) {
        String[] root = Client.bearer(TestServer.INSTANCE_KEY);
        String id = w.id("admin").replace("-admin", "-" + name);
        String email = name + "." + NEXT.incrementAndGet() + "." + w.org + "@join.example";
        Client.Reply u = c.post("/admin/users", "{\"id\":\"" + id + "\",\"email\":\"" + email + "\",\"status\":\"validated\"}", root);
        assertEquals(201, u.status(), u.body());
        Client.Reply inv = c.post("/admin/organizations/" + w.org + "/invitations", "{\"email\":\"" + email + "\"}", root);
        assertEquals(201, inv.status(), inv.body());
        Client.Reply acc = c.post("/invitations/" + TestServer.field(inv.body(), "id") + "/accept", "",
                Client.bearer(TestServer.field(u.body(), "token")));
        assertEquals(200, acc.status(), acc.body());
        return id;
    }

    private static Client.Reply createInvite(World w, String email, String role) {
        return c.post(INVITES, "{\"email\":\"" + email + "\",\"role\":\"" + role + "\"}", key(w.key));
    }

    // ---- authentication headers, for every endpoint ---------------------------------------------

    /** Every endpoint, as method, path and body, on a world's members and invitations. */
    private static List<String[]> endpoints(World w) {
        return List.of(
                new String[] {"GET", USERS, null},
                new String[] {"GET", user(w.id("dev")), null},
                new String[] {"POST", user(w.id("dev")), "{\"role\":\"user\"}"},
                new String[] {"DELETE", user(w.id("dev")), null},
                new String[] {"POST", INVITES, "{\"email\":\"someone@world.example\",\"role\":\"user\"}"},
                new String[] {"GET", INVITES, null},
                new String[] {"GET", invite(w.invitation("pending")), null},
                new String[] {"DELETE", invite(w.invitation("pending")), null});
    }

    @Test
    void anyEndpoint_missingOrWrongKey_is401AuthenticationError_andNothingChanges() {
        World w = World.create(c, false);
        String missing = "401 " + error("authentication_error", "x-api-key header is required");
        String invalid = "401 " + error("authentication_error", "invalid x-api-key");
        for (String[] e : endpoints(w)) {
            String what = e[0] + " " + e[1];
            assertEquals(missing, c.send(e[0], e[1], e[2], "anthropic-version", "2023-06-01").statusAndBody(), what);
            for (String wrong : new String[] {"sk-wrong", w.token("admin"), TestServer.INSTANCE_KEY}) {
                assertEquals(invalid, c.send(e[0], e[1], e[2], key(wrong)).statusAndBody(), what + " with " + wrong);
                assertEquals(invalid, c.send(e[0], e[1], e[2], "Authorization", "Bearer " + wrong,
                        "anthropic-version", "2023-06-01").statusAndBody(), what + " with Bearer " + wrong);
            }
            assertEquals(invalid, c.send(e[0], e[1], e[2], "x-api-key", w.key, "Authorization", "Bearer sk-wrong",
                    "anthropic-version", "2023-06-01").statusAndBody(), what + " with two different keys");
        }
        assertEquals(200, getUser(w, w.id("dev")).status());
        assertEquals("pending", Answers.field(c.get(invite(w.invitation("pending")), key(w.key)).body(), "status"));
    }

    @Test
    void anyEndpoint_missingOrUndocumentedVersion_is400_andNothingChanges() {
        World w = World.create(c, false);
        String required = "400 " + error("invalid_request_error", "anthropic-version: header is required");
        String versions = "400 " + error("invalid_request_error", "anthropic-version: must be one of 2023-06-01, 2023-01-01");
        for (String[] e : endpoints(w)) {
            String what = e[0] + " " + e[1];
            assertEquals(required, c.send(e[0], e[1], e[2], "x-api-key", w.key).statusAndBody(), what);
            assertEquals(versions, c.send(e[0], e[1], e[2], "x-api-key", w.key, "anthropic-version", "2099-01-01")
                    .statusAndBody(), what);
        }
        assertEquals(200, getUser(w, w.id("dev")).status());
        assertEquals("pending", Answers.field(c.get(invite(w.invitation("pending")), key(w.key)).body(), "status"));
    }

    @Test
    void anyEndpoint_keyAsBearerToken_isAcceptedLikeXApiKey() {
        World w = World.create(c, false);
        String[] bearer = {"Authorization", "Bearer " + w.key, "anthropic-version", "2023-01-01"};
        assertEquals(getUser(w, w.id("dev")).statusAndBody(), c.get(user(w.id("dev")), bearer).statusAndBody());
        assertEquals(c.get(USERS, key(w.key)).statusAndBody(), c.get(USERS, bearer).statusAndBody());
        assertEquals(c.get(INVITES, key(w.key)).statusAndBody(), c.get(INVITES, bearer).statusAndBody());
        assertEquals("200 {\"id\":\"" + w.id("dev") + "\",\"type\":\"user_deleted\"}",
                c.delete(user(w.id("dev")), bearer).statusAndBody());
    }

    @Test
    void unknownPathsAndMethods_answerInAnthropicsEnvelope() {
        World w = World.create(c, false);
        assertEquals("404 " + error("not_found_error", "Not found"),
                c.get(user(w.id("dev")) + "/roles", key(w.key)).statusAndBody());
        Client.Reply put = c.send("PUT", USERS, "{}", key(w.key));
        assertEquals("405 " + error("invalid_request_error", "Method PUT not allowed"), put.statusAndBody());
        assertEquals("GET", put.headers().firstValue("allow").orElse(""));
        Client.Reply patch = c.send("PATCH", invite(w.invitation("pending")), "{}", key(w.key));
        assertEquals(405, patch.status());
        assertEquals("DELETE, GET", patch.headers().firstValue("allow").orElse(""));
    }

    @Test
    void unreadableRequests_answerInAnthropicsEnvelope_andChangeNothing() {
        World w = World.create(c, false);
        String escape = "400 " + error("invalid_request_error", "the request target has a malformed percent-escape");
        for (String target : new String[] {USERS + "/%ZZ", USERS + "?email=%ZZ", INVITES + "/%4", INVITES + "?limit=%G1"}) {
            Client.Reply r = RawHttp.send(server.server.port(), RawHttp.head("GET", target, "x-api-key: " + w.key,
                    "anthropic-version: 2023-06-01"), new byte[0]);
            assertEquals(escape, r.statusAndBody(), target);
        }
        Client.Reply lying = RawHttp.send(server.server.port(), RawHttp.head("DELETE", user(w.id("dev")),
                "x-api-key: " + w.key, "anthropic-version: 2023-06-01", "Content-Length: abc"), new byte[0]);
        assertEquals(400, lying.status(), lying.body());
        assertEquals(Set.of("type", "error"), Answers.object(lying.body()).keySet(), lying.body());
        assertEquals(200, getUser(w, w.id("dev")).status());
    }

    // ---- list users ------------------------------------------------------------------------------

    @Test
    void listUsers_pagesForwardAndBackward_withAnthropicsUserObjects() {
        Instant before = Instant.now();
        World w = World.create(c, false);
        String admin = w.id("admin");
        String dev = w.id("dev");
        String member = w.id("member");
        String wsadmin = w.id("wsadmin");
        // members by user id: admin, dev, member, wsadmin ("pending" is only invited)
        JsonObject first = assertPage(c.get(USERS + "?limit=2", key(w.key)), List.of(admin, dev), true);
        assertUser(first.getAsJsonArray("data").get(0), admin, w.email("admin"), "admin", before);
        assertUser(first.getAsJsonArray("data").get(1), dev, w.email("dev"), "user", before);
        JsonObject next = assertPage(c.get(USERS + "?limit=2&after_id=" + dev, key(w.key)), List.of(member, wsadmin), false);
        assertUser(next.getAsJsonArray("data").get(1), wsadmin, w.email("wsadmin"), "user", before);
        assertPage(c.get(USERS + "?limit=1&before_id=" + member, key(w.key)), List.of(dev), true);
        assertPage(c.get(USERS + "?limit=5&before_id=" + dev, key(w.key)), List.of(admin), false);
        assertPage(c.get(USERS + "?after_id=" + admin, key(w.key)), List.of(dev, member, wsadmin), false);
    }

    @Test
    void listUsers_defaultLimitIs20_andLimitUpTo1000() {
        World w = World.create(c, false);
        List<String> all = new ArrayList<>(List.of(w.id("admin"), w.id("dev"), w.id("member"), w.id("wsadmin")));
        for (int i = 0; i < 17; i++) {
            all.add(join(w, "extra" + (char) ('a' + i)));
        }
        all.sort(null);
        assertPage(c.get(USERS, key(w.key)), all.subList(0, 20), true);
        assertPage(c.get(USERS + "?after_id=" + all.get(19), key(w.key)), all.subList(20, 21), false);
        assertPage(c.get(USERS + "?limit=1000", key(w.key)), all, false);
    }

    @Test
    void listUsers_pastTheEnd_isAnEmptyPageWithNullIds() {
        World w = World.create(c, false);
        assertEquals("200 {\"data\":[],\"has_more\":false,\"first_id\":null,\"last_id\":null}",
                c.get(USERS + "?after_id=zzzz", key(w.key)).statusAndBody());
    }

    @Test
    void listUsers_badPageParameters_are400NamingTheParameter() {
        World w = World.create(c, false);
        String notAnInteger = "400 " + error("invalid_request_error", "limit must be an integer between 1 and 1000");
        String range = "400 " + error("invalid_request_error", "limit must be between 1 and 1000");
        for (String path : new String[] {USERS, INVITES}) {
            assertEquals(range, c.get(path + "?limit=0", key(w.key)).statusAndBody(), path);
            assertEquals(range, c.get(path + "?limit=1001", key(w.key)).statusAndBody(), path);
            for (String bad : new String[] {"abc", "-1", "1.5", "", "99999999999"}) {
                assertEquals(notAnInteger, c.get(path + "?limit=" + bad, key(w.key)).statusAndBody(), path + " " + bad);
            }
            assertEquals("400 " + error("invalid_request_error", "before_id and after_id cannot both be given"),
                    c.get(path + "?after_id=a&before_id=b", key(w.key)).statusAndBody(), path);
            assertEquals("400 " + error("invalid_request_error",
                    "after_id may contain only letters, digits, '_', '-', '.' and ':'"),
                    c.get(path + "?after_id=a%20b", key(w.key)).statusAndBody(), path);
            assertEquals("400 " + error("invalid_request_error", "before_id must not be blank"),
                    c.get(path + "?before_id=", key(w.key)).statusAndBody(), path);
        }
    }

    @Test
    void listUsers_byEmail_findsTheMemberInAnyCase_andNobodyElse() {
        Instant before = Instant.now();
        World w = World.create(c, false);
        String dev = w.id("dev");
        String shouted = w.email("dev").toUpperCase(java.util.Locale.ROOT);
        JsonObject page = assertPage(c.get(USERS + "?email=" + shouted, key(w.key)), List.of(dev), false);
        assertUser(page.getAsJsonArray("data").get(0), dev, w.email("dev"), "user", before);
        assertPage(c.get(USERS + "?email=" + w.email("dev") + "&after_id=" + w.id("admin"), key(w.key)), List.of(dev), false);
        assertPage(c.get(USERS + "?email=" + w.email("dev") + "&after_id=" + dev, key(w.key)), List.of(), false);
        assertPage(c.get(USERS + "?email=" + w.email("dev") + "&before_id=" + dev, key(w.key)), List.of(), false);
        assertPage(c.get(USERS + "?email=" + w.email("pending"), key(w.key)), List.of(), false);
        assertPage(c.get(USERS + "?email=nobody@world.example", key(w.key)), List.of(), false);
    }

    @Test
    void listUsers_byMalformedEmail_is400NamingEmail() {
        World w = World.create(c, false);
        assertEquals("400 " + error("invalid_request_error", "email must have exactly one '@' with a local part before it"),
                c.get(USERS + "?email=not-an-email", key(w.key)).statusAndBody());
        assertEquals("400 " + error("invalid_request_error", "email must not be blank"),
                c.get(USERS + "?email=", key(w.key)).statusAndBody());
    }

    @Test
    void listUsers_byEmailOfAnotherOrganizationsMember_answersExactlyLikeAnUnknownEmail() {
        World mine = World.create(c, false);
        World theirs = World.create(c, false);
        assertEquals(c.get(USERS + "?email=nobody@world.example", key(mine.key)).statusAndBody(),
                c.get(USERS + "?email=" + theirs.email("dev"), key(mine.key)).statusAndBody());
    }

    @Test
    void listUsers_neverShowsAnotherOrganizationsMembers() {
        World mine = World.create(c, false);
        World theirs = World.create(c, false);
        JsonObject page = assertPage(c.get(USERS + "?limit=1000", key(mine.key)),
                List.of(mine.id("admin"), mine.id("dev"), mine.id("member"), mine.id("wsadmin")), false);
        assertFalse(page.toString().contains(theirs.id("dev")), page.toString());
    }

    // ---- get user --------------------------------------------------------------------------------

    @Test
    void getUser_member_is200UserObject() {
        Instant before = Instant.now();
        World w = World.create(c, false);
        Client.Reply r = getUser(w, w.id("wsadmin"));
        assertEquals(200, r.status(), r.body());
        assertUser(Answers.object(r.body()), w.id("wsadmin"), w.email("wsadmin"), "user", before);
        Client.Reply admin = getUser(w, w.id("admin"));
        assertUser(Answers.object(admin.body()), w.id("admin"), w.email("admin"), "admin", before);
    }

    @Test
    void getUser_notAMember_is404_whetherUnknownOrOnlyInvited() {
        World w = World.create(c, false);
        String absent = "404 " + error("not_found_error", "User not found");
        assertEquals(absent, getUser(w, "nobody-at-all").statusAndBody());
        assertEquals(absent, getUser(w, w.id("pending")).statusAndBody());
    }

    @Test
    void getUser_otherOrganizationsMember_answersExactlyLikeAbsent() {
        World mine = World.create(c, false);
        World theirs = World.create(c, false);
        Client.Reply probe = getUser(mine, theirs.id("dev"));
        assertEquals(getUser(mine, "nobody-at-all").statusAndBody(), probe.statusAndBody());
        assertEquals(getUser(mine, "nobody-at-all").headers().firstValue("content-type"),
                probe.headers().firstValue("content-type"));
        assertEquals(200, getUser(theirs, theirs.id("dev")).status());
    }

    @Test
    void getUser_malformedId_is400NamingUserId() {
        World w = World.create(c, false);
        assertEquals("400 " + error("invalid_request_error", "user_id may contain only letters, digits, '_', '-', '.' and ':'"),
                getUser(w, "bad%20id").statusAndBody());
        assertEquals("400 " + error("invalid_request_error", "user_id must be at most 128 characters"),
                getUser(w, "u".repeat(129)).statusAndBody());
    }

    // ---- update user -----------------------------------------------------------------------------

    @Test
    void updateUser_toUser_is200UserObject_andTheMemberStaysAUser() {
        Instant before = Instant.now();
        World w = World.create(c, false);
        Client.Reply r = c.post(user(w.id("dev")), "{\"role\":\"user\"}", key(w.key));
        assertEquals(200, r.status(), r.body());
        assertUser(Answers.object(r.body()), w.id("dev"), w.email("dev"), "user", before);
        assertEquals(r.statusAndBody(), getUser(w, w.id("dev")).statusAndBody());
    }

    @Test
    void updateUser_organizationAdmin_is403PermissionError_andStaysAdmin() {
        World w = World.create(c, false);
        Client.Reply before = getUser(w, w.id("admin"));
        assertEquals("403 " + error("permission_error", PROTECTED),
                c.post(user(w.id("admin")), "{\"role\":\"user\"}", key(w.key)).statusAndBody());
        assertEquals(before.statusAndBody(), getUser(w, w.id("admin")).statusAndBody());
    }

    @Test
    void updateUser_toAdmin_is400_asAnthropicDocuments() {
        World w = World.create(c, false);
        Client.Reply before = getUser(w, w.id("dev"));
        assertEquals("400 " + error("invalid_request_error", "role cannot be admin"),
                c.post(user(w.id("dev")), "{\"role\":\"admin\"}", key(w.key)).statusAndBody());
        assertEquals(before.statusAndBody(), getUser(w, w.id("dev")).statusAndBody());
    }

    @Test
    void updateUser_rolesWithoutALibraryCounterpart_are400NamingRole_neverMapped() {
        World w = World.create(c, false);
        Client.Reply before = getUser(w, w.id("dev"));
        for (String role : new String[] {"developer", "billing", "claude_code_user"}) {
            assertEquals("400 " + error("invalid_request_error", unsupported(role)),
                    c.post(user(w.id("dev")), "{\"role\":\"" + role + "\"}", key(w.key)).statusAndBody(), role);
        }
        assertEquals(before.statusAndBody(), getUser(w, w.id("dev")).statusAndBody());
    }

    @Test
    void updateUser_badBodies_are400NamingTheProblem_andNothingChanges() {
        World w = World.create(c, false);
        String p = user(w.id("dev"));
        Client.Reply before = getUser(w, w.id("dev"));
        for (String undocumented : new String[] {"USER", "User", " user", "member", "owner", "workspace_user", "managed", ""}) {
            assertEquals("400 " + error("invalid_request_error", ROLES),
                    c.post(p, "{\"role\":\"" + undocumented + "\"}", key(w.key)).statusAndBody(), undocumented);
        }
        assertEquals("400 " + error("invalid_request_error", "role is required"), c.post(p, "{}", key(w.key)).statusAndBody());
        assertEquals("400 " + error("invalid_request_error", "role is required"),
                c.post(p, "{\"role\":null}", key(w.key)).statusAndBody());
        assertEquals("400 " + error("invalid_request_error", "role must be a string"),
                c.post(p, "{\"role\":1}", key(w.key)).statusAndBody());
        assertEquals("400 " + error("invalid_request_error", "email: Extra inputs are not permitted"),
                c.post(p, "{\"role\":\"user\",\"email\":\"x@world.example\"}", key(w.key)).statusAndBody());
        assertEquals("400 " + error("invalid_request_error", "the body must be a JSON object"),
                c.post(p, "", key(w.key)).statusAndBody());
        assertEquals("400 " + error("invalid_request_error", "the body must be a JSON object"),
                c.post(p, "[\"user\"]", key(w.key)).statusAndBody());
        Client.Reply truncated = c.post(p, "{\"role\":", key(w.key));
        assertEquals(400, truncated.status());
        assertTrue(truncated.body().contains("malformed JSON"), truncated.body());
        assertEquals(400, c.post(p, "{\"role\":\"user\",\"role\":\"user\"}", key(w.key)).status());
        assertEquals(before.statusAndBody(), getUser(w, w.id("dev")).statusAndBody());
    }

    @Test
    void updateUser_nonMember_is404_andAnotherOrganizationsMemberAnswersExactlyTheSame() {
        World mine = World.create(c, false);
        World theirs = World.create(c, false);
        Client.Reply absent = c.post(user("nobody-at-all"), "{\"role\":\"user\"}", key(mine.key));
        assertEquals("404 " + error("not_found_error", "User not found"), absent.statusAndBody());
        assertEquals(absent.statusAndBody(), c.post(user(theirs.id("admin")), "{\"role\":\"user\"}", key(mine.key)).statusAndBody());
        assertEquals("admin", Answers.field(getUser(theirs, theirs.id("admin")).body(), "role"));
    }

    // ---- remove user -----------------------------------------------------------------------------

    @Test
    void removeUser_member_is200UserDeleted_andLeavesTheOrganizationAndItsWorkspaces() {
        World w = World.create(c, false);
        String dev = w.id("dev");
        assertEquals(200, w.member(c, w.workspace, dev).status(), "dev is in the custom workspace");
        assertEquals("200 {\"id\":\"" + dev + "\",\"type\":\"user_deleted\"}", c.delete(user(dev), key(w.key)).statusAndBody());
        assertEquals("404 " + error("not_found_error", "User not found"), getUser(w, dev).statusAndBody());
        assertEquals("404 " + error("not_found_error", "User not found in workspace"),
                w.member(c, w.workspace, dev).statusAndBody());
        assertEquals("404 " + error("not_found_error", "User not found in workspace"),
                w.member(c, w.defaultWorkspace, dev).statusAndBody());
        assertPage(c.get(USERS, key(w.key)), List.of(w.id("admin"), w.id("member"), w.id("wsadmin")), false);
    }

    @Test
    void removeUser_again_is404() {
        World w = World.create(c, false);
        assertEquals(200, c.delete(user(w.id("member")), key(w.key)).status());
        assertEquals("404 " + error("not_found_error", "User not found"),
                c.delete(user(w.id("member")), key(w.key)).statusAndBody());
    }

    @Test
    void removeUser_organizationAdmin_is403PermissionError_andStays() {
        World w = World.create(c, false);
        Client.Reply before = getUser(w, w.id("admin"));
        assertEquals("403 " + error("permission_error", PROTECTED), c.delete(user(w.id("admin")), key(w.key)).statusAndBody());
        assertEquals(before.statusAndBody(), getUser(w, w.id("admin")).statusAndBody());
    }

    @Test
    void removeUser_lastAdminOfAWorkspace_is400InvalidRequest_andStaysEverywhere() {
        World w = World.create(c, false);
        Client.Reply before = getUser(w, w.id("wsadmin"));
        assertEquals("400 " + error("invalid_request_error", "The last admin cannot be removed or demoted"),
                c.delete(user(w.id("wsadmin")), key(w.key)).statusAndBody());
        assertEquals(before.statusAndBody(), getUser(w, w.id("wsadmin")).statusAndBody());
        assertEquals(200, w.member(c, w.workspace, w.id("wsadmin")).status());
    }

    @Test
    void removeUser_otherOrganizationsMember_answersExactlyLikeAbsent_andTheirsStays() {
        World mine = World.create(c, false);
        World theirs = World.create(c, false);
        Client.Reply absent = c.delete(user("nobody-at-all"), key(mine.key));
        Client.Reply probe = c.delete(user(theirs.id("dev")), key(mine.key));
        assertEquals("404 " + error("not_found_error", "User not found"), absent.statusAndBody());
        assertEquals(absent.statusAndBody(), probe.statusAndBody());
        assertEquals(200, getUser(theirs, theirs.id("dev")).status());
        assertEquals(200, theirs.member(c, theirs.workspace, theirs.id("dev")).status());
    }

    @Test
    void removeUser_malformedId_is400NamingUserId() {
        World w = World.create(c, false);
        assertEquals("400 " + error("invalid_request_error", "user_id may contain only letters, digits, '_', '-', '.' and ':'"),
                c.delete(user("a%2Fb"), key(w.key)).statusAndBody());
    }

    // ---- invites ---------------------------------------------------------------------------------

    @Test
    void createInvite_is200InviteObject_thenGetListAndDelete() {
        World w = World.create(c, false);
        String email = "new." + NEXT.incrementAndGet() + "@world.example";
        Client.Reply created = createInvite(w, email.toUpperCase(java.util.Locale.ROOT), "user");
        assertEquals(200, created.status(), created.body());
        String id = assertInvite(Answers.object(created.body()), email, "user", "pending");
        assertEquals(created.statusAndBody(), c.get(invite(id), key(w.key)).statusAndBody());
        assertTrue(ids(Answers.object(c.get(INVITES, key(w.key)).body())).contains(id));

        assertEquals("200 {\"id\":\"" + id + "\",\"type\":\"invite_deleted\"}", c.delete(invite(id), key(w.key)).statusAndBody());
        assertInvite(Answers.object(c.get(invite(id), key(w.key)).body()), email, "user", "deleted");
        assertFalse(ids(Answers.object(c.get(INVITES, key(w.key)).body())).contains(id));
        assertEquals("400 " + error("invalid_request_error", "The invitation is no longer pending"),
                c.delete(invite(id), key(w.key)).statusAndBody());
    }

    @Test
    void createInvite_roles_adminAndRolesWithoutACounterpartAreRefused_andNothingIsCreated() {
        World w = World.create(c, false);
        Client.Reply before = c.get(INVITES, key(w.key));
        String email = "role." + NEXT.incrementAndGet() + "@world.example";
        assertEquals("400 " + error("invalid_request_error", "role cannot be admin"),
                createInvite(w, email, "admin").statusAndBody());
        for (String role : new String[] {"developer", "billing", "claude_code_user"}) {
            assertEquals("400 " + error("invalid_request_error", unsupported(role)),
                    createInvite(w, email, role).statusAndBody(), role);
        }
        for (String undocumented : new String[] {"member", "ADMIN", "workspace_user", "managed", ""}) {
            assertEquals("400 " + error("invalid_request_error", ROLES),
                    createInvite(w, email, undocumented).statusAndBody(), undocumented);
        }
        assertEquals(before.statusAndBody(), c.get(INVITES, key(w.key)).statusAndBody());
    }

    @Test
    void createInvite_badBodies_are400NamingTheField_andNothingIsCreated() {
        World w = World.create(c, false);
        Client.Reply before = c.get(INVITES, key(w.key));
        assertEquals("400 " + error("invalid_request_error", "email is required"),
                c.post(INVITES, "{\"role\":\"user\"}", key(w.key)).statusAndBody());
        assertEquals("400 " + error("invalid_request_error", "role is required"),
                c.post(INVITES, "{\"email\":\"a@world.example\"}", key(w.key)).statusAndBody());
        assertEquals("400 " + error("invalid_request_error", "email must have exactly one '@' with a local part before it"),
                createInvite(w, "not-an-email", "user").statusAndBody());
        assertEquals("400 " + error("invalid_request_error", "email must be a string"),
                c.post(INVITES, "{\"email\":7,\"role\":\"user\"}", key(w.key)).statusAndBody());
        assertEquals("400 " + error("invalid_request_error", "workspace_role: Extra inputs are not permitted"),
                c.post(INVITES, "{\"email\":\"a@world.example\",\"role\":\"user\",\"workspace_role\":\"x\"}", key(w.key))
                        .statusAndBody());
        assertEquals("400 " + error("invalid_request_error", "the body must be a JSON object"),
                c.post(INVITES, "", key(w.key)).statusAndBody());
        assertEquals(400, c.post(INVITES, "{\"email\":", key(w.key)).status());
        assertEquals(400, c.post(INVITES, "[".repeat(5000), key(w.key)).status());
        String big = "{\"email\":\"" + "a".repeat(Routes.MAX_BODY_BYTES) + "@world.example\",\"role\":\"user\"}";
        assertEquals("413 " + error("request_too_large", "Request exceeds the maximum allowed number of bytes"),
                c.post(INVITES, big, key(w.key)).statusAndBody());
        assertEquals(before.statusAndBody(), c.get(INVITES, key(w.key)).statusAndBody());
    }

    @Test
    void createInvite_forAMemberOrAnInvitedEmail_is400InvalidRequest() {
        World w = World.create(c, false);
        assertEquals("400 " + error("invalid_request_error", "The user is already a member"),
                createInvite(w, w.email("dev"), "user").statusAndBody());
        assertEquals("400 " + error("invalid_request_error", "A pending invitation for that email already exists"),
                createInvite(w, w.email("pending").toUpperCase(java.util.Locale.ROOT), "user").statusAndBody());
    }

    @Test
    void listInvites_pagesForwardAndBackward_pendingOnly() {
        World w = World.create(c, false);
        List<String> all = new ArrayList<>(List.of(w.invitation("pending")));
        for (int i = 0; i < 3; i++) {
            Client.Reply r = createInvite(w, "page" + i + "." + NEXT.incrementAndGet() + "@world.example", "user");
            assertEquals(200, r.status(), r.body());
            all.add(Answers.field(r.body(), "id"));
        }
        all.sort(null);
        JsonObject first = assertPage(c.get(INVITES + "?limit=3", key(w.key)), all.subList(0, 3), true);
        for (JsonElement e : first.getAsJsonArray("data")) {
            assertEquals(INVITE_KEYS, e.getAsJsonObject().keySet());
            assertEquals("pending", e.getAsJsonObject().get("status").getAsString());
        }
        assertPage(c.get(INVITES + "?limit=3&after_id=" + all.get(2), key(w.key)), all.subList(3, 4), false);
        assertPage(c.get(INVITES + "?limit=2&before_id=" + all.get(3), key(w.key)), all.subList(1, 3), true);
        assertPage(c.get(INVITES + "?limit=5&before_id=" + all.get(1), key(w.key)), all.subList(0, 1), false);
        assertPage(c.get(INVITES, key(w.key)), all, false);
        assertPage(c.get(INVITES + "?after_id=" + all.get(3), key(w.key)), List.of(), false);
    }

    @Test
    void getInvite_accepted_isStatusAccepted() {
        World w = World.create(c, false);
        Client.Reply r = c.get(invite(w.invitation("dev")), key(w.key));
        assertEquals(200, r.status(), r.body());
        assertEquals(w.invitation("dev"), assertInvite(Answers.object(r.body()), w.email("dev"), "user", "accepted"));
        assertEquals("400 " + error("invalid_request_error", "The invitation is no longer pending"),
                c.delete(invite(w.invitation("dev")), key(w.key)).statusAndBody());
    }

    @Test
    void getAndDeleteInvite_unknown_is404() {
        World w = World.create(c, false);
        String absent = "404 " + error("not_found_error", "Invitation not found");
        assertEquals(absent, c.get(invite("invite_absent"), key(w.key)).statusAndBody());
        assertEquals(absent, c.delete(invite("invite_absent"), key(w.key)).statusAndBody());
    }

    @Test
    void getAndDeleteInvite_otherOrganizations_answerExactlyLikeAbsent_andTheirsStaysPending() {
        World mine = World.create(c, false);
        World theirs = World.create(c, false);
        String pending = theirs.invitation("pending");
        String accepted = theirs.invitation("dev");
        for (String id : new String[] {pending, accepted}) {
            assertEquals(c.get(invite("invite_absent"), key(mine.key)).statusAndBody(),
                    c.get(invite(id), key(mine.key)).statusAndBody());
            assertEquals(c.delete(invite("invite_absent"), key(mine.key)).statusAndBody(),
                    c.delete(invite(id), key(mine.key)).statusAndBody());
        }
        assertEquals("pending", Answers.field(c.get(invite(pending), key(theirs.key)).body(), "status"));
        assertFalse(c.get(INVITES, key(mine.key)).body().contains(pending));
    }

    @Test
    void getAndDeleteInvite_malformedId_is400NamingInviteId() {
        World w = World.create(c, false);
        String bad = "400 " + error("invalid_request_error", "invite_id may contain only letters, digits, '_', '-', '.' and ':'");
        assertEquals(bad, c.get(invite("bad%20id"), key(w.key)).statusAndBody());
        assertEquals(bad, c.delete(invite("bad%20id"), key(w.key)).statusAndBody());
        assertEquals("400 " + error("invalid_request_error", "invite_id must be at most 128 characters"),
                c.get(invite("i".repeat(129)), key(w.key)).statusAndBody());
    }

    @Test
    void invite_pastItsLifetime_isExpired_leavesTheList_andCannotBeDeleted() {
        SettableClock clock = new SettableClock(Instant.now());
        try (TestServer timed = new TestServer(clock)) {
            Client tc = timed.client;
            World w = World.create(tc, false);
            Client.Reply r = tc.post(INVITES, "{\"email\":\"late@world.example\",\"role\":\"user\"}", key(w.key));
            assertEquals(200, r.status(), r.body());
            String id = assertInvite(Answers.object(r.body()), "late@world.example", "user", "pending");
            clock.advance(Duration.ofDays(7).plusSeconds(1));
            assertInvite(Answers.object(tc.get(invite(id), key(w.key)).body()), "late@world.example", "user", "expired");
            assertFalse(ids(Answers.object(tc.get(INVITES, key(w.key)).body())).contains(id));
            assertEquals("400 " + error("invalid_request_error", "The invitation has expired"),
                    tc.delete(invite(id), key(w.key)).statusAndBody());
        }
    }

    // ---- the demo dataset ------------------------------------------------------------------------

    @Test
    void demo_flashbackKeyListsItsUsersAndInvites_paradigmKeySeesNeither() {
        JsonObject users = assertPage(c.get(USERS + "?limit=1", key(DemoData.FLASHBACK_KEY)), List.of(DemoData.ALICE), true);
        assertEquals("admin", users.getAsJsonArray("data").get(0).getAsJsonObject().get("role").getAsString());
        Client.Reply erin = c.get(invite(DemoData.FLASHBACK_ERIN_INVITATION), key(DemoData.FLASHBACK_KEY));
        assertEquals(200, erin.status(), erin.body());
        assertEquals("erin@flashback.example", Answers.field(erin.body(), "email"));
        assertEquals(c.get(invite("invite_absent"), key(DemoData.PARADIGM_KEY)).statusAndBody(),
                c.get(invite(DemoData.FLASHBACK_ERIN_INVITATION), key(DemoData.PARADIGM_KEY)).statusAndBody());
        assertEquals(getUserWith(DemoData.PARADIGM_KEY, "nobody-at-all").statusAndBody(),
                getUserWith(DemoData.PARADIGM_KEY, DemoData.BOB).statusAndBody());
    }

    @Test
    void onTheSqliteFile_pagesRemovalAndInvitesAnswerAsInMemory(@TempDir Path dir) {
        MembershipServer.Options options = MembershipServer.Options.parse("--demo", "--port", "0",
                "--db", dir.resolve("membership.db").toString());
        try (MembershipServer sqlite = MembershipServer.start(options)) {
            Client s = new Client(sqlite.uri());
            String[] flashback = key(DemoData.FLASHBACK_KEY);
            assertPage(s.get(USERS + "?limit=2", flashback), List.of(DemoData.ALICE, DemoData.BOB), true);
            assertPage(s.get(USERS + "?limit=2&after_id=" + DemoData.BOB, flashback),
                    List.of(DemoData.CAROL, DemoData.DAN), false);
            assertPage(s.get(USERS + "?limit=1&before_id=" + DemoData.CAROL, flashback), List.of(DemoData.BOB), true);
            assertPage(s.get(USERS + "?email=Carol@Flashback.example", flashback), List.of(DemoData.CAROL), false);
            String design = "/v1/organizations/workspaces/" + DemoData.FLASHBACK_DESIGN + "/members/" + DemoData.CAROL;
            assertEquals(200, s.get(design, flashback).status());
            assertEquals("200 {\"id\":\"carol\",\"type\":\"user_deleted\"}",
                    s.delete(user(DemoData.CAROL), flashback).statusAndBody());
            assertEquals("404 " + error("not_found_error", "User not found in workspace"),
                    s.get(design, flashback).statusAndBody());
            assertEquals(s.get(user("nobody-at-all"), flashback).statusAndBody(),
                    s.get(user(DemoData.CAROL), flashback).statusAndBody());
            String erin = invite(DemoData.FLASHBACK_ERIN_INVITATION);
            assertInvite(Answers.object(s.get(erin, flashback).body()), "erin@flashback.example", "user", "pending");
            assertEquals(200, s.delete(erin, flashback).status());
            assertInvite(Answers.object(s.get(erin, flashback).body()), "erin@flashback.example", "user", "deleted");
            assertEquals(s.get(invite("invite_absent"), key(DemoData.PARADIGM_KEY)).statusAndBody(),
                    s.get(erin, key(DemoData.PARADIGM_KEY)).statusAndBody());
        }
    }

    private static Client.Reply getUserWith(String key, String id) {
        return c.get(user(id), key(key));
    }

    /** A clock the test moves forward. */
    private static final class SettableClock extends Clock {
        private volatile Instant now;

        SettableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("a test clock has one zone");
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
