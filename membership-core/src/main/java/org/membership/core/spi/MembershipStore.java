package org.membership.core.spi;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.membership.api.FeedEvent;
import org.membership.api.FeedPosition;

/**
 * Where memberships live: the one extension point a persistence module implements. The engine
 * decides; the store only reads and writes rows, each change inside one transaction.
 *
 * <p>Contract, beyond each method's own:
 * <ul>
 *   <li>{@link #write} is all or nothing: if {@code work} throws, nothing it wrote is visible, ever.</li>
 *   <li>Its locks follow the <a href="package-summary.html#locking">locking protocol</a>, and its change
 *       feed the <a href="package-summary.html#outbox">outbox protocol</a>, both in the package
 *       documentation.</li>
 *   <li>{@link #read} sees one consistent state and never blocks writers for long.</li>
 *   <li>Emails are compared as {@link org.membership.api.Email} values, already normalized.</li>
 * </ul>
 *
 * <p>Implementations must be thread-safe.
 */
public interface MembershipStore {
    /**
     * Runs {@code work} in one read-write transaction and commits it if {@code work} returns.
     *
     * @param work the reads and writes of one change
     * @param <T> what {@code work} returns
     * @return what {@code work} returned, after commit
     * @throws org.membership.api.UnableToPersistException if the transaction could not commit; nothing was written
     */
    <T> T write(Function<StoreTransaction, T> work);

    /**
     * Runs {@code work} in a read-only transaction; its write methods ({@link StoreWrites}) throw
     * {@link IllegalStateException} and its locks ({@link StoreLocks}) may do nothing.
     *
     * @param work the reads
     * @param <T> what {@code work} returns
     * @return what {@code work} returned
     * @throws org.membership.api.UnableToPersistException if the store could not be read
     */
    <T> T read(Function<StoreTransaction, T> work);

    /**
     * Whether a write transaction excludes every other write from its very beginning (a store-wide
     * lock, as SQLite's {@code BEGIN IMMEDIATE} takes), rather than only the writes that lock the same
     * organization or user. Where it does, the engine first answers from a read transaction the
     * refusals a command meets before its first lock (scope before any lock, in the
     * <a href="package-summary.html#locking">locking protocol</a>). True by default: the safe answer
     * for a store that does not say.
     *
     * @return whether writes exclude each other from their start
     */
    default boolean exclusiveWrites() {
        return true;
    }

    /**
     * Runs {@code work} as {@link #write} does, but only if its write transaction can begin without
     * waiting for another writer; otherwise runs nothing and returns empty. Where writes are exclusive,
     * the engine tries this first: a transaction that began without waiting answers the refusals met
     * before the first lock as promptly as the read transaction it would otherwise decide them in
     * (scope before any lock, in the <a href="package-summary.html#locking">locking protocol</a>), so it
     * needs none. Empty by default: a store that cannot tell runs nothing here, and the engine reads first.
     *
     * @param work the reads and writes; must not return null
     * @param <T> what {@code work} returns
     * @return what {@code work} returned, after commit; empty if the transaction would have had to wait
     * @throws org.membership.api.UnableToPersistException if the transaction began but could not commit; nothing was written
     */
    default <T> Optional<T> writeIfUncontended(Function<StoreTransaction, T> work) {
        return Optional.empty();
    }

    /**
     * Reads the change feed: events that {@link StoreWrites#appendEvents} wrote in transactions
     * that have committed, in feed order (see the package documentation).
     *
     * @param after the position of the last event the reader has
     * @param limit the most events to return, at least 1
     * @return the events after {@code after}, ascending by position; the next ones are the ones after the last of these
     * @throws org.membership.api.UnableToPersistException if the store could not be read
     */
    List<FeedEvent> changes(FeedPosition after, int limit);

    /**
     * @return the position of the last event committed to the feed, {@link FeedPosition#START} if none
     * @throws org.membership.api.UnableToPersistException if the store could not be read
     */
    FeedPosition head();

    /**
     * Waits until an event after {@code after} may have been committed, by this process or (for a
     * shared database) any other, or until the timeout: a hint for followers, which then read
     * {@link #changes}. May return early and without cause; never later than the timeout by more
     * than the store's polling interval.
     *
     * @param after the position the follower has reached
     * @param timeout how long to wait at most
     * @throws InterruptedException if the thread was interrupted while waiting
     */
    void awaitChanges(FeedPosition after, Duration timeout) throws InterruptedException;
}
