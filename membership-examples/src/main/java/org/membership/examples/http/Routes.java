package org.membership.examples.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.membership.api.InvalidInputException;

/**
 * The host's route table and its one {@link HttpHandler}: matches the path against the routes,
 * answers unknown paths (404), other methods (405 with {@code Allow}), oversized bodies (413) and
 * malformed queries or bodies (400) in the dialect of the API the path belongs to, and turns any
 * failure into that API's 500 without a stack trace in the body.
 *
 * <p>Routes are added before the server starts; after that the table is only read, so it is
 * thread-safe for the server's threads.
 */
final class Routes implements HttpHandler {
    /** The largest request body accepted, in bytes. */
    static final int MAX_BODY_BYTES = 16 * 1024;

    private static final System.Logger LOG = System.getLogger(Routes.class.getName());

    /** Answers one matched request. */
    @FunctionalInterface
    interface Handler {
        Response handle(Request request);
    }

    private record Route(String method, List<String> pattern, Dialect dialect, Handler handler) {}

    private final List<Route> routes = new ArrayList<>();
    private final Map<String, Dialect> dialectsByPrefix = new LinkedHashMap<>();
    private final Dialect fallback;

    /** @param fallback the dialect of paths under no known prefix */
    Routes(Dialect fallback) {
        this.fallback = fallback;
    }

    /** Answers unknown paths that start with {@code prefix} in {@code dialect}. */
    Routes prefix(String prefix, Dialect dialect) {
        dialectsByPrefix.put(prefix, dialect);
        return this;
    }

    /** @param path segments separated by '/', a segment in braces names a parameter */
    Routes add(String method, String path, Dialect dialect, Handler handler) {
        routes.add(new Route(method, segments(path), dialect, handler));
        return this;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        Response response;
        Dialect dialect = fallback;
        try {
            String rawPath = exchange.getRequestURI().getRawPath();
            dialect = dialectFor(rawPath);
            response = dispatch(exchange, rawPath);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "request failed: " + exchange.getRequestMethod() + " "
                    + exchange.getRequestURI().getRawPath(), e);
            response = dialect.serverError();
        }
        send(exchange, response);
    }

    private Dialect dialectFor(String rawPath) {
        for (Map.Entry<String, Dialect> e : dialectsByPrefix.entrySet()) {
            if (rawPath != null && rawPath.startsWith(e.getKey())) {
                return e.getValue();
            }
        }
        return fallback;
    }

    private Response dispatch(HttpExchange exchange, String rawPath) throws IOException {
        Dialect dialect = dialectFor(rawPath);
        List<String> path = rawPath == null ? null : decodePath(rawPath);
        if (path == null) {
            return dialect.noRoute();
        }
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        Set<String> allowed = new TreeSet<>();
        for (Route route : routes) {
            Map<String, String> params = match(route.pattern, path);
            if (params == null) {
                continue;
            }
            if (!route.method.equals(method)) {
                allowed.add(route.method);
                continue;
            }
            return run(route, exchange, method, params);
        }
        if (allowed.isEmpty()) {
            return dialect.noRoute();
        }
        return dialect.methodNotAllowed(method, allowed).withHeader("Allow", String.join(", ", allowed));
    }

    private static Response run(Route route, HttpExchange exchange, String method, Map<String, String> params)
            throws IOException {
        Dialect dialect = route.dialect;
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.strip()) > MAX_BODY_BYTES) {
                    return dialect.tooLarge(MAX_BODY_BYTES);
                }
            } catch (NumberFormatException e) {
                return dialect.badRequest("Content-Length is not a number");
            }
        }
        byte[] bytes = readBounded(exchange.getRequestBody());
        if (bytes == null) {
            return dialect.tooLarge(MAX_BODY_BYTES);
        }
        String body;
        try {
            body = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return dialect.badRequest("the body is not UTF-8");
        }
        Map<String, String> query = parseQuery(exchange.getRequestURI().getRawQuery());
        if (query == null) {
            return dialect.badRequest("the query string is malformed or repeats a parameter");
        }
        Map<String, List<String>> headers = new HashMap<>();
        exchange.getRequestHeaders().forEach((name, values) ->
                headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
        Request request = new Request(method, params, query, headers, body);
        try {
            return route.handler.handle(request);
        } catch (InvalidInputException e) {
            return dialect.invalidInput(e);
        } catch (Json.MalformedJsonException e) {
            return dialect.badRequest(e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "request failed: " + method + " " + exchange.getRequestURI(), e);
            return dialect.serverError();
        }
    }

    /** @return the body, or null if it is longer than the limit */
    private static byte[] readBounded(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        int n;
        while ((n = in.read(buffer)) > 0) {
            out.write(buffer, 0, n);
            if (out.size() > MAX_BODY_BYTES) {
                return null;
            }
        }
        return out.toByteArray();
    }

    private static void send(HttpExchange exchange, Response response) throws IOException {
        try (exchange) {
            response.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
            if (response.status() == 204) {
                exchange.sendResponseHeaders(204, -1);
                return;
            }
            byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", response.contentType() + "; charset=utf-8");
            exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(body);
                }
            }
        }
    }

    private static List<String> segments(String path) {
        return List.of(path.substring(1).split("/", -1));
    }

    private static Map<String, String> match(List<String> pattern, List<String> path) {
        if (pattern.size() != path.size()) {
            return null;
        }
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < pattern.size(); i++) {
            String p = pattern.get(i);
            String s = path.get(i);
            if (p.startsWith("{")) {
                if (s.isEmpty()) {
                    return null;
                }
                params.put(p.substring(1, p.length() - 1), s);
            } else if (!p.equals(s)) {
                return null;
            }
        }
        return params;
    }

    /** @return the percent-decoded segments, or null if the path is not well formed */
    private static List<String> decodePath(String rawPath) {
        if (!rawPath.startsWith("/")) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (String raw : rawPath.substring(1).split("/", -1)) {
            String s = percentDecode(raw);
            if (s == null) {
                return null;
            }
            out.add(s);
        }
        return out;
    }

    private static String percentDecode(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    return null;
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** @return the parameters, or null if a parameter repeats or an escape is malformed */
    private static Map<String, String> parseQuery(String rawQuery) {
        Map<String, String> query = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return query;
        }
        for (String pair : rawQuery.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name;
            String value;
            try {
                name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return null;
            }
            if (query.putIfAbsent(name, value) != null) {
                return null;
            }
        }
        return query;
    }
}
