package org.membership.jdbi;

import java.time.Duration;
import java.util.function.Supplier;
import org.membership.api.FeedPosition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes a store's waiting followers of the change feed: at once for changes this store committed,
 * as soon as a notification arrives for changes of other processes (where the database sends them),
 * and otherwise by looking at the feed's head every poll interval. Thread-safe.
 */
final class FeedWakeups implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FeedWakeups.class);
    /** How often to look at the head, at least, while notifications are known to arrive. */
    static final Duration POLL_WHILE_LISTENING = Duration.ofSeconds(1);

    /**
     * Starts receiving other processes' notifications of changes, on a thread of its own. A
     * notification is a hint to look at the head, not a head: a channel is the database's, so a store
     * of another schema with the same table prefix notifies on it too.
     */
    @FunctionalInterface
    interface Listening {
        /**
         * @param nudge called for each notification
         * @return what stops it, and says whether it is receiving now
         */
        Listener start(Runnable nudge);
    }

    /** A running notification listener. */
    interface Listener extends AutoCloseable {
        /** @return whether it is connected and listening now */
        boolean receiving();

        @Override
        void close();
    }

    private final long pollNanos;
    private final Listening listening;
    /** Guarded by this. */
    private long known;
    /** Guarded by this: notifications received, and how many of them the latest head read began after. */
    private long nudges;
    private long readAfter;
    private Listener listener;
    private boolean closed;

    /**
     * @param poll how often to look at the head when no notification is known to arrive
     * @param listening how to hear of other processes' changes; null where the database sends nothing (SQLite)
     */
    FeedWakeups(Duration poll, Listening listening) {
        this.pollNanos = poll.toNanos();
        this.listening = listening;
    }

    /** A change that this store committed reached {@code head}. */
    void committed(FeedPosition head) {
        heard(head.value());
    }

    private synchronized void heard(long head) {
        if (head > known) {
            known = head;
            notifyAll();
        }
    }

    /**
     * Another process may have committed a change: the next waiter reads the head, now or, if none
     * waits, as soon as one starts (a notification that arrived between a follower's read and its wait
     * is not lost).
     */
    private synchronized void nudged() {
        nudges++;
        notifyAll();
    }

    /**
     * Waits until the feed's head is past {@code after}, or the timeout.
     *
     * @param head reads the head from the database
     */
    void await(FeedPosition after, Duration timeout, Supplier<FeedPosition> head) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long poll = startListening();
        while (true) {
            long reading;
            synchronized (this) {
                if (known > after.value()) {
                    return;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || closed) {
                    return;
                }
                if (nudges == readAfter) { // no notification since the latest head read began: wait for one
                    wait(Math.max(1, Math.min(left, poll) / 1_000_000));
                    if (known > after.value()) {
                        return;
                    }
                }
                reading = nudges;
            }
            if (deadline - System.nanoTime() <= 0) {
                return;
            }
            long read = head.get().value(); // sees every change notified up to `reading`: a notification follows its commit
            synchronized (this) {
                readAfter = Math.max(readAfter, reading);
                heard(read);
            }
        }
    }

    /** @return the poll interval to use now */
    private synchronized long startListening() {
        if (listening == null || closed) {
            return pollNanos;
        }
        if (listener == null) {
            try {
                listener = listening.start(this::nudged);
            } catch (RuntimeException e) {
                LOG.warn("cannot listen for changes of other processes; polling instead", e);
                return pollNanos;
            }
        }
        return listener.receiving() ? Math.max(pollNanos, POLL_WHILE_LISTENING.toNanos()) : pollNanos;
    }

    @Override
    public void close() {
        Listener stopping;
        synchronized (this) {
            closed = true;
            stopping = listener;
            listener = null;
            notifyAll();
        }
        if (stopping != null) {
            stopping.close();
        }
    }
}
