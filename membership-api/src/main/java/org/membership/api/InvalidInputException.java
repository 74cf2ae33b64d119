package org.membership.api;

import java.util.Objects;

/**
 * Caller input that cannot be represented: a blank id, a malformed email, an unknown role, text
 * with control characters. It names the offending field and carries the 400 {@link Refusal} a
 * host should answer with.
 *
 * <p>It is a caller mistake, not a bug, so it records no stack trace. Nothing is ever stored
 * from input that fails validation: values are validated when they are constructed, before any
 * command can reach a store.
 *
 * <pre>{@code
 * try {
 *     var command = new RemoveWorkspaceMember(WorkspaceId.of(path[0]), UserId.of(path[1]), "");
 *     ...
 * } catch (InvalidInputException e) {
 *     respond(e.refusal().status(), e.refusal().toProblemDetails().toJson());
 * }
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class InvalidInputException extends MembershipException {
    private static final long serialVersionUID = 1L;

    private final String field;

    /**
     * @param field the name of the offending field, as a host would show it (for example {@code "user_id"})
     * @param message a sentence naming the field and what is wrong with it
     * @throws NullPointerException if an argument is null
     */
    public InvalidInputException(String field, String message) {
        super(Objects.requireNonNull(message, "message"), false);
        this.field = Objects.requireNonNull(field, "field");
    }

    /** @return the name of the offending field */
    public String field() {
        return field;
    }

    /** @return the refusal a host should answer with: {@link Reason#INVALID_INPUT}, naming the field */
    public Refusal refusal() {
        return Refusal.invalidInput(field, getMessage());
    }
}
