package org.membership.api;

/**
 * Receives a consumer's events from the change feed, one at a time, in feed order, at least once:
 * an event whose delivery was under way when an instance stopped is delivered again, so a listener
 * de-duplicates by {@link FeedEvent#id()} where that matters. Returning normally acknowledges the
 * event; throwing makes the consumer try again later (see {@link FeedConsumer}).
 *
 * <p>Called from one thread at a time for one subscription; an implementation shared by several
 * subscriptions must be thread-safe.
 */
@FunctionalInterface
public interface FeedListener {
    /**
     * Handles one event.
     *
     * @param event the event
     * @throws Exception to have the event delivered again, after a pause, until the consumer's attempts run out
     */
    void on(FeedEvent event) throws Exception;

    /**
     * Called instead of events the consumer can no longer get: they were pruned from the feed
     * before it reached them (a consumer delivered to every instance that fell further behind than
     * the feed's retention). A cache would drop everything it holds. Does nothing by default.
     *
     * @param after the consumer's position
     * @param upTo the position of the last event it missed
     */
    default void onGap(FeedPosition after, FeedPosition upTo) {}
}
