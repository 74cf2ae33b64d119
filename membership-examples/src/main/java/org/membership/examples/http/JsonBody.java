package org.membership.examples.http;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.membership.api.InvalidInputException;

/**
 * A request body read as one flat JSON object of known members. Any member outside the allowed
 * set, a missing required member, or a member of the wrong type is refused as
 * {@link InvalidInputException} naming it, so it reaches the caller as a 400 in the API's dialect.
 *
 * <p>Immutable; thread-safe.
 */
final class JsonBody {
    private final Map<String, Object> members;

    private JsonBody(Map<String, Object> members) {
        this.members = members;
    }

    /**
     * @throws Json.MalformedJsonException if the body is not a JSON object
     * @throws InvalidInputException naming the first member that is not allowed
     */
    static JsonBody parse(String body, Set<String> allowed) {
        Map<String, Object> members = Json.parseObject(body);
        Optional<String> extra = members.keySet().stream().filter(k -> !allowed.contains(k)).sorted().findFirst();
        if (extra.isPresent()) {
            throw new InvalidInputException(extra.get(), extra.get() + ": Extra inputs are not permitted");
        }
        return new JsonBody(members);
    }

    String string(String field) {
        return optionalString(field).orElseThrow(() -> new InvalidInputException(field, field + " is required"));
    }

    Optional<String> optionalString(String field) {
        Object value = members.get(field);
        if (value == null || value == Json.NULL) {
            return Optional.empty();
        }
        if (value instanceof String s) {
            return Optional.of(s);
        }
        throw new InvalidInputException(field, field + " must be a string");
    }

    Optional<Boolean> optionalBoolean(String field) {
        Object value = members.get(field);
        if (value == null || value == Json.NULL) {
            return Optional.empty();
        }
        if (value instanceof Boolean b) {
            return Optional.of(b);
        }
        throw new InvalidInputException(field, field + " must be true or false");
    }
}
