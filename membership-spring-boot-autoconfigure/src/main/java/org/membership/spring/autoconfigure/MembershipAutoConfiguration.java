package org.membership.spring.autoconfigure;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.util.List;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.membership.api.FeedConsumer;
import org.membership.api.Membership;
import org.membership.api.MembershipEvent;
import org.membership.api.MembershipListener;
import org.membership.api.MembershipRules;
import org.membership.core.FeedSettings;
import org.membership.core.MembershipEngine;
import org.membership.core.spi.MembershipStore;
import org.membership.jdbi.JdbiStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;

/**
 * Auto-configuration of the library in a Spring Boot application: the {@link MembershipStore} that
 * {@code membership.store.*} describes (on the application's {@link DataSource}, joining its
 * transactions, when it has one), the {@link Membership} engine under {@code membership.rules.*},
 * its events published as application events after commit, every {@link FeedConsumer} bean
 * subscribed ({@link FeedSubscriptions}), a health indicator, and Micrometer observations, timers
 * and gauges where the application has Micrometer. Each bean backs off when the application defines
 * its own of that type.
 *
 * <p>Thread-safe, as every bean it makes is.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
        "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"})
@EnableConfigurationProperties(MembershipProperties.class)
public class MembershipAutoConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(MembershipAutoConfiguration.class);
    private static final boolean SPRING_JDBC = ClassUtils.isPresent(
            "org.springframework.jdbc.datasource.ConnectionHolder", MembershipAutoConfiguration.class.getClassLoader());

    /** Made by Spring. */
    public MembershipAutoConfiguration() {}

    /**
     * @param properties the {@code membership.*} properties
     * @param dataSource the application's DataSource, if it has exactly one
     * @return the store {@code membership.store.*} describes, its schema up to date; closed with the context
     */
    @Bean
    @ConditionalOnMissingBean
    MembershipStore membershipStore(MembershipProperties properties, ObjectProvider<DataSource> dataSource) {
        return Stores.open(properties.getStore(), SPRING_JDBC ? dataSource.getIfUnique() : null);
    }

    /**
     * @return the engine over the store, under the rules bean if there is one ({@code membership.rules.*}
     *         otherwise), with every {@link MembershipListener} bean; observed when there is an observation registry
     */
    @Bean
    @ConditionalOnMissingBean
    Membership membership(MembershipStore store, MembershipProperties properties,
                          ObjectProvider<MembershipRules> rules, ObjectProvider<FeedSettings> feed,
                          ObjectProvider<MembershipListener> listeners, ApplicationEventPublisher events,
                          ObjectProvider<ObservationRegistry> observations,
                          ObjectProvider<StoreInstrumentation> instrumentation) {
        MembershipStore instrumented = store;
        for (StoreInstrumentation each : instrumentation.orderedStream().toList()) {
            instrumented = each.apply(instrumented);
        }
        MembershipEngine.Builder builder = MembershipEngine.builder(instrumented)
                .rules(rules.getIfAvailable(() -> properties.getRules().toRules()))
                .feed(feed.getIfAvailable(() -> properties.getFeed().toSettings()))
                .listener(new ListenerBeans(listeners));
        if (properties.getEvents().isPublish()) {
            builder.listener(events::publishEvent);
        }
        Membership engine = builder.build();
        ObservationRegistry registry = observations.getIfAvailable(() -> ObservationRegistry.NOOP);
        return registry.isNoop() ? engine : new ObservedMembership(engine, registry);
    }

    /**
     * @return every {@link FeedConsumer} bean, subscribed while the context runs
     */
    @Bean
    @ConditionalOnMissingBean
    FeedSubscriptions membershipFeedSubscriptions(Membership membership, ObjectProvider<FeedConsumer> consumers) {
        return new FeedSubscriptions(membership, consumers.orderedStream().toList());
    }

    /** What wraps the store the engine uses: the timed store, where the application has a meter registry. */
    @FunctionalInterface
    interface StoreInstrumentation extends UnaryOperator<MembershipStore> {}

    /**
     * The {@link MembershipListener} beans, looked up at the first event (a listener may itself need
     * the {@link Membership} bean), each called on its own: one that throws is logged and the others
     * still hear the event, as the engine does with its own listeners.
     */
    static final class ListenerBeans implements MembershipListener {
        private final ObjectProvider<MembershipListener> beans;
        private volatile List<MembershipListener> resolved;

        ListenerBeans(ObjectProvider<MembershipListener> beans) {
            this.beans = beans;
        }

        @Override
        public void on(MembershipEvent event) {
            List<MembershipListener> listeners = resolved;
            if (listeners == null) {
                listeners = beans.orderedStream().toList();
                resolved = listeners;
            }
            for (MembershipListener listener : listeners) {
                try {
                    listener.on(event);
                } catch (RuntimeException e) {
                    LOG.warn("membership listener {} failed on {}", listener, event.getClass().getSimpleName(), e);
                }
            }
        }
    }

    /** The health indicator, where the application has Spring Boot's health support. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    @ConditionalOnEnabledHealthIndicator("membership")
    static class HealthConfiguration {
        @Bean
        @ConditionalOnMissingBean(name = "membershipHealthIndicator")
        MembershipHealthIndicator membershipHealthIndicator(Membership membership, MembershipStore store,
                                                            FeedSubscriptions subscriptions) {
            return new MembershipHealthIndicator(membership, store, subscriptions);
        }
    }

    /** Timers of the store's transactions and retries, and each consumer's lag, where the application has Micrometer's meters. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
    static class MetricsConfiguration {
        static final String LAG = "membership.feed.lag";

        @Bean
        StoreInstrumentation membershipStoreTimers(ObjectProvider<MeterRegistry> registries) {
            return store -> {
                MeterRegistry registry = registries.getIfUnique();
                if (registry == null) {
                    return store;
                }
                if (ClassUtils.isPresent("org.membership.jdbi.JdbiStore", MetricsConfiguration.class.getClassLoader())
                        && store instanceof JdbiStore jdbi) {
                    var retries = TimedStore.retries(registry);
                    jdbi.retryListener((attempt, lost, cause) -> retries.record(lost));
                }
                return new TimedStore(store, registry);
            };
        }

        @Bean
        FeedLagGauges membershipFeedLagGauges(ObjectProvider<MeterRegistry> registries, FeedSubscriptions subscriptions) {
            MeterRegistry registry = registries.getIfUnique();
            if (registry != null) {
                for (String consumer : subscriptions.consumers()) {
                    Gauge.builder(LAG, subscriptions, s -> s.lag(consumer))
                            .description("Committed events the feed consumer has not passed yet")
                            .tag("consumer", consumer).register(registry);
                }
            }
            return new FeedLagGauges();
        }

        /** Marks that the lag gauges are registered. */
        static final class FeedLagGauges {}
    }
}
