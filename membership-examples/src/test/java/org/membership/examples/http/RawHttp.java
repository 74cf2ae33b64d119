package org.membership.examples.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Requests that the JDK's HTTP client refuses to send (malformed escapes, a Content-Length that
 * lies, raw bytes), written to a socket by hand. Answers are read until the server closes.
 */
final class RawHttp {
    private RawHttp() {}

    /** @return the status code and the body of the answer */
    static Client.Reply send(int port, String head, byte[] body) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            try {
                while ((n = in.read(buffer)) > 0) {
                    all.write(buffer, 0, n);
                    if (complete(all.toString(StandardCharsets.UTF_8))) {
                        break;
                    }
                }
            } catch (IOException e) {
                // the server may reset a connection whose body it did not read; what arrived is the answer
            }
            String text = all.toString(StandardCharsets.UTF_8);
            if (text.length() < 12 || !text.startsWith("HTTP/1.")) {
                throw new AssertionError("not an HTTP answer: \"" + text + "\"");
            }
            int status = Integer.parseInt(text.substring(9, 12));
            int split = text.indexOf("\r\n\r\n");
            java.util.Map<String, java.util.List<String>> headers = new java.util.HashMap<>();
            for (String line : text.substring(0, split < 0 ? text.length() : split).split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    headers.computeIfAbsent(line.substring(0, colon).strip().toLowerCase(java.util.Locale.ROOT),
                            k -> new java.util.ArrayList<>()).add(line.substring(colon + 1).strip());
                }
            }
            return new Client.Reply(status, split < 0 ? "" : text.substring(split + 4),
                    java.net.http.HttpHeaders.of(headers, (a, b) -> true));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean complete(String text) {
        int split = text.indexOf("\r\n\r\n");
        if (split < 0) {
            return false;
        }
        String head = text.substring(0, split).toLowerCase(java.util.Locale.ROOT);
        int at = head.indexOf("content-length:");
        if (at < 0) {
            return head.startsWith("http/1.1 204");
        }
        int end = head.indexOf("\r\n", at);
        long length = Long.parseLong(head.substring(at + 15, end < 0 ? head.length() : end).strip());
        return text.getBytes(StandardCharsets.UTF_8).length - split - 4 >= length;
    }

    static String head(String method, String target, String... headers) {
        StringBuilder h = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        for (String header : headers) {
            h.append(header).append("\r\n");
        }
        return h.append("\r\n").toString();
    }
}
