package org.membership.examples.http;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;

/**
 * Reads the server's answers as a client would, with a parser that shares no code with the
 * server's own (Jackson): Gson's reader in its strict mode (RFC 8259, nothing lenient), one value
 * and nothing after it, and no member twice in an object.
 */
final class Answers {
    private Answers() {}

    /** @throws AssertionError if the text is not exactly one strict JSON value */
    static JsonElement parse(String text) {
        try {
            JsonReader reader = new JsonReader(new StringReader(text));
            reader.setStrictness(Strictness.STRICT);
            JsonElement value = read(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new AssertionError("text after the JSON value: " + text);
            }
            return value;
        } catch (IOException | RuntimeException e) {
            throw new AssertionError("not strict JSON (" + e.getMessage() + "): " + text, e);
        }
    }

    /** @return the answer's top-level object */
    static JsonObject object(String text) {
        JsonElement value = parse(text);
        if (!value.isJsonObject()) {
            throw new AssertionError("not a JSON object: " + text);
        }
        return value.getAsJsonObject();
    }

    /** @return the string value of a top-level member of the answer */
    static String field(String text, String name) {
        JsonElement value = object(text).get(name);
        if (value == null || !value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
            throw new AssertionError("no string member " + name + " in " + text);
        }
        return value.getAsString();
    }

    private static JsonElement read(JsonReader reader) throws IOException {
        switch (reader.peek()) {
            case BEGIN_OBJECT: {
                JsonObject object = new JsonObject();
                reader.beginObject();
                while (reader.hasNext()) {
                    String name = reader.nextName();
                    if (object.has(name)) {
                        throw new IOException("member " + name + " appears twice");
                    }
                    object.add(name, read(reader));
                }
                reader.endObject();
                return object;
            }
            case BEGIN_ARRAY: {
                JsonArray array = new JsonArray();
                reader.beginArray();
                while (reader.hasNext()) {
                    array.add(read(reader));
                }
                reader.endArray();
                return array;
            }
            case STRING:
                return new JsonPrimitive(reader.nextString());
            case NUMBER:
                return new JsonPrimitive(new BigDecimal(reader.nextString()));
            case BOOLEAN:
                return new JsonPrimitive(reader.nextBoolean());
            case NULL:
                reader.nextNull();
                return JsonNull.INSTANCE;
            default:
                throw new IOException("unexpected " + reader.peek());
        }
    }
}
