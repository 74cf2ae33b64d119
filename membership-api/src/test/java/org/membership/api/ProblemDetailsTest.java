package org.membership.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Problem-details JSON: every string survives a round trip through a strict JSON reader, whatever
 * quotes, backslashes, control characters or line separators it holds.
 *
 * <p>A failing property prints {@code Seed was <n>}; replay it with {@code -DQT_SEED=<n>} or by
 * adding {@code .withFixedSeed(<n>L)} after {@code qt()}.
 */
final class ProblemDetailsTest {

    /** Text that is hard to put in JSON: quotes, backslashes, every C0 control, DEL, C1, U+2028/9, non-ASCII. */
    private static Gen<String> awkwardText() {
        Gen<Integer> special = Generate.pick(List.of((int) '"', (int) '\\', (int) '/', 0x7f, 0x85, 0x2028, 0x2029,
                (int) 'é', 0x4e2d, (int) '\'', (int) '{', (int) '}'));
        Gen<Integer> c = Generate.oneOf(Generate.range(0, 0x1f), special, Generate.range(0x20, 0x7e));
        return in -> {
            StringBuilder s = new StringBuilder();
            for (int i = Generate.range(0, 40).generate(in); i > 0; i--) {
                s.append((char) (int) c.generate(in));
            }
            return s.toString();
        };
    }

    // ---- escaping -------------------------------------------------------------------------------

    @Test
    void everyString_roundTripsThroughJson() {
        qt().forAll(awkwardText(), awkwardText(), awkwardText()).checkAssert((detail, key, value) -> {
            ProblemDetails problem = new ProblemDetails("urn:x", "Bad Request", 400, detail, Map.of("code", value, key, "v"));
            String json = problem.toJson();
            Map<String, Object> parsed = Json.parse(json);
            assertEquals(detail, parsed.get("detail"));
            assertEquals(400L, parsed.get("status"));
            assertEquals("urn:x", parsed.get("type"));
            assertEquals("Bad Request", parsed.get("title"));
            if (!List.of("type", "title", "status", "detail", "code").contains(key)) {
                assertEquals(value, parsed.get("code"));
                assertEquals("v", parsed.get(key));
            }
            json.chars().forEach(ch -> assertFalse(ch < 0x20 || ch == 0x2028 || ch == 0x2029,
                    () -> "raw control or line separator in " + json));
        });
    }

    @Test
    void quotesBackslashesAndControls_useTheShortEscapes() {
        String json = new ProblemDetails("t", "T", 409, "a\"b\\c\nd\re\tf\u0001", Map.of()).toJson();
        assertEquals("{\"type\":\"t\",\"title\":\"T\",\"status\":409,\"detail\":\"a\\\"b\\\\c\\nd\\re\\tf\\u0001\"}", json);
    }

    @Test
    void members_comeInAFixedOrder_extensionsSortedByName() {
        String json = new ProblemDetails("t", "T", 404, "d", Map.of("z", "1", "a", "2", "m", "3")).toJson();
        assertEquals("{\"type\":\"t\",\"title\":\"T\",\"status\":404,\"detail\":\"d\",\"a\":\"2\",\"m\":\"3\",\"z\":\"1\"}", json);
    }

    // ---- refusals ---------------------------------------------------------------------------------

    @Test
    void refusal_becomesProblemDetails_withCodeAndField() {
        qt().forAll(Generate.enumValues(Reason.class), awkwardText()).checkAssert((reason, message) -> {
            Refusal refusal = new Refusal(reason, message, java.util.Optional.of("user_id"));
            Map<String, Object> parsed = Json.parse(refusal.toProblemDetails().toJson());
            assertEquals("urn:membership:problem:" + reason.code(), parsed.get("type"));
            assertEquals(reason.title(), parsed.get("title"));
            assertEquals((long) reason.status(), parsed.get("status"));
            assertEquals(message, parsed.get("detail"));
            assertEquals(reason.code(), parsed.get("code"));
            assertEquals("user_id", parsed.get("field"));
        });
    }

    @Test
    void everyReason_hasAStableCode_aMessage_andAnHttpStatus() {
        for (Reason reason : Reason.values()) {
            assertTrue(reason.code().matches("[a-z]+(_[a-z]+)*"), reason.code());
            assertFalse(reason.defaultMessage().isBlank());
            assertTrue(List.of(400, 401, 403, 404, 409).contains(reason.status()), reason + " " + reason.status());
        }
        assertEquals(20, Reason.values().length, "a new reason needs a code, a message and a status here too");
    }

    /** A strict reader of flat JSON objects with string and integer members. */
    private static final class Json {
        private final String text;
        private int at;

        private Json(String text) {
            this.text = text;
        }

        static Map<String, Object> parse(String json) {
            Json p = new Json(json);
            Map<String, Object> members = new LinkedHashMap<>();
            p.expect('{');
            while (p.peek() != '}') {
                String name = p.string();
                p.expect(':');
                Object value = p.peek() == '"' ? p.string() : p.number();
                if (members.put(name, value) != null) {
                    fail("duplicate member " + name);
                }
                if (p.peek() == ',') {
                    p.at++;
                    if (p.peek() == '}') {
                        fail("trailing comma in " + json);
                    }
                }
            }
            p.expect('}');
            assertEquals(json.length(), p.at, "nothing after the object");
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

        private Long number() {
            int start = at;
            while (at < text.length() && Character.isDigit(text.charAt(at))) {
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
                    fail("raw control character in a JSON string");
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
                    default -> fail("bad escape \\" + e);
                }
            }
        }
    }
}
