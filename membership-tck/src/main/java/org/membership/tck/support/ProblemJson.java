package org.membership.tck.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A strict reader of flat JSON objects (string and number members), enough to check problem details:
 * duplicate members, trailing text and raw control characters fail the test that reads them.
 */
public final class ProblemJson {
    private final String text;
    private int at;

    private ProblemJson(String text) {
        this.text = text;
    }

    public static Map<String, Object> parse(String json) {
        ProblemJson p = new ProblemJson(json);
        Map<String, Object> members = new LinkedHashMap<>();
        p.expect('{');
        while (p.peek() != '}') {
            String name = p.string();
            p.expect(':');
            Object value = p.peek() == '"' ? p.string() : p.number();
            if (members.put(name, value) != null) {
                fail("duplicate member " + name + " in " + json);
            }
            if (p.peek() == ',') {
                p.at++;
            }
        }
        p.expect('}');
        assertEquals(json.length(), p.at, () -> "trailing text in " + json);
        return members;
    }

    private char peek() {
        if (at >= text.length()) {
            fail("unexpected end of " + text);
        }
        return text.charAt(at);
    }

    private void expect(char c) {
        assertEquals(c, peek(), () -> "at " + at + " of " + text);
        at++;
    }

    private Number number() {
        int start = at;
        while (at < text.length() && (Character.isDigit(text.charAt(at)) || text.charAt(at) == '-')) {
            at++;
        }
        return Long.parseLong(text.substring(start, at));
    }

    private String string() {
        expect('"');
        StringBuilder out = new StringBuilder();
        while (true) {
            char c = peek();
            at++;
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                fail("raw control character in a JSON string: " + text);
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = peek();
            at++;
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'u' -> {
                    out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                    at += 4;
                }
                default -> fail("bad escape \\" + e + " in " + text);
            }
        }
    }
}
