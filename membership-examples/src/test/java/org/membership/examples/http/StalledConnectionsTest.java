package org.membership.examples.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Clients that open a connection and stop part-way — in the request line, in the headers, in a
 * body, or speaking TLS to a plain-HTTP port (refused at once) — hold no thread: the server answers everyone else
 * while any number of them wait, closes each one once its time to send a request is up, and
 * bounds how many connections it keeps open.
 */
final class StalledConnectionsTest {
    private static final int STALLED = 250;
    private static final byte[] TLS_CLIENT_HELLO = {0x16, 0x03, 0x01, 0x00, (byte) 0xa5, 0x01, 0x00, 0x00, (byte) 0xa1,
            0x03, 0x03, 0x5a, 0x10, 0x7f, 0x22};

    /** The ways a client stops part-way; each opens a connection and leaves it so. */
    private static final String[] STALLS = {
            "DELETE /workspace/" + DemoData.FLASHBACK_DESIGN + "/us",
            "GET /v1/organizations/workspaces/x/members HTTP/1.1\r\nHost: a\r\nx-api-key: " + DemoData.FLASHBACK_KEY,
            "POST /admin/users HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + TestServer.INSTANCE_KEY
                    + "\r\nContent-Length: 100\r\n\r\n{\"em",
            "POST /admin/users HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + TestServer.INSTANCE_KEY
                    + "\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n{\"email\":",
            null, // a TLS ClientHello
    };

    private static Socket stall(int port, int kind) {
        try {
            Socket socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(30_000);
            String stall = STALLS[kind];
            socket.getOutputStream().write(stall == null ? TLS_CLIENT_HELLO : stall.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return socket;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return everything the server sends until it closes the connection */
    private static String untilClosed(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                all.write(buffer, 0, n);
            }
        } catch (SocketException reset) {
            // closed by the server with input left unread: what arrived is the answer
        }
        return all.toString(StandardCharsets.UTF_8);
    }

    @Test
    void manyStalledConnectionsOfEveryKind_othersAreStillServed_andTheStalledAreStillWaitedOn() throws Exception {
        HttpTransport.Limits limits = HttpTransport.Limits.defaults().requestTimeout(Duration.ofMinutes(2));
        try (TestServer t = new TestServer(limits)) {
            List<Socket> stalled = new ArrayList<>();
            try {
                for (int i = 0; i < STALLED; i++) {
                    stalled.add(stall(t.server.port(), i % STALLS.length));
                }
                Client c = new Client(t.server.uri());
                for (int probe = 0; probe < 5; probe++) {
                    Client.Reply r = c.get("/workspace/" + DemoData.FLASHBACK_DESIGN + "/access",
                            Client.bearer(DemoData.token(DemoData.CAROL)));
                    assertEquals(200, r.status(), r.body());
                }
                assertEquals(404, c.delete("/api/v3/company/workspaces/999/members/users/1",
                        Client.bearer(DemoData.token(DemoData.ADA))).status());
                // the stalled connections were still open and waited on: the ones stopped in their headers, finished now, are answered
                for (int i = 1; i < STALLED; i += STALLS.length) {
                    Socket s = stalled.get(i);
                    s.getOutputStream().write("\r\nanthropic-version: 2023-06-01\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.ISO_8859_1));
                    String answer = untilClosed(s);
                    assertTrue(answer.startsWith("HTTP/1.1 404"), answer);
                }
            } finally {
                for (Socket s : stalled) {
                    s.close();
                }
            }
        }
    }

    @Test
    void aStalledRequest_isEndedWhenItsTimeIsUp_with408InItsApisFormatOnceItsHeadArrived() throws Exception {
        HttpTransport.Limits limits = HttpTransport.Limits.defaults().requestTimeout(Duration.ofMillis(300));
        try (TestServer t = new TestServer(limits)) {
            for (int kind = 0; kind < STALLS.length; kind++) {
                try (Socket s = stall(t.server.port(), kind)) {
                    String answer = untilClosed(s);
                    if (kind < 2) {
                        assertEquals("", answer, "no head, no answer: the connection is closed (kind " + kind + ")");
                    } else if (kind == 4) {
                        // TLS is no HTTP request line: refused at once, in the host's own format
                        assertTrue(answer.startsWith("HTTP/1.1 400") && answer.endsWith("\"title\":\"Bad Request\","
                                + "\"status\":400,\"detail\":\"the request could not be parsed\"}"), answer);
                    } else {
                        assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
                        assertTrue(answer.endsWith("{\"type\":\"about:blank\",\"title\":\"Request Timeout\",\"status\":408,"
                                + "\"detail\":\"the request did not arrive within 300 ms\"}"), answer);
                    }
                }
            }
            try (Socket s = new Socket("127.0.0.1", t.server.port())) {
                s.setSoTimeout(30_000);
                s.getOutputStream().write(("DELETE /workspace/" + DemoData.FLASHBACK_DESIGN + "/users/carol HTTP/1.1\r\n"
                        + "Host: a\r\nContent-Length: 5\r\n\r\nab").getBytes(StandardCharsets.ISO_8859_1));
                String answer = untilClosed(s);
                assertTrue(answer.endsWith("{\"success\":false,\"message\":\"the request did not arrive within 300 ms\"}"),
                        answer);
            }
            try (Socket idle = new Socket("127.0.0.1", t.server.port())) {
                idle.setSoTimeout(30_000);
                assertEquals("", untilClosed(idle), "a connection that sends nothing is closed too");
            }
            assertEquals(200, t.client.get("/workspace/" + DemoData.FLASHBACK_DESIGN + "/access",
                    Client.bearer(DemoData.token(DemoData.CAROL))).status());
        }
    }

    @Test
    void connectionsBeyondTheLimit_areClosedAtOnce_andSlotsFreeAsConnectionsEnd() throws Exception {
        HttpTransport.Limits limits = HttpTransport.Limits.defaults().maxConnections(20).requestTimeout(Duration.ofMinutes(2));
        try (TestServer t = new TestServer(limits)) {
            List<Socket> stalled = new ArrayList<>();
            try {
                for (int i = 0; i < 20; i++) {
                    stalled.add(stall(t.server.port(), 1));
                }
                for (int i = 0; i < 1000 && t.server.transport().openConnections() < 20; i++) {
                    Thread.sleep(5);
                }
                assertEquals(20, t.server.transport().openConnections());
                try (Socket over = new Socket("127.0.0.1", t.server.port())) {
                    over.setSoTimeout(30_000);
                    over.getOutputStream().write(RawHttp.head("GET", "/admin").getBytes(StandardCharsets.ISO_8859_1));
                    assertEquals("", untilClosed(over), "the 21st connection is closed unanswered");
                }
                for (Socket s : stalled.subList(0, 5)) {
                    s.close();
                }
                String answer = "";
                for (int attempt = 0; attempt < 1000 && !answer.startsWith("HTTP/1.1 404"); attempt++) {
                    try (Socket again = new Socket("127.0.0.1", t.server.port())) {
                        again.setSoTimeout(30_000);
                        again.getOutputStream().write(RawHttp.head("GET", "/admin").getBytes(StandardCharsets.ISO_8859_1));
                        answer = untilClosed(again);
                    }
                    if (answer.isEmpty()) {
                        Thread.sleep(5);
                    }
                }
                assertTrue(answer.startsWith("HTTP/1.1 404"), "served once connections closed: " + answer);
            } finally {
                for (Socket s : stalled) {
                    s.close();
                }
            }
        }
    }
}
