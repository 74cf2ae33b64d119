package org.membership.api;

import java.util.List;
import java.util.Optional;

/**
 * The store's change feed: every event of every committed change, written in the same transaction
 * as the change (a transactional outbox), read back in commit order. Events reach
 * {@link MembershipListener}s in the process that made the change at once; the feed is how every
 * other process, and every process after a crash, hears of them.
 *
 * <pre>{@code
 * ChangeFeed feed = membership.changes();
 * FeedPosition after = FeedPosition.START;
 * for (List<FeedEvent> page; !(page = feed.read(after, 100)).isEmpty(); ) {
 *     page.forEach(this::apply);
 *     after = page.get(page.size() - 1).position();
 * }
 * }</pre>
 *
 * <p>Guarantees: positions are dense and follow commit order (the events of one change are adjacent,
 * in the order the change made them); a reader that passes the position of the last event it saw
 * gets every later event exactly once, however the writers' transactions interleave; events are kept
 * until every consumer stored with {@link FeedConsumer.Delivery#ONE_INSTANCE_AT_A_TIME} has passed
 * them and the retention has elapsed, then pruned oldest first.
 *
 * <p>Thread-safe.
 */
public interface ChangeFeed {
    /**
     * @param after the position of the last event already seen ({@link FeedPosition#START} for the oldest kept)
     * @param limit the most events to return, 1 to 1000
     * @return the committed events after {@code after}, in feed order; empty if there are none yet
     * @throws NullPointerException if after is null
     * @throws InvalidInputException naming {@code limit} if it is outside 1 to 1000
     * @throws UnableToPersistException if the store could not be read
     */
    List<FeedEvent> read(FeedPosition after, int limit);

    /**
     * @return the position of the last committed event ({@link FeedPosition#START} if none ever was)
     * @throws UnableToPersistException if the store could not be read
     */
    FeedPosition head();

    /**
     * Starts delivering the feed to a consumer on a thread of this instance.
     *
     * @param consumer what to deliver to and how
     * @return the subscription; close it to stop
     * @throws NullPointerException if consumer is null
     * @throws IllegalStateException if a consumer of that name is already subscribed through this feed
     * @throws UnableToPersistException if the store could not be read
     */
    Subscription subscribe(FeedConsumer consumer);

    /**
     * @return every consumer stored in the store (those delivered one instance at a time), by name
     * @throws UnableToPersistException if the store could not be read
     */
    List<ConsumerStatus> consumers();

    /**
     * @param name a stored consumer's name
     * @return its status, if it is stored
     * @throws InvalidInputException naming {@code consumer} if the name is not valid
     * @throws UnableToPersistException if the store could not be read
     */
    Optional<ConsumerStatus> consumer(String name);

    /**
     * Forgets a stored consumer, its position and its parked events, so that it no longer holds back
     * pruning; a subscription of it that is still running stores it again.
     *
     * @param name the consumer's name
     * @return whether it was stored
     * @throws InvalidInputException naming {@code consumer} if the name is not valid
     * @throws UnableToPersistException if the store failed
     */
    boolean removeConsumer(String name);

    /**
     * Deletes, oldest first, the events that every stored consumer has passed and that are older than
     * the retention. The library also does this by itself from time to time.
     *
     * @return how many events it deleted
     * @throws UnableToPersistException if the store failed
     */
    int prune();
}
