package org.membership.spring.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.membership.api.ChangeFeed;
import org.membership.api.ConsumerStatus;
import org.membership.api.FeedConsumer;
import org.membership.api.Membership;
import org.membership.core.spi.MembershipStore;
import org.membership.jdbi.JdbiStore;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.util.ClassUtils;

/**
 * The library's health: up when the store answers (its kind, its schema version and the change
 * feed's head), with every consumer's position, lag and parked events; down, with the failure, when
 * the store cannot be read. Thread-safe.
 */
final class MembershipHealthIndicator extends AbstractHealthIndicator {
    private static final boolean JDBI = ClassUtils.isPresent("org.membership.jdbi.JdbiStore",
            MembershipHealthIndicator.class.getClassLoader());

    private final Membership membership;
    private final MembershipStore store;
    private final FeedSubscriptions subscriptions;

    MembershipHealthIndicator(Membership membership, MembershipStore store, FeedSubscriptions subscriptions) {
        super("the membership store cannot be read");
        this.membership = Objects.requireNonNull(membership, "membership");
        this.store = Objects.requireNonNull(store, "store");
        this.subscriptions = Objects.requireNonNull(subscriptions, "subscriptions");
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        ChangeFeed feed = membership.changes();
        builder.withDetail("store", store.getClass().getSimpleName());
        if (JDBI && store instanceof JdbiStore jdbi) {
            builder.withDetail("schemaVersion", jdbi.schemaVersion());
        }
        builder.withDetail("head", feed.head().value());
        Map<String, Object> consumers = new TreeMap<>();
        for (ConsumerStatus status : feed.consumers()) {
            consumers.put(status.name(), details(status));
        }
        for (String name : subscriptions.consumers()) {
            subscriptions.subscription(name)
                    .filter(s -> !consumers.containsKey(name))
                    .ifPresent(s -> consumers.put(name, details(s.status())));
        }
        builder.withDetail("consumers", consumers).up();
    }

    private static Map<String, Object> details(ConsumerStatus status) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("delivery", status.delivery() == FeedConsumer.Delivery.EVERY_INSTANCE ? "every-instance"
                : "one-instance-at-a-time");
        out.put("position", status.position().value());
        out.put("lag", status.lag());
        out.put("parked", status.parked().size());
        status.owner().ifPresent(owner -> out.put("owner", owner));
        return out;
    }
}
