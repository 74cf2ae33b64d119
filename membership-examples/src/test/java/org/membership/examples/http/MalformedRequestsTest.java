package org.membership.examples.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests the host cannot parse, sent as raw bytes to every API: each is answered in that API's
 * own error format, with no exception text, whichever layer refuses it.
 */
final class MalformedRequestsTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = new TestServer();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Client.Reply send(String head, String body) {
        return RawHttp.send(server.server.port(), head, body.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String credentials(Dialects api) {
        return api == Dialects.ANTHROPIC ? "x-api-key: " + DemoData.FLASHBACK_KEY : "Authorization: Bearer "
                + (api == Dialects.ADMIN ? TestServer.INSTANCE_KEY : DemoData.token(DemoData.BOB));
    }

    @Test
    void malformedPercentEscapes_inThePathOrQuery_are400InEachApisFormat() {
        for (Dialects api : Dialects.values()) {
            for (String escape : new String[] {"%ZZ", "%", "%4", "a%g1b", "%%41"}) {
                Client.Reply r = send(RawHttp.head("DELETE", api.pathWith(escape), credentials(api),
                        "anthropic-version: 2023-06-01"), "");
                assertEquals(400, r.status(), api + " " + escape + " " + r.body());
                api.assertAnswers(r, api + " " + escape);
            }
            String query = api.path + (api.path.contains("?") ? "&" : "?") + "x=%ZZ";
            Client.Reply q = send(RawHttp.head("DELETE", query, credentials(api), "anthropic-version: 2023-06-01"), "");
            assertEquals(400, q.status(), api + " " + q.body());
            api.assertAnswers(q, api + " query");
        }
    }

    @Test
    void unparseableHeadsAndBodies_are4xxInEachApisFormat() {
        for (Dialects api : Dialects.values()) {
            String[][] cases = {
                    {"a Content-Length that is not a number", RawHttp.head("POST", api.path, "Content-Length: abc"), ""},
                    {"two Content-Lengths that disagree", RawHttp.head("POST", api.path, "Content-Length: 1",
                            "Content-Length: 2"), "{}"},
                    {"a chunk size that is not hexadecimal", RawHttp.head("POST", api.path, "Transfer-Encoding: chunked"),
                            "zz\r\n{}\r\n0\r\n\r\n"},
                    {"a header line without a colon", RawHttp.head("POST", api.path, "no colon here"), ""},
                    {"headers larger than 8 KiB", RawHttp.head("GET", api.path, "X-Big: " + "b".repeat(9000)), ""},
            };
            for (String[] c : cases) {
                Client.Reply r = send(c[1], c[2]);
                assertTrue(r.status() >= 400 && r.status() < 500, api + ", " + c[0] + ": " + r.statusAndBody());
                api.assertAnswers(r, api + ", " + c[0]);
            }
        }
    }

    @Test
    void headersTooLarge_is431_inTheApisFormat() {
        Client.Reply r = send(RawHttp.head("GET", Dialects.FLASHBACK.path, "X-Big: " + "b".repeat(9000)), "");
        assertEquals(431, r.status(), r.body());
        assertEquals("{\"success\":false,\"message\":\"the request headers are larger than 8192 bytes\"}", r.body());
    }

    @Test
    void aRequestLineThatIsNoRequestLine_isAnsweredInTheHostsOwnFormat() {
        for (String line : new String[] {"garbage\r\n\r\n", "GET\r\n\r\n", "GET /x HTTP/1.1 extra\r\nHost: a\r\n\r\n",
                "GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: a\r\n\r\n"}) {
            Client.Reply r = RawHttp.send(server.server.port(), line, new byte[0]);
            assertTrue(r.status() >= 400 && r.status() < 500, line + r.statusAndBody());
            Dialects.ADMIN.assertAnswers(r, line.substring(0, Math.min(line.length(), 30)));
        }
    }
}
