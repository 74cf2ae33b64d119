package org.membership.api;

import java.util.Map;

/**
 * An RFC 9457 problem-details document, ready to serialize.
 *
 * <p>Immutable and thread-safe.
 *
 * @param type a URI naming the problem type
 * @param title the HTTP status title
 * @param status the HTTP status
 * @param detail the human message
 * @param extensions extra members, serialized beside the standard ones
 */
public record ProblemDetails(String type, String title, int status, String detail, Map<String, String> extensions) {
    /** @throws NullPointerException if any component is null */
    public ProblemDetails {
        java.util.Objects.requireNonNull(type, "type");
        java.util.Objects.requireNonNull(title, "title");
        java.util.Objects.requireNonNull(detail, "detail");
        extensions = Map.copyOf(extensions);
    }

    /** @return the document as JSON ({@code application/problem+json}), members in a fixed order */
    public String toJson() {
        StringBuilder json = new StringBuilder(128).append('{');
        member(json, "type", type).append(',');
        member(json, "title", title).append(',');
        json.append("\"status\":").append(status).append(',');
        member(json, "detail", detail);
        extensions.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> member(json.append(','), e.getKey(), e.getValue()));
        return json.append('}').toString();
    }

    private static StringBuilder member(StringBuilder json, String name, String value) {
        return quote(quote(json, name).append(':'), value);
    }

    /**
     * Appends {@code value} as a JSON string.
     *
     * @param json where to append
     * @param value the text
     * @return {@code json}
     */
    static StringBuilder quote(StringBuilder json, String value) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"');
    }
}
