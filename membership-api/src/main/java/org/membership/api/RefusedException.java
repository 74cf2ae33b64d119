package org.membership.api;

import java.util.Objects;

/**
 * Thrown by {@link Outcome#orElseThrow()} for a command that was refused, for hosts that would rather
 * unwind than branch: it carries the {@link Refusal}, so the answer to the caller is the same either
 * way. The library itself never throws it: refusals are values.
 *
 * <pre>{@code
 * WorkspaceMember added = membership.execute(actor, command).orElseThrow();   // or RefusedException
 * }</pre>
 *
 * <p>It is a business answer, not a bug, so it records no stack trace. Instances are immutable and
 * thread-safe.
 */
public final class RefusedException extends MembershipException {
    private static final long serialVersionUID = 1L;

    private final Refusal refusal;

    /**
     * @param refusal why the command was refused
     * @throws NullPointerException if refusal is null
     */
    public RefusedException(Refusal refusal) {
        super(Objects.requireNonNull(refusal, "refusal").code() + ": " + refusal.message(), false);
        this.refusal = refusal;
    }

    /** @return why the command was refused: its reason, message, status and field */
    public Refusal refusal() {
        return refusal;
    }
}
