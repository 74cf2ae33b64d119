package org.membership.examples.http;

import java.io.ByteArrayOutputStream;
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
 * The host's route table, and the one function that answers a request the transport has read in
 * full: it matches the path against the routes and answers unknown paths (404), other methods (405
 * with {@code Allow}), malformed escapes, queries and bodies (400) in the dialect of the API the
 * path belongs to, and turns any failure into that API's 500 without a stack trace in the body.
 *
 * <p>Routes are added before the server starts; after that the table is only read, so it is
 * thread-safe for the server's threads.
 */
final class Routes {
    /** The largest request body accepted, in bytes. */
    static final int MAX_BODY_BYTES = 16 * 1024;

    private static final System.Logger LOG = System.getLogger(Routes.class.getName());

    /** Answers one matched request. */
    @FunctionalInterface
    interface Handler {
        Response handle(Request request);
    }

    /**
     * A request as it came off the wire, head and body read in full, nothing decoded yet.
     *
     * @param method the method, as sent
     * @param target the request target, as sent: a path with an optional query, still percent-encoded
     * @param headers the headers; names lower-case
     * @param body the body, at most {@link #MAX_BODY_BYTES}
     */
    record Incoming(String method, String target, Map<String, List<String>> headers, byte[] body) {}

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

    /**
     * @param target a request target as sent, or null if the request line could not be read
     * @return the dialect of the API whose path the target names; the fallback for anything else
     */
    Dialect dialectFor(String target) {
        String rawPath = target == null ? "" : rawPath(target);
        for (Map.Entry<String, Dialect> e : dialectsByPrefix.entrySet()) {
            if (rawPath.startsWith(e.getKey())) {
                return e.getValue();
            }
        }
        return fallback;
    }

    /** @return the answer; never throws */
    Response handle(Incoming in) {
        Dialect dialect = dialectFor(in.target());
        try {
            return dispatch(in, dialect);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "request failed: " + in.method() + " " + rawPath(in.target()), e);
            return dialect.serverError();
        }
    }

    /** @return the target's path, still encoded; of an absolute-form target ({@code http://host/path}), its path */
    private static String rawPath(String target) {
        String origin = originForm(target);
        int query = origin.indexOf('?');
        return query < 0 ? origin : origin.substring(0, query);
    }

    private static String originForm(String target) {
        for (String scheme : new String[] {"http://", "https://"}) {
            if (target.regionMatches(true, 0, scheme, 0, scheme.length())) {
                int path = target.indexOf('/', scheme.length());
                return path < 0 ? "/" : target.substring(path);
            }
        }
        return target;
    }

    private Response dispatch(Incoming in, Dialect dialect) {
        String rawPath = rawPath(in.target());
        if (!rawPath.startsWith("/")) {
            return dialect.noRoute();
        }
        if (!wellFormedEscapes(in.target())) {
            return dialect.badRequest("the request target has a malformed percent-escape");
        }
        List<String> path = decodePath(rawPath);
        if (path == null) {
            return dialect.noRoute();
        }
        String method = in.method().toUpperCase(Locale.ROOT);
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
            return run(route, in, method, params);
        }
        if (allowed.isEmpty()) {
            return dialect.noRoute();
        }
        return dialect.methodNotAllowed(method, allowed).withHeader("Allow", String.join(", ", allowed));
    }

    private static Response run(Route route, Incoming in, String method, Map<String, String> params) {
        Dialect dialect = route.dialect;
        String body;
        try {
            body = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(in.body())).toString();
        } catch (CharacterCodingException e) {
            return dialect.badRequest("the body is not UTF-8");
        }
        String target = originForm(in.target());
        int q = target.indexOf('?');
        Map<String, String> query = parseQuery(q < 0 ? null : target.substring(q + 1));
        if (query == null) {
            return dialect.badRequest("the query string is malformed or repeats a parameter");
        }
        Request request = new Request(method, params, query, in.headers(), body);
        try {
            return route.handler.handle(request);
        } catch (InvalidInputException e) {
            return dialect.invalidInput(e);
        } catch (Json.MalformedJsonException e) {
            return dialect.badRequest(e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "request failed: " + method + " " + rawPath(in.target()), e);
            return dialect.serverError();
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

    /** @return whether every '%' in the target is followed by two hexadecimal digits */
    private static boolean wellFormedEscapes(String target) {
        for (int i = target.indexOf('%'); i >= 0; i = target.indexOf('%', i + 1)) {
            if (i + 2 >= target.length() || Character.digit(target.charAt(i + 1), 16) < 0
                    || Character.digit(target.charAt(i + 2), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    /** @return the percent-decoded segments, or null if one does not decode to UTF-8 */
    private static List<String> decodePath(String rawPath) {
        List<String> out = new ArrayList<>();
        for (String raw : rawPath.substring(1).split("/", -1)) {
            String s = percentDecode(raw, false);
            if (s == null) {
                return null;
            }
            out.add(s);
        }
        return out;
    }

    /** @return the decoded text, or null if an escape is malformed or the bytes are not UTF-8 */
    private static String percentDecode(String raw, boolean plusIsSpace) {
        if (raw.indexOf('%') < 0 && !(plusIsSpace && raw.indexOf('+') >= 0)) {
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
            } else if (c == '+' && plusIsSpace) {
                bytes.write(' ');
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

    /** @return the parameters, or null if a parameter repeats or does not decode */
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
            String name = percentDecode(eq < 0 ? pair : pair.substring(0, eq), true);
            String value = eq < 0 ? "" : percentDecode(pair.substring(eq + 1), true);
            if (name == null || value == null || query.putIfAbsent(name, value) != null) {
                return null;
            }
        }
        return query;
    }
}
