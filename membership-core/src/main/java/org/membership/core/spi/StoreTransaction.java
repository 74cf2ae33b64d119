package org.membership.core.spi;

/**
 * One transaction of a {@link MembershipStore}: its reads, its locks and its writes, and what runs
 * once it has committed. A store implements this one interface; the engine hands its planners only
 * the reads and the locks, and writes only once a command is approved.
 *
 * <p>Used by one thread, for the duration of one {@link MembershipStore#write} or
 * {@link MembershipStore#read} call; not thread-safe.
 */
public interface StoreTransaction extends StoreReads, StoreLocks, StoreWrites {
    /**
     * Runs {@code action} once this transaction has committed, and never if it does not: for a
     * transaction the store began itself, after the transaction ended (its locks released) and before
     * {@link MembershipStore#write} returns; inside a host's transaction the store joined, when the host
     * commits it. Actions run in the order they were registered; one that throws is logged and does not
     * stop the others or undo anything.
     *
     * @throws IllegalStateException in a read transaction
     */
    void afterCommit(Runnable action);
}
