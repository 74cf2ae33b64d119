package org.membership.examples.http;

import java.util.HashMap;
import java.util.Map;

/**
 * What a handler answers: a status, a body and its content type, and any extra headers. A 204
 * has no body.
 *
 * <p>Immutable and thread-safe.
 *
 * @param status the HTTP status
 * @param contentType the body's media type; ignored for 204
 * @param body the body; empty for 204
 * @param headers extra response headers
 */
record Response(int status, String contentType, String body, Map<String, String> headers) {
    static final String JSON = "application/json";
    static final String PROBLEM_JSON = "application/problem+json";

    Response {
        headers = Map.copyOf(headers);
    }

    static Response json(int status, String body) {
        return new Response(status, JSON, body, Map.of());
    }

    static Response noContent() {
        return new Response(204, JSON, "", Map.of());
    }

    Response withHeader(String name, String value) {
        Map<String, String> more = new HashMap<>(headers);
        more.put(name, value);
        return new Response(status, contentType, body, more);
    }
}
