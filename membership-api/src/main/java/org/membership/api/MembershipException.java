package org.membership.api;

/**
 * The one unchecked base of every exception this library throws.
 *
 * <p>Business refusals (not found, forbidden, last admin, ...) are never thrown: they come back
 * as {@link Outcome.Refused} values. Exceptions are reserved for caller input that cannot even be
 * represented ({@link InvalidInputException}) and for infrastructure failures
 * ({@link UnableToPersistException}).
 *
 * <p>Instances are immutable and thread-safe.
 */
public class MembershipException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, for a log line
     * @param cause the underlying failure, or {@code null}
     */
    public MembershipException(String message, Throwable cause) {
        super(message, cause);
    }

    MembershipException(String message, boolean withStackTrace) {
        super(message, null, false, withStackTrace);
    }
}
