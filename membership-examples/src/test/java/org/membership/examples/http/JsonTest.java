package org.membership.examples.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.membership.api.InvalidInputException;

/** The host's JSON on its own: how strictly bodies are read into records, and how records are written. */
final class JsonTest {
    record Body(String name, Boolean flag) {}

    record Nested(String name, Map<String, Object> extra) {}

    // ---- reading what is valid ----------------------------------------------------------------------

    @Test
    void read_object_fillsTheRecord_absentAndNullAreNull() {
        assertEquals(new Body("a\"b\u00e9\n\ud83d\ude00", true),
                Json.read(" {\"name\":\"a\\\"b\\u00e9\\n\\ud83d\\ude00\",\"flag\":true} ", Body.class));
        assertEquals(new Body(null, null), Json.read("{}", Body.class));
        assertEquals(new Body(null, null), Json.read("{\"name\":null,\"flag\":null}", Body.class));
    }

    @Test
    void read_nestingUpToTheLimit_isAccepted() {
        String nested = "{\"extra\":" + "{\"a\":".repeat(Json.MAX_DEPTH - 2) + "1" + "}".repeat(Json.MAX_DEPTH - 2) + "}";
        assertTrue(Json.read(nested, Nested.class).extra().containsKey("a"));
    }

    // ---- refusing what is not ------------------------------------------------------------------------

    @Test
    void read_refusesAnythingButOneStrictObject() {
        for (String bad : new String[] {"", " ", "[]", "\"s\"", "1", "null", "{", "}", "{\"name\"}", "{\"name\":}",
                "{\"name\":\"a\",}", "{,}", "{\"name\":\"a\"}{}", "{\"name\":\"a\"} x", "{'name':'a'}", "{name:\"a\"}",
                "{\"extra\":{\"a\":01}}", "{\"extra\":{\"a\":1.}}", "{\"extra\":{\"a\":.5}}", "{\"extra\":{\"a\":-}}",
                "{\"extra\":{\"a\":1e}}", "{\"flag\":tru}", "{\"name\":nul}", "{\"name\":\"\\x\"}", "{\"name\":\"\\u12\"}",
                "{\"name\":\"\\uzzzz\"}", "{\"name\":\"unterminated}", "{\"name\":\"tab\there\"}", "{\"name\":\"\\ud800\"}",
                "{\"name\":\"\\udc00x\"}", "{\"name\":\"a\",\"name\":\"b\"}", "{\"extra\":{\"a\":[1,]}}",
                "{\"extra\":{\"a\":[,1]}}", "{\"extra\":{\"a\":NaN}}", "{\"name\":\u0000}", "\ufeff{}", "{\"name\":\"a\"}\u0000"}) {
            assertThrows(Json.MalformedJsonException.class, () -> Json.read(bad, Body.class), bad);
        }
    }

    @Test
    void read_duplicateMember_isNamed() {
        Json.MalformedJsonException e = assertThrows(Json.MalformedJsonException.class,
                () -> Json.read("{\"name\":\"a\",\"name\":\"b\"}", Body.class));
        assertEquals("malformed JSON at line 1, column 19: member \"name\" appears twice", e.getMessage());
    }

    @Test
    void read_refusesNestingBeyondTheLimit_withoutOverflowingTheStack() {
        String deep = "{\"extra\":" + "{\"a\":".repeat(Json.MAX_DEPTH) + "1" + "}".repeat(Json.MAX_DEPTH) + "}";
        Json.MalformedJsonException e = assertThrows(Json.MalformedJsonException.class, () -> Json.read(deep, Nested.class));
        assertEquals("the body is nested deeper than " + Json.MAX_DEPTH + " levels", e.getMessage());
        assertThrows(Json.MalformedJsonException.class, () -> Json.read("{\"extra\":" + "{\"a\":".repeat(100_000), Nested.class));
        assertThrows(Json.MalformedJsonException.class, () -> Json.read("[".repeat(100_000), Nested.class));
    }

    @Test
    void read_unknownMember_isInvalidInputNamingIt() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> Json.read("{\"name\":\"a\",\"admin\":true}", Body.class));
        assertEquals("admin", e.refusal().field().orElseThrow());
        assertEquals("admin: Extra inputs are not permitted", e.getMessage());
    }

    @Test
    void read_wrongTypes_areInvalidInputNamingTheMember_neverCoerced() {
        for (String[] bad : new String[][] {{"{\"name\":42}", "name must be a string"}, {"{\"name\":true}", "name must be a string"},
                {"{\"name\":{}}", "name must be a string"}, {"{\"name\":[\"a\"]}", "name must be a string"},
                {"{\"flag\":\"true\"}", "flag must be true or false"}, {"{\"flag\":1}", "flag must be true or false"},
                {"{\"flag\":\"yes\"}", "flag must be true or false"}}) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> Json.read(bad[0], Body.class), bad[0]);
            assertEquals(bad[1], e.getMessage(), bad[0]);
        }
    }

    @Test
    void malformedJsonException_carriesNoStackTraceAndNoParserText() {
        Json.MalformedJsonException e = assertThrows(Json.MalformedJsonException.class, () -> Json.read("{", Body.class));
        assertEquals(0, e.getStackTrace().length);
        assertTrue(e.getMessage().startsWith("malformed JSON at line 1, column "), e.getMessage());
    }

    @Test
    void required_absentIsInvalidInputNamingTheField() {
        assertEquals("x", Json.required("name", "x"));
        assertEquals("name is required", assertThrows(InvalidInputException.class, () -> Json.required("name", null)).getMessage());
    }

    @Test
    void empty_acceptsNothingOrAnEmptyObjectOnly() {
        Json.empty("");
        Json.empty(" {} ");
        assertThrows(InvalidInputException.class, () -> Json.empty("{\"a\":1}"));
        assertThrows(Json.MalformedJsonException.class, () -> Json.empty("[]"));
    }

    // ---- writing ---------------------------------------------------------------------------------------

    record Written(String keyName, String missing, boolean isOn, int count, List<String> items) {}

    @Test
    void write_recordsInComponentOrder_snakeCase_nullsKept_controlsEscaped() {
        String json = Json.write(new Written("a\"b\\c\n\u0001", null, true, 7, List.of("x")));
        assertEquals("{\"key_name\":\"a\\\"b\\\\c\\n\\u0001\",\"missing\":null,\"is_on\":true,\"count\":7,\"items\":[\"x\"]}", json);
        assertEquals("a\"b\\c\n\u0001", Answers.field(json, "key_name"), "an independent parser reads it back");
    }
}
