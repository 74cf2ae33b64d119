package org.membership.examples.http;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.membership.api.InvalidInputException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.deser.std.StdDeserializer;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

/**
 * The host's JSON, on Jackson: request bodies read into records, strictly, and response records
 * written. Record components are named in Java's camel case and in JSON's snake case
 * ({@code firstAdmin} is {@code "first_admin"}); responses keep the components' order.
 *
 * <p>Reading accepts exactly one RFC 8259 object and refuses, as {@link MalformedJsonException}, a
 * body that is not one (trailing text, a top level that is not an object), a member named twice, a
 * string with a lone surrogate, and nesting deeper than {@value #MAX_DEPTH} levels (bodies are also
 * bounded in size by the server). It refuses, as {@link InvalidInputException} naming the member, a
 * member the record does not have and a value of the wrong type: strings must be JSON strings and
 * booleans JSON booleans, never coerced from numbers or words. An absent member and JSON
 * {@code null} both read as {@code null}.
 *
 * <p>Stateless and thread-safe.
 */
final class Json {
    static final int MAX_DEPTH = 16;

    private static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                    .build())
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .addModule(new SimpleModule("strict-scalars")
                    .addDeserializer(String.class, new StrictString())
                    .addDeserializer(Boolean.class, new StrictBoolean()))
            .build();

    private static final Pattern DUPLICATE = Pattern.compile("Duplicate Object property \"(.*)\"");

    private Json() {}

    /** A request body that is not one acceptable JSON object; the message says where and why, in the host's words. */
    static final class MalformedJsonException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MalformedJsonException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * @param body a whole request body
     * @param type the record it must fit
     * @return the record
     * @throws MalformedJsonException if the body is not one JSON object
     * @throws InvalidInputException naming the member that the record does not have or whose value has the wrong type
     */
    static <T> T read(String body, Class<T> type) {
        T value;
        try {
            value = MAPPER.readValue(body, type);
        } catch (UnrecognizedPropertyException e) {
            String name = e.getPropertyName();
            throw new InvalidInputException(name, name + ": Extra inputs are not permitted");
        } catch (MismatchedInputException e) {
            String field = field(e.getPath());
            if (field == null) {
                throw new MalformedJsonException("the body must be a JSON object");
            }
            Class<?> target = e.getTargetType();
            throw new InvalidInputException(field, field + (target == Boolean.class || target == boolean.class
                    ? " must be true or false" : target == String.class ? " must be a string" : " has the wrong type"));
        } catch (StreamConstraintsException e) {
            throw new MalformedJsonException("the body is nested deeper than " + MAX_DEPTH + " levels");
        } catch (StreamReadException e) {
            Matcher duplicate = DUPLICATE.matcher(String.valueOf(e.getOriginalMessage()));
            throw new MalformedJsonException("malformed JSON" + at(e.getLocation())
                    + (duplicate.lookingAt() ? ": member \"" + duplicate.group(1) + "\" appears twice" : ""));
        } catch (JacksonException e) {
            throw new MalformedJsonException("malformed JSON" + at(e.getLocation()));
        }
        if (value == null) {
            throw new MalformedJsonException("the body must be a JSON object");
        }
        return value;
    }

    /**
     * @return the value of a required member
     * @throws InvalidInputException naming the member if it was absent or null
     */
    static String required(String field, String value) {
        if (value == null) {
            throw new InvalidInputException(field, field + " is required");
        }
        return value;
    }

    /** Reads a body that must carry nothing: empty, or an empty object. */
    static void empty(String body) {
        if (!body.isBlank()) {
            read(body, Nothing.class);
        }
    }

    /** The body of a request that takes no members. */
    record Nothing() {}

    /** @return the value as JSON, a record's members in the order of its components */
    static String write(Object value) {
        return MAPPER.writeValueAsString(value);
    }

    private static String field(List<JacksonException.Reference> path) {
        return path.isEmpty() ? null : path.get(path.size() - 1).getPropertyName();
    }

    private static String at(TokenStreamLocation location) {
        return location == null || location.getLineNr() < 1 ? ""
                : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    /** A JSON string and nothing else (no number or boolean turned into text), without lone surrogates. */
    private static final class StrictString extends StdDeserializer<String> {
        StrictString() {
            super(String.class);
        }

        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                return (String) ctxt.handleUnexpectedToken(String.class, p);
            }
            String s = p.getString();
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else if (Character.isSurrogate(c)) {
                    throw new StreamReadException(p, "lone surrogate in a string");
                }
            }
            return s;
        }
    }

    /** A JSON {@code true} or {@code false} and nothing else. */
    private static final class StrictBoolean extends StdDeserializer<Boolean> {
        StrictBoolean() {
            super(Boolean.class);
        }

        @Override
        public Boolean deserialize(JsonParser p, DeserializationContext ctxt) {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
                return t == JsonToken.VALUE_TRUE;
            }
            return (Boolean) ctxt.handleUnexpectedToken(Boolean.class, p);
        }
    }
}
