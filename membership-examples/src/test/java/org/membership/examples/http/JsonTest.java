package org.membership.examples.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The strict JSON reader and the writer, on their own. */
final class JsonTest {

    // ---- reading what is valid ----------------------------------------------------------------------

    @Test
    void parse_flatObject_keepsEveryValueKind() {
        Map<String, Object> o = Json.parseObject(" {\"s\":\"a\\\"b\\u00e9\\n\",\"t\":true,\"f\":false,\"n\":null,"
                + "\"i\":-12.5e+3,\"a\":[1,\"x\"],\"o\":{}} ");
        assertEquals("a\"b\u00e9\n", o.get("s"));
        assertEquals(Boolean.TRUE, o.get("t"));
        assertEquals(Boolean.FALSE, o.get("f"));
        assertEquals(Json.NULL, o.get("n"));
        assertEquals(new Json.JsonNumber("-12.5e+3"), o.get("i"));
        assertEquals(List.of(new Json.JsonNumber("1"), "x"), o.get("a"));
        assertEquals(Map.of(), o.get("o"));
    }

    @Test
    void parse_surrogatePairEscape_isOneCodePoint() {
        assertEquals("\ud83d\ude00", Json.parseObject("{\"e\":\"\\ud83d\\ude00\"}").get("e"));
    }

    @Test
    void parse_nestingUpToTheLimit_isAccepted() {
        String nested = "{\"a\":" + "[".repeat(Json.MAX_DEPTH - 1) + "]".repeat(Json.MAX_DEPTH - 1) + "}";
        assertTrue(Json.parseObject(nested).containsKey("a"));
    }

    // ---- refusing what is not ------------------------------------------------------------------------

    @Test
    void parse_refusesAnythingButOneStrictObject() {
        for (String bad : new String[] {"", " ", "[]", "\"s\"", "1", "null", "{", "}", "{\"a\"}", "{\"a\":}", "{\"a\":1,}",
                "{,}", "{\"a\":1}{}", "{\"a\":1} x", "{'a':1}", "{a:1}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}",
                "{\"a\":-}", "{\"a\":1e}", "{\"a\":tru}", "{\"a\":nul}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}",
                "{\"a\":\"\\uzzzz\"}", "{\"a\":\"unterminated}", "{\"a\":\"tab\there\"}", "{\"a\":\"\\ud800\"}",
                "{\"a\":\"\\udc00x\"}", "{\"a\":1,\"a\":2}", "{\"a\":[1,]}", "{\"a\":[,1]}", "{\"a\":NaN}",
                "{\"a\":\u0000}", "\ufeff{}"}) {
            assertThrows(Json.MalformedJsonException.class, () -> Json.parseObject(bad), bad);
        }
    }

    @Test
    void parse_refusesNestingBeyondTheLimit_withoutOverflowingTheStack() {
        String deep = "{\"a\":" + "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH) + "}";
        Json.MalformedJsonException e = assertThrows(Json.MalformedJsonException.class, () -> Json.parseObject(deep));
        assertTrue(e.getMessage().contains("nested deeper than " + Json.MAX_DEPTH), e.getMessage());
        assertThrows(Json.MalformedJsonException.class, () -> Json.parseObject("{\"a\":" + "[".repeat(100_000)));
    }

    @Test
    void malformedJsonException_carriesNoStackTrace() {
        Json.MalformedJsonException e = assertThrows(Json.MalformedJsonException.class, () -> Json.parseObject("{"));
        assertEquals(0, e.getStackTrace().length);
    }

    // ---- writing ---------------------------------------------------------------------------------------

    @Test
    void write_escapesQuotesControlsAndLoneSurrogates() {
        assertEquals("{\"k\":\"a\\\"b\\\\c\\n\\u0001\\u2028\\ud800\",\"n\":null,\"b\":true,\"i\":7}",
                Json.object().string("k", "a\"b\\c\n\u0001\u2028\ud800").string("n", (String) null)
                        .bool("b", true).number("i", 7).toString());
    }

    @Test
    void write_thenRead_roundTripsStrings() {
        String tricky = "quote\" backslash\\ slash/ tab\t nl\n \u0000 \u00e9 \ud83d\ude00";
        assertEquals(tricky, Json.parseObject(Json.object().string("k", tricky).toString()).get("k"));
    }
}
