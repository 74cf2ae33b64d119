package org.membership.api;

/**
 * A store could not carry out a change or a read (the database is unreachable, a transaction kept
 * failing after its retries, the disk is full). The change was rolled back as a whole: nothing of
 * it is stored. Hosts typically answer 500 (Flashback's {@code "Failed to remove user from workspace"}).
 *
 * <p>Instances are immutable and thread-safe. {@link UnableToSerializeTransactionException} is the
 * one case a host can do something about.
 */
public class UnableToPersistException extends MembershipException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what the store was doing
     * @param cause the underlying failure
     */
    public UnableToPersistException(String message, Throwable cause) {
        super(message, cause);
    }
}
