package org.membership.spring.autoconfigure;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.membership.api.FeedConsumer;
import org.membership.api.Membership;
import org.membership.api.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The application's {@link FeedConsumer} beans, each subscribed to the change feed when the
 * application context starts and closed when it stops (before the store closes). The bean to ask
 * for a consumer's {@link Subscription}, for example to let an access cache catch up:
 *
 * <pre>{@code
 * @Bean
 * FeedConsumer accessCache(AccessCache cache) {
 *     return FeedConsumer.named("access-cache", event -> cache.invalidate(event.event()))
 *             .delivery(FeedConsumer.Delivery.EVERY_INSTANCE).build();
 * }
 *
 * subscriptions.subscription("access-cache").orElseThrow().catchUp(Duration.ofSeconds(2));
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class FeedSubscriptions implements SmartLifecycle {
    /**
     * The lifecycle phase: consumers start before the web server takes requests and stop after it
     * has stopped taking them, so that the requests still under way see their caches followed.
     */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;
    private static final Logger LOG = LoggerFactory.getLogger(FeedSubscriptions.class);

    private final Membership membership;
    private final List<FeedConsumer> consumers;
    private final Map<String, Subscription> running = Collections.synchronizedMap(new LinkedHashMap<>());
    private volatile boolean started;

    FeedSubscriptions(Membership membership, List<FeedConsumer> consumers) {
        this.membership = Objects.requireNonNull(membership, "membership");
        this.consumers = List.copyOf(consumers);
    }

    /**
     * @param consumer a consumer bean's name ({@link FeedConsumer#name()})
     * @return its subscription, while the application runs
     * @throws NullPointerException if consumer is null
     */
    public Optional<Subscription> subscription(String consumer) {
        return Optional.ofNullable(running.get(Objects.requireNonNull(consumer, "consumer")));
    }

    /** @return the names of the consumer beans, in the order they are subscribed */
    public List<String> consumers() {
        return consumers.stream().map(FeedConsumer::name).toList();
    }

    /** Subscribes every consumer bean; one that cannot be subscribed stops the start-up, closing the others. */
    @Override
    public synchronized void start() {
        if (started) {
            return;
        }
        try {
            for (FeedConsumer consumer : consumers) {
                running.put(consumer.name(), membership.changes().subscribe(consumer));
            }
        } catch (RuntimeException e) {
            closeAll();
            throw e;
        }
        started = true;
    }

    /** Closes every subscription, the last subscribed first. */
    @Override
    public synchronized void stop() {
        closeAll();
        started = false;
    }

    private void closeAll() {
        List<Subscription> subscriptions;
        synchronized (running) {
            subscriptions = new ArrayList<>(running.values());
            running.clear();
        }
        Collections.reverse(subscriptions);
        for (Subscription subscription : subscriptions) {
            try {
                subscription.close();
            } catch (RuntimeException e) {
                LOG.warn("could not close the feed subscription of {}", subscription.consumer(), e);
            }
        }
    }

    @Override
    public boolean isRunning() {
        return started;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** @return a subscribed consumer's lag as its subscription knows it, or NaN if it is not subscribed or cannot be read */
    double lag(String consumer) {
        Subscription subscription = running.get(consumer);
        if (subscription == null) {
            return Double.NaN;
        }
        try {
            return subscription.status().lag();
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }
}
