package org.membership.examples.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.membership.examples.http.Client.bearer;

import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What every endpoint answers to requests that never reach the library: paths, methods, sizes, encodings. */
final class TransportTest {
    private static final String PARADIGM_404 = "404 {\"detail\":\"Not found.\"}";
    private static final String FLASHBACK_404 = "404 {\"success\":false,\"message\":\"Not found\"}";
    private static final String ANTHROPIC_404 = "404 {\"type\":\"error\",\"error\":{\"type\":\"not_found_error\",\"message\":\"Not found\"}}";
    private static final String FACTORY_404 = "404 {\"detail\":\"No such endpoint\",\"status\":404,\"title\":\"Not Found\",\"metadata\":{}}";
    private static final String PROBLEM_404 = "404 {\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,\"detail\":\"No such endpoint\"}";

    private static TestServer server;
    private static Client c;
    private static final List<Client.Reply> SEEN = new ArrayList<>();

    @BeforeAll
    static void start() {
        server = new TestServer();
        c = server.client;
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Client.Reply seen(Client.Reply r) {
        synchronized (SEEN) {
            SEEN.add(r);
        }
        return r;
    }

    // ---- unknown paths → 404 in the dialect of the API the path belongs to ---------------------

    @Test
    void unknownPaths_are404InEachApisDialect() {
        assertEquals(PARADIGM_404, seen(c.delete("/api/v3/company/workspaces/3/members")).statusAndBody());
        assertEquals(PARADIGM_404, seen(c.delete("/api/v3/company/workspaces/3/members/users/103/")).statusAndBody());
        assertEquals(FLASHBACK_404, seen(c.delete("/workspace/x/users")).statusAndBody());
        assertEquals(ANTHROPIC_404, seen(c.get("/v1/organizations/workspaces")).statusAndBody());
        assertEquals(ANTHROPIC_404, seen(c.get("/v1/messages")).statusAndBody());
        assertEquals(FACTORY_404, seen(c.delete("/api/v0/organization/members")).statusAndBody());
        assertEquals(PROBLEM_404, seen(c.get("/")).statusAndBody());
        assertEquals(PROBLEM_404, seen(c.get("/admin")).statusAndBody());
        assertEquals(PROBLEM_404, seen(c.get("/etc/passwd")).statusAndBody());
    }

    @Test
    void malformedEscapes_are400InTheApisFormat_invalidUtf8InPath_is404() {
        int port = server.server.port();
        // Every request reaches the host as sent, so even a target no URI parser accepts is answered in the API's format.
        Client.Reply unparsable = seen(RawHttp.send(port, RawHttp.head("DELETE", "/workspace/%ZZ/users/x",
                "Authorization: Bearer " + DemoData.token(DemoData.BOB)), new byte[0]));
        assertEquals("400 {\"success\":false,\"message\":\"the request target has a malformed percent-escape\"}",
                unparsable.statusAndBody());
        Client.Reply query = seen(RawHttp.send(port, RawHttp.head("DELETE", "/api/v0/organization/users?email=a%ZZ",
                "Authorization: Bearer " + DemoData.FLASHBACK_KEY), new byte[0]));
        assertEquals("400 {\"detail\":\"the request target has a malformed percent-escape\",\"status\":400,"
                + "\"title\":\"Bad Request\",\"metadata\":{\"code\":\"invalid_input\"}}", query.statusAndBody());
        assertEquals(PARADIGM_404, seen(RawHttp.send(port, RawHttp.head("DELETE",
                "/api/v3/company/workspaces/%E0%A4/members/users/1"), new byte[0])).statusAndBody());
        assertEquals(FLASHBACK_404, seen(RawHttp.send(port, RawHttp.head("DELETE", "/workspace/%C3%28/users",
                "Authorization: Bearer " + DemoData.token(DemoData.BOB)), new byte[0])).statusAndBody());
    }

    @Test
    void absoluteFormTarget_isRoutedByItsPath() {
        // "GET http://host/path" is valid HTTP/1.1 (RFC 9112 3.2.2), as a client behind a proxy may send it
        Client.Reply r = seen(RawHttp.send(server.server.port(), RawHttp.head("GET",
                "http://127.0.0.1/v1/organizations/workspaces/" + DemoData.FLASHBACK_DESIGN + "/members/" + DemoData.BOB,
                "x-api-key: " + DemoData.FLASHBACK_KEY, "anthropic-version: 2023-06-01"), new byte[0]));
        assertEquals("200 {\"type\":\"workspace_member\",\"user_id\":\"bob\",\"workspace_id\":\"" + DemoData.FLASHBACK_DESIGN
                + "\",\"workspace_role\":\"workspace_admin\"}", r.statusAndBody());
        assertEquals(PROBLEM_404, seen(RawHttp.send(server.server.port(), RawHttp.head("GET", "HTTP://127.0.0.1"),
                new byte[0])).statusAndBody());
    }

    @Test
    void repeatedQueryParameter_is400() {
        Client.Reply q = seen(c.delete("/api/v0/organization/users?email=a@b.io&email=c@d.io", bearer(DemoData.FLASHBACK_KEY)));
        assertEquals("400 {\"detail\":\"the query string is malformed or repeats a parameter\",\"status\":400,"
                + "\"title\":\"Bad Request\",\"metadata\":{\"code\":\"invalid_input\"}}", q.statusAndBody());
    }

    // ---- wrong methods → 405 with Allow ------------------------------------------------------------

    @Test
    void wrongMethods_are405WithAllow() {
        Client.Reply p = seen(c.get("/api/v3/company/workspaces/3/members/users/103", bearer(DemoData.token(DemoData.ADA))));
        assertEquals("405 {\"detail\":\"Method \\\"GET\\\" not allowed.\"}", p.statusAndBody());
        assertEquals("DELETE", p.headers().firstValue("allow").orElse(""));
        Client.Reply i = seen(c.post("/api/v3/instance/workspaces/3/members/users/103", "{}"));
        assertEquals(405, i.status());
        Client.Reply f = seen(c.send("PUT", "/workspace/w/users/u", "{}"));
        assertEquals("405 {\"success\":false,\"message\":\"Method not allowed\"}", f.statusAndBody());
        assertEquals("DELETE", f.headers().firstValue("allow").orElse(""));
        Client.Reply a = seen(c.send("PATCH", "/v1/organizations/workspaces/w/members/u", "{}"));
        assertEquals("405 {\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"Method PATCH not allowed\"}}",
                a.statusAndBody());
        assertEquals("DELETE, GET, POST", a.headers().firstValue("allow").orElse(""));
        Client.Reply l = seen(c.delete("/v1/organizations/workspaces/w/members"));
        assertEquals("GET, POST", l.headers().firstValue("allow").orElse(""));
        Client.Reply x = seen(c.get("/api/v0/organization/users?email=a@b.io"));
        assertEquals("405 {\"detail\":\"Method GET is not allowed here\",\"status\":405,\"title\":\"Method Not Allowed\",\"metadata\":{}}",
                x.statusAndBody());
        Client.Reply admin = seen(c.get("/admin/users"));
        assertEquals(405, admin.status());
        assertEquals("POST", admin.headers().firstValue("allow").orElse(""));
    }

    // ---- oversized bodies → 413 ------------------------------------------------------------------

    @Test
    void oversizedBodies_are413InEachApisDialect() {
        String big = "x".repeat(Routes.MAX_BODY_BYTES + 1);
        assertEquals("413 {\"detail\":\"Request body is larger than 16384 bytes.\"}",
                seen(c.send("DELETE", "/api/v3/company/workspaces/3/members/users/103", big)).statusAndBody());
        assertEquals("413 {\"success\":false,\"message\":\"Request body is larger than 16384 bytes\"}",
                seen(c.send("DELETE", "/workspace/w/users/u", big)).statusAndBody());
        assertEquals("413 {\"detail\":\"The request body is larger than 16384 bytes\",\"status\":413,"
                + "\"title\":\"Content Too Large\",\"metadata\":{}}",
                seen(c.send("DELETE", "/api/v0/organization/users?email=a@b.io", big)).statusAndBody());
        assertEquals(413, seen(c.post("/admin/users", big, bearer(TestServer.INSTANCE_KEY))).status());
    }

    @Test
    void bodyOfExactlyTheLimit_isAccepted() {
        String atLimit = "{\"email\":\"exactly.at.limit@example.com\"}";
        Client.Reply r = c.post("/admin/users", atLimit + " ".repeat(Routes.MAX_BODY_BYTES - atLimit.length()),
                bearer(TestServer.INSTANCE_KEY));
        assertEquals(201, r.status(), r.body());
        assertEquals("exactly.at.limit@example.com", TestServer.field(r.body(), "email"));
    }

    @Test
    void oversizedChunkedBody_is413WithoutReadingItAll() throws Exception {
        byte[] big = new byte[Routes.MAX_BODY_BYTES * 8];
        HttpRequest request = HttpRequest.newBuilder(server.server.uri().resolve("/admin/users"))
                .header("Authorization", "Bearer " + TestServer.INSTANCE_KEY)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build();
        HttpResponse<String> r = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(413, r.statusCode());
        assertEquals("{\"type\":\"about:blank\",\"title\":\"Content Too Large\",\"status\":413,"
                + "\"detail\":\"The request body is larger than 16384 bytes\"}", r.body());
    }

    @Test
    void declaredOversizedLength_is413BeforeReading() {
        Client.Reply r = seen(RawHttp.send(server.server.port(), RawHttp.head("POST", "/admin/users",
                "Authorization: Bearer " + TestServer.INSTANCE_KEY, "Content-Length: 10000000"), new byte[0]));
        assertEquals(413, r.status());
    }

    // ---- bodies that are not UTF-8 JSON → 400 ---------------------------------------------------------

    @Test
    void nonUtf8Body_is400() {
        Client.Reply r = seen(c.sendBytes("POST", "/admin/users", new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'},
                "Authorization", "Bearer " + TestServer.INSTANCE_KEY));
        assertEquals("400 {\"type\":\"about:blank\",\"title\":\"Bad Request\",\"status\":400,\"detail\":\"the body is not UTF-8\"}",
                r.statusAndBody());
    }

    @Test
    void adminBodiesThatAreNotJsonObjects_are400() {
        String[] k = bearer(TestServer.INSTANCE_KEY);
        for (String body : new String[] {"", "null", "[]", "{", "{\"email\":\"a@b.io\",}", "{\"email\":\"a@b.io\"} x",
                "{\"email\":\"a@b.io\",\"email\":\"c@d.io\"}", "{\"email\":\"\\ud800@b.io\"}", "{'email':'a@b.io'}"}) {
            Client.Reply r = seen(c.post("/admin/users", body, k));
            assertEquals(400, r.status(), body + " -> " + r.body());
            assertEquals("application/problem+json; charset=utf-8", r.contentType());
        }
    }

    // ---- never a 500 for caller mistakes, never a stack trace ----------------------------------------

    @Test
    void noAnswerToABadRequestIs500OrCarriesAStackTrace() {
        unknownPaths_are404InEachApisDialect();
        malformedEscapes_are400InTheApisFormat_invalidUtf8InPath_is404();
        repeatedQueryParameter_is400();
        wrongMethods_are405WithAllow();
        oversizedBodies_are413InEachApisDialect();
        declaredOversizedLength_is413BeforeReading();
        nonUtf8Body_is400();
        adminBodiesThatAreNotJsonObjects_are400();
        String[] k = bearer(TestServer.INSTANCE_KEY);
        seen(c.post("/admin/organizations", "{\"name\":\"\\u0000\",\"first_admin\":\"100\"}", k));
        seen(c.post("/admin/organizations", "{\"name\":\"" + "n".repeat(500) + "\",\"first_admin\":\"100\"}", k));
        seen(c.post("/admin/users", "{\"email\":\"a@b.io\",\"status\":\"root\"}", k));
        seen(c.post("/admin/users", "{\"email\":\"a@b.io\",\"instance_admin\":\"yes\"}", k));
        seen(c.post("/admin/workspaces/" + "w".repeat(200) + "/members", "{\"user_id\":\"x\"}", k));
        seen(c.post("/invitations/x/accept", "{}", k));
        seen(c.delete("/v1/organizations/workspaces/%2e%2e/members/x", "x-api-key", DemoData.FLASHBACK_KEY,
                "anthropic-version", "2023-06-01"));
        synchronized (SEEN) {
            assertFalse(SEEN.isEmpty());
            for (Client.Reply r : SEEN) {
                assertFalse(r.status() >= 500, r.statusAndBody());
                assertFalse(r.body().contains("\tat ") || r.body().contains("at org.") || r.body().contains("at java.")
                        || r.body().contains("Caused by"), r.statusAndBody());
            }
        }
    }
}
