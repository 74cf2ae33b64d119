package org.membership.api;

/**
 * A change that ran inside the host's own transaction lost a race with a concurrent transaction (a
 * serialization failure, a deadlock, a unique key a concurrent transaction took first). A store
 * reruns such a change by itself when it owns the transaction; inside the host's transaction only
 * the host can: roll the whole transaction back and run it again, as for any serialization failure
 * of its own.
 *
 * <pre>{@code
 * for (int attempt = 1; ; attempt++) {
 *     try {
 *         return transactions.execute(status -> removeProjectAndMember(...));
 *     } catch (UnableToSerializeTransactionException e) {
 *         if (attempt == 10) throw e;
 *         Thread.sleep(ThreadLocalRandom.current().nextInt(1, 10 * attempt)); // the winner may still be writing
 *     }
 * }
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class UnableToSerializeTransactionException extends UnableToPersistException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what the store was doing
     * @param cause the database's report of the lost race
     */
    public UnableToSerializeTransactionException(String message, Throwable cause) {
        super(message, cause);
    }
}
