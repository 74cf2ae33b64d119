package org.membership.examples.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The little JSON this host needs: a writer for flat response objects and a strict reader for
 * request bodies. The reader accepts exactly RFC 8259 JSON whose top level is an object, rejects
 * duplicate keys, trailing garbage and lone surrogates, and is bounded: at most
 * {@value #MAX_DEPTH} levels of nesting (request bodies are also bounded in size by the server).
 * Numbers are kept as their source text, since no endpoint reads one as a number.
 *
 * <p>Stateless and thread-safe.
 */
final class Json {
    static final int MAX_DEPTH = 16;

    private Json() {}

    /** A request body that is not acceptable JSON; the message says where and why. */
    static final class MalformedJsonException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MalformedJsonException(String message) {
            super(message, null, false, false);
        }
    }

    // ---- writing ---------------------------------------------------------------------------

    /** Builds one JSON object, members in insertion order. Not thread-safe. */
    static final class ObjectWriter {
        private final StringBuilder json = new StringBuilder(96).append('{');

        ObjectWriter string(String name, String value) {
            return raw(name, value == null ? "null" : quote(value));
        }

        ObjectWriter string(String name, Optional<String> value) {
            return string(name, value.orElse(null));
        }

        ObjectWriter bool(String name, boolean value) {
            return raw(name, Boolean.toString(value));
        }

        ObjectWriter number(String name, long value) {
            return raw(name, Long.toString(value));
        }

        /** @param json already-serialized JSON */
        ObjectWriter raw(String name, String json) {
            if (this.json.length() > 1) {
                this.json.append(',');
            }
            this.json.append(quote(name)).append(':').append(json);
            return this;
        }

        @Override
        public String toString() {
            return json + "}";
        }
    }

    static ObjectWriter object() {
        return new ObjectWriter();
    }

    static String array(List<String> serializedItems) {
        return "[" + String.join(",", serializedItems) + "]";
    }

    static String quote(String value) {
        StringBuilder json = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029 || Character.isSurrogate(c)) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"').toString();
    }

    // ---- reading ---------------------------------------------------------------------------

    /**
     * @param text a whole request body
     * @return its top-level object: values are {@code String}, {@link Number} text as
     *         {@link JsonNumber}, {@code Boolean}, {@code null} (as {@link #NULL}), {@code List} or {@code Map}
     * @throws MalformedJsonException if the text is not one JSON object
     */
    static Map<String, Object> parseObject(String text) {
        Reader reader = new Reader(text);
        reader.skipSpace();
        if (reader.peek() != '{') {
            throw new MalformedJsonException("the body must be a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) reader.value(0);
        reader.skipSpace();
        if (reader.pos != text.length()) {
            throw reader.error("unexpected text after the object");
        }
        return result;
    }

    /** JSON {@code null}, distinct from an absent member. */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    /** A JSON number, as written. */
    record JsonNumber(String text) {}

    private static final class Reader {
        private final String text;
        private int pos;

        Reader(String text) {
            this.text = text;
        }

        char peek() {
            return pos < text.length() ? text.charAt(pos) : '\0';
        }

        MalformedJsonException error(String what) {
            return new MalformedJsonException("malformed JSON at offset " + pos + ": " + what);
        }

        void skipSpace() {
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                    return;
                }
                pos++;
            }
        }

        void expect(char c) {
            if (peek() != c || pos >= text.length()) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        Object value(int depth) {
            if (depth >= MAX_DEPTH) {
                throw error("nested deeper than " + MAX_DEPTH + " levels");
            }
            skipSpace();
            char c = peek();
            if (pos >= text.length()) {
                throw error("unexpected end");
            }
            switch (c) {
                case '{':
                    return object(depth);
                case '[':
                    return array(depth);
                case '"':
                    return string();
                case 't':
                    return literal("true", Boolean.TRUE);
                case 'f':
                    return literal("false", Boolean.FALSE);
                case 'n':
                    return literal("null", NULL);
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        return number();
                    }
                    throw error("unexpected character");
            }
        }

        Map<String, Object> object(int depth) {
            expect('{');
            Map<String, Object> members = new LinkedHashMap<>();
            skipSpace();
            if (peek() == '}') {
                pos++;
                return members;
            }
            while (true) {
                skipSpace();
                if (peek() != '"') {
                    throw error("expected a member name");
                }
                String name = string();
                skipSpace();
                expect(':');
                Object value = value(depth + 1);
                if (members.putIfAbsent(name, value) != null) {
                    throw error("duplicate member " + quote(name));
                }
                skipSpace();
                if (peek() == ',' && pos < text.length()) {
                    pos++;
                } else {
                    expect('}');
                    return members;
                }
            }
        }

        List<Object> array(int depth) {
            expect('[');
            List<Object> items = new ArrayList<>();
            skipSpace();
            if (peek() == ']') {
                pos++;
                return items;
            }
            while (true) {
                items.add(value(depth + 1));
                skipSpace();
                if (peek() == ',' && pos < text.length()) {
                    pos++;
                } else {
                    expect(']');
                    return items;
                }
            }
        }

        String string() {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (true) {
                if (pos >= text.length()) {
                    throw error("unterminated string");
                }
                char c = text.charAt(pos++);
                if (c == '"') {
                    break;
                }
                if (c < 0x20) {
                    throw error("control character in string");
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                if (pos >= text.length()) {
                    throw error("unterminated escape");
                }
                char e = text.charAt(pos++);
                switch (e) {
                    case '"', '\\', '/' -> out.append(e);
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> out.append(hex4());
                    default -> throw error("unknown escape");
                }
            }
            String s = out.toString();
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else if (Character.isSurrogate(c)) {
                    throw error("lone surrogate in string");
                }
            }
            return s;
        }

        char hex4() {
            if (pos + 4 > text.length()) {
                throw error("short \\u escape");
            }
            int v = 0;
            for (int i = 0; i < 4; i++) {
                int d = Character.digit(text.charAt(pos++), 16);
                if (d < 0) {
                    throw error("bad \\u escape");
                }
                v = v * 16 + d;
            }
            return (char) v;
        }

        Object literal(String word, Object value) {
            if (!text.startsWith(word, pos)) {
                throw error("unexpected character");
            }
            pos += word.length();
            return value;
        }

        JsonNumber number() {
            int start = pos;
            if (peek() == '-') {
                pos++;
            }
            if (peek() == '0') {
                pos++;
            } else if (peek() >= '1' && peek() <= '9') {
                digits();
            } else {
                throw error("bad number");
            }
            if (peek() == '.') {
                pos++;
                if (!(peek() >= '0' && peek() <= '9')) {
                    throw error("bad number");
                }
                digits();
            }
            if (peek() == 'e' || peek() == 'E') {
                pos++;
                if (peek() == '+' || peek() == '-') {
                    pos++;
                }
                if (!(peek() >= '0' && peek() <= '9')) {
                    throw error("bad number");
                }
                digits();
            }
            return new JsonNumber(text.substring(start, pos));
        }

        void digits() {
            while (peek() >= '0' && peek() <= '9' && pos < text.length()) {
                pos++;
            }
        }
    }
}
