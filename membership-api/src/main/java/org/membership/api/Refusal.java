package org.membership.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A business refusal, as a value: the reason (with its stable code and HTTP status), a human
 * message, and the offending field for invalid input.
 *
 * <pre>{@code
 * if (outcome instanceof Outcome.Refused<?> refused) {
 *     Refusal r = refused.why();
 *     respond(r.status(), r.toProblemDetails().toJson());
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param reason why
 * @param message a sentence for people
 * @param field the offending field, for {@link Reason#INVALID_INPUT}
 */
public record Refusal(Reason reason, String message, Optional<String> field) {
    /** @throws NullPointerException if any component is null */
    public Refusal {
        java.util.Objects.requireNonNull(reason, "reason");
        java.util.Objects.requireNonNull(message, "message");
        java.util.Objects.requireNonNull(field, "field");
    }

    /**
     * @param reason why
     * @return a refusal with the reason's default message
     */
    public static Refusal of(Reason reason) {
        return new Refusal(reason, reason.defaultMessage(), Optional.empty());
    }

    /**
     * @param field the offending field
     * @param message a sentence naming it
     * @return an {@link Reason#INVALID_INPUT} refusal
     */
    public static Refusal invalidInput(String field, String message) {
        return new Refusal(Reason.INVALID_INPUT, message, Optional.of(field));
    }

    /** @return the stable code, as {@link Reason#code()} */
    public String code() {
        return reason.code();
    }

    /** @return the HTTP status a host should answer, as {@link Reason#status()} */
    public int status() {
        return reason.status();
    }

    /** @return this refusal as RFC 9457 problem details, with {@code code} (and {@code field}) as extensions */
    public ProblemDetails toProblemDetails() {
        Map<String, String> extensions = new LinkedHashMap<>();
        extensions.put("code", reason.code());
        field.ifPresent(f -> extensions.put("field", f));
        return new ProblemDetails("urn:membership:problem:" + reason.code(), reason.title(), reason.status(),
                message, extensions);
    }
}
