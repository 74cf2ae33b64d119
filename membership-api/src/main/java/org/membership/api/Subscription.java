package org.membership.api;

import java.time.Duration;

/**
 * A consumer subscribed on this instance: its events are delivered on a thread of its own until it
 * is closed.
 *
 * <pre>{@code
 * // Before answering from a cache that follows the feed, let it apply every change committed so far,
 * // by any instance: a user removed through another instance is refused here on the next request.
 * if (!cache.catchUp(Duration.ofSeconds(2))) {
 *     return serviceUnavailable();
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public interface Subscription extends AutoCloseable {
    /** @return the consumer's name */
    String consumer();

    /**
     * @return the last event the consumer has passed, as this instance knows it: for
     *         {@link FeedConsumer.Delivery#EVERY_INSTANCE} this instance's own position; otherwise the
     *         position this instance last stored or read
     */
    FeedPosition position();

    /**
     * Waits until the consumer has passed {@code position} (delivered or parked every event up to it),
     * on this instance for {@link FeedConsumer.Delivery#EVERY_INSTANCE}, on whichever instance
     * delivers it otherwise.
     *
     * @param position for example a change's {@link Outcome#position()}
     * @param timeout how long to wait at most
     * @return whether it has; false if the time ran out or the subscription is closed
     * @throws NullPointerException if an argument is null
     * @throws InterruptedException if the thread was interrupted while waiting
     * @throws UnableToPersistException if the store could not be read
     */
    boolean awaitPosition(FeedPosition position, Duration timeout) throws InterruptedException;

    /**
     * Waits until the consumer has passed every event committed before this call, by any instance
     * ({@link #awaitPosition} with the feed's head). When nothing new was committed it costs one read
     * of the feed's head; for {@link FeedConsumer.Delivery#EVERY_INSTANCE} the events it waits for are
     * delivered on the calling thread.
     *
     * @param timeout how long to wait at most
     * @return whether it has
     * @throws NullPointerException if timeout is null
     * @throws InterruptedException if the thread was interrupted while waiting
     * @throws UnableToPersistException if the store could not be read
     */
    boolean catchUp(Duration timeout) throws InterruptedException;

    /**
     * @return the consumer's position, lag and parked events
     * @throws UnableToPersistException if the store could not be read
     */
    ConsumerStatus status();

    /** Stops delivering on this instance; one delivering under a lease gives it up at once. Idempotent. */
    @Override
    void close();
}
