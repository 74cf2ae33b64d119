package org.membership.examples.http;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP request as a handler sees it: the method, the path parameters the route named, the
 * query parameters (each at most once), the headers and the body, already bounded in size and
 * decoded as UTF-8.
 *
 * <p>Immutable and thread-safe.
 *
 * @param method the HTTP method
 * @param params the route's path parameters, percent-decoded
 * @param query the query parameters, decoded
 * @param headers the request headers; names lower-case
 * @param body the body, or an empty string
 */
record Request(String method, Map<String, String> params, Map<String, String> query,
               Map<String, List<String>> headers, String body) {
    Request {
        params = Map.copyOf(params);
        query = Map.copyOf(query);
        headers = Map.copyOf(headers);
    }

    String param(String name) {
        String value = params.get(name);
        if (value == null) {
            throw new IllegalStateException("route has no parameter " + name);
        }
        return value;
    }

    Optional<String> queryParam(String name) {
        return Optional.ofNullable(query.get(name));
    }

    /** @return the header's value, if it was sent exactly once */
    Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.size() != 1 ? Optional.empty() : Optional.of(values.get(0));
    }

    /** @return the token of an {@code Authorization: Bearer <token>} header sent once */
    Optional<String> bearerToken() {
        return header("authorization").flatMap(h -> {
            String v = h.strip();
            int space = v.indexOf(' ');
            if (space < 0 || !v.substring(0, space).equalsIgnoreCase("bearer")) {
                return Optional.empty();
            }
            String token = v.substring(space + 1).strip();
            return token.isEmpty() ? Optional.empty() : Optional.of(token);
        });
    }
}
