package org.membership.core;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.membership.api.FeedConsumer;
import org.membership.api.FeedEvent;
import org.membership.api.FeedPosition;
import org.membership.api.Subscription;

/**
 * What both kinds of subscription share: the delivery thread, offering an event to the listener with
 * retries, interruptible waits, and waiting for a position. Thread-safe.
 */
abstract class FeedSubscription implements Subscription, Runnable {
    private static final System.Logger LOG = System.getLogger(FeedSubscription.class.getName());
    /** How long the delivery thread pauses after the store failed, before trying again. */
    static final Duration AFTER_FAILURE = Duration.ofMillis(500);
    /** The longest an {@link #awaitPosition} waits between two looks at a position it cannot be told about. */
    static final long LOOK_AGAIN_MS = 20;

    final EngineFeed feed;
    final FeedConsumer consumer;
    private final Thread thread;
    /** Guarded by this: whether the delivery thread is in a wait that close() may interrupt. */
    private boolean waiting;
    private volatile boolean closed;
    /** Signalled whenever the position moves. */
    final Object progress = new Object();
    volatile FeedPosition position;

    FeedSubscription(EngineFeed feed, FeedConsumer consumer, FeedPosition position) {
        this.feed = feed;
        this.consumer = consumer;
        this.position = position;
        this.thread = new Thread(this, "membership-feed-" + consumer.name());
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    @Override
    public final String consumer() {
        return consumer.name();
    }

    @Override
    public final FeedPosition position() {
        return position;
    }

    final boolean closed() {
        return closed;
    }

    /** Moves the position and wakes whoever awaits it. */
    final void advanceTo(FeedPosition reached) {
        synchronized (progress) {
            position = reached;
            progress.notifyAll();
        }
    }

    @Override
    public final void run() {
        try {
            deliver();
        } catch (Error e) {
            LOG.log(System.Logger.Level.ERROR, "feed consumer " + consumer.name() + " stopped", e);
            throw e;
        } finally {
            stopped();
            feed.ended(this);
        }
    }

    /** The delivery loop; returns once {@link #closed()}. */
    abstract void deliver();

    /** Runs on the delivery thread after the loop ended. */
    void stopped() {}

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (waiting) {
                thread.interrupt();
            }
        }
        synchronized (progress) {
            progress.notifyAll();
        }
        if (Thread.currentThread() != thread) {
            try {
                thread.join(feed.settings.pollInterval().toMillis() + AFTER_FAILURE.toMillis() + 5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A wait of the delivery thread that {@link #close()} cuts short. */
    @FunctionalInterface
    interface Wait {
        void run() throws InterruptedException;
    }

    /** @return false if the subscription was closed before or during the wait */
    final boolean interruptibly(Wait wait) {
        synchronized (this) {
            if (closed) {
                return false;
            }
            waiting = true;
        }
        try {
            wait.run();
        } catch (InterruptedException e) {
            // close() interrupted the wait; the loop looks at closed() next
        } finally {
            synchronized (this) {
                waiting = false;
                Thread.interrupted(); // an interrupt meant for this wait must not reach the next statement
            }
        }
        return !closed;
    }

    final boolean pause(Duration duration) {
        return interruptibly(() -> Thread.sleep(Math.max(1, duration.toMillis())));
    }

    /** What offering an event came to. */
    record Offered(boolean delivered, int attempts, String error) {}

    /**
     * Offers an event to the listener until it returns or the consumer's attempts run out, pausing
     * between attempts.
     *
     * @param stillMine asked between attempts: false gives up (the instance lost the consumer)
     * @param attempts how many attempts to make at most (the consumer's, or 1 for a delivery on a caller's thread)
     * @return delivered, or the failure to park; null if the subscription closed or {@code stillMine} said no
     */
    final Offered offer(FeedEvent event, BooleanSupplier stillMine, int attempts) {
        Duration pause = consumer.firstRetry();
        for (int attempt = 1; ; attempt++) {
            try {
                consumer.listener().on(event);
                return new Offered(true, attempt, "");
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                String error = describe(e);
                if (attempt >= attempts) {
                    return new Offered(false, attempt, error);
                }
                LOG.log(System.Logger.Level.WARNING, "feed consumer " + consumer.name() + " failed on event "
                        + event.id() + " (attempt " + attempt + " of " + consumer.maxAttempts() + "); retrying in "
                        + pause.toMillis() + " ms: " + error);
                if (!pause(pause) || !stillMine.getAsBoolean()) {
                    return null;
                }
                pause = pause.multipliedBy(2).compareTo(consumer.maxRetry()) > 0 ? consumer.maxRetry() : pause.multipliedBy(2);
            }
        }
    }

    /** Tells the listener about events it can no longer get; a failure there is logged, not retried. */
    final void gapBefore(FeedEvent event) {
        FeedPosition from = position;
        if (event.position().value() > from.value() + 1 && !from.equals(FeedPosition.START)) {
            try {
                consumer.listener().onGap(from, FeedPosition.of(event.position().value() - 1));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "feed consumer " + consumer.name() + " failed on a gap", e);
            }
        }
    }

    static String describe(Throwable e) {
        String text = e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return text.length() <= 1000 ? text : text.substring(0, 1000);
    }

    /** @return the position as whoever delivers the consumer last stored it, read now */
    abstract FeedPosition reached();

    @Override
    public final boolean awaitPosition(FeedPosition target, Duration timeout) throws InterruptedException {
        Objects.requireNonNull(target, "position");
        Objects.requireNonNull(timeout, "timeout");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!target.isAfter(position) || !target.isAfter(reached())) {
                return true;
            }
            long left = deadline - System.nanoTime();
            if (closed || left <= 0) {
                return false;
            }
            synchronized (progress) {
                if (target.isAfter(position) && !closed) {
                    progress.wait(Math.max(1, Math.min(LOOK_AGAIN_MS, left / 1_000_000)));
                }
            }
        }
    }
}
