package org.membership.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.common.KeyValue;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.membership.api.Actor;
import org.membership.api.ChangeFeed;
import org.membership.api.Command;
import org.membership.api.Decision;
import org.membership.api.FeedConsumer;
import org.membership.api.FeedEvent;
import org.membership.api.FeedPosition;
import org.membership.api.Membership;
import org.membership.api.MembershipEvent;
import org.membership.api.MembershipListener;
import org.membership.api.MembershipRules;
import org.membership.api.Operation;
import org.membership.api.Outcome;
import org.membership.api.Presets;
import org.membership.api.Reason;
import org.membership.api.UnableToPersistException;
import org.membership.core.FeedSettings;
import org.membership.core.MembershipEngine;
import org.membership.core.spi.MembershipStore;
import org.membership.core.spi.StoreTransaction;
import org.membership.inmemory.InMemoryStore;
import org.membership.jdbi.JdbiStore;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The auto-configuration in small application contexts: which store and engine it makes, how the
 * properties bind, where it backs off, and what it adds (events, consumers, health, observations,
 * meters).
 *
 * <p>Not thread-safe itself; JUnit runs one test per instance.
 */
final class MembershipAutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(MembershipAutoConfiguration.class));
    private final ApplicationContextRunner inMemory = runner.withPropertyValues("membership.store.kind=in-memory");

    @TempDir
    Path directory;

    // ---- the store and the engine ---------------------------------------------------------

    @Test
    void inMemory_givesAnInMemoryStore_andAnEngineOverIt() {
        inMemory.run(context -> {
            assertThat(context).hasSingleBean(Membership.class).hasSingleBean(FeedSubscriptions.class);
            assertThat(context.getBean(MembershipStore.class)).isInstanceOf(InMemoryStore.class);
            assertThat(context.getBean(Membership.class)).isInstanceOf(MembershipEngine.class);
            World world = World.create(context.getBean(Membership.class), "in-memory");
            assertThat(world.bobInDesign(context.getBean(Membership.class))).isTrue();
        });
    }

    @Test
    void withoutADataSource_theStoreIsTheConfiguredSqliteFile() {
        Path file = directory.resolve("members.db");
        runner.withPropertyValues("membership.store.sqlite.file=" + file, "membership.store.table-prefix=m_",
                "membership.store.sqlite.durability=normal").run(context -> {
            assertThat(context.getBean(MembershipStore.class)).isInstanceOf(JdbiStore.class);
            World.create(context.getBean(Membership.class), "file");
            assertThat(Files.exists(file)).isTrue();
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement();
                 var rows = s.executeQuery("SELECT count(*) FROM m_workspace_members")) {
                rows.next();
                assertThat(rows.getInt(1)).isEqualTo(2);
            }
        });
    }

    @Test
    void aStoreOfTheApplications_isUsed_andNoneIsMade() {
        InMemoryStore own = new InMemoryStore();
        runner.withBean(MembershipStore.class, () -> own).run(context -> {
            assertThat(context.getBean(MembershipStore.class)).isSameAs(own);
            World world = World.create(context.getBean(Membership.class), "own");
            assertThat(own.<Boolean>read(tx -> tx.workspaceMember(world.design(), world.bob()).isPresent())).isTrue();
        });
    }

    @Test
    void aMembershipOfTheApplications_isUsed_andItsConsumersAreSubscribedToIt() {
        InMemoryStore store = new InMemoryStore();
        Membership own = MembershipEngine.builder(store).build();
        List<MembershipEvent> consumed = new CopyOnWriteArrayList<>();
        inMemory.withBean(Membership.class, () -> own)
                .withBean(FeedConsumer.class, () -> FeedConsumer.named("mine", e -> consumed.add(e.event()))
                        .delivery(FeedConsumer.Delivery.EVERY_INSTANCE).build())
                .run(context -> {
                    assertThat(context.getBean(Membership.class)).isSameAs(own);
                    FeedSubscriptions subscriptions = context.getBean(FeedSubscriptions.class);
                    World.create(own, "own-engine");
                    assertThat(subscriptions.subscription("mine").orElseThrow().catchUp(Duration.ofSeconds(30))).isTrue();
                    assertThat(consumed).hasSize((int) own.changes().head().value()).isNotEmpty();
                });
    }

    @Test
    void kindPostgresql_withNeitherADataSourceNorAUrl_failsToStart_namingBoth() {
        runner.withPropertyValues("membership.store.kind=postgresql").run(context -> assertThat(context)
                .hasFailed().getFailure().rootCause().hasMessageContaining("DataSource")
                .hasMessageContaining("membership.store.postgresql.url"));
    }

    @Test
    void kindPostgresql_onASqliteDataSource_failsToStart_sayingSo() {
        runner.withPropertyValues("membership.store.kind=postgresql")
                .withBean(javax.sql.DataSource.class, this::sqliteDataSource)
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("the application's DataSource is sqlite"));
    }

    @Test
    void aSqliteDataSource_withUseHostDataSourceOff_isLeftAlone_forAFileOfTheStoresOwn() {
        Path file = directory.resolve("apart.db");
        runner.withPropertyValues("membership.store.use-host-data-source=false", "membership.store.sqlite.file=" + file)
                .withBean(javax.sql.DataSource.class, this::sqliteDataSource)
                .run(context -> {
                    World.create(context.getBean(Membership.class), "apart");
                    assertThat(Files.exists(file)).isTrue();
                    assertThat(Files.exists(directory.resolve("host.db"))).isFalse();
                });
    }

    private javax.sql.DataSource sqliteDataSource() {
        org.sqlite.SQLiteConfig config = new org.sqlite.SQLiteConfig();
        config.enforceForeignKeys(true);
        org.sqlite.SQLiteDataSource dataSource = new org.sqlite.SQLiteDataSource(config);
        dataSource.setUrl("jdbc:sqlite:" + directory.resolve("host.db"));
        return dataSource;
    }

    // ---- properties ----------------------------------------------------------------------------

    @Test
    void rulesPresetAndOverrides_decideTheEnginesAnswers() {
        inMemory.withPropertyValues("membership.rules.preset=paradigm-company").run(context -> {
            Membership membership = context.getBean(Membership.class);
            World world = World.create(membership, "preset");
            assertThat(refusal(world, membership)).as("P1: company admins remove; alice is one").isNull();
        });
        inMemory.withPropertyValues("membership.rules.preset=flashback",
                "membership.rules.required-authority.remove-workspace-member=instance-admin").run(context -> {
            Membership membership = context.getBean(Membership.class);
            World world = World.create(membership, "override");
            assertThat(refusal(world, membership)).isEqualTo(Reason.INSUFFICIENT_AUTHORITY);
        });
    }

    @Test
    void rulesBinding_coversEveryField() {
        inMemory.withPropertyValues("membership.rules.preset=anthropic-admin",
                "membership.rules.required-authority.LIST_AUDIT_TRAIL=member",
                "membership.rules.self-removal=allowed-while-another-admin-remains",
                "membership.rules.organization-admin-removal=by-organization-admins",
                "membership.rules.invitation-lifetime=14d").run(context -> {
            MembershipRules rules = context.getBean(MembershipProperties.class).getRules().toRules();
            MembershipRules expected = Presets.anthropicAdmin().toBuilder()
                    .requireAuthority(Operation.LIST_AUDIT_TRAIL, org.membership.api.AuthorityLevel.MEMBER)
                    .selfRemoval(org.membership.api.SelfRemoval.ALLOWED_WHILE_ANOTHER_ADMIN_REMAINS)
                    .organizationAdminRemoval(org.membership.api.OrganizationAdminRemoval.BY_ORGANIZATION_ADMINS)
                    .invitationLifetime(Duration.ofDays(14)).build();
            assertThat(rules).isEqualTo(expected);
        });
    }

    @Test
    void everyPreset_isTheLibrarysPreset() {
        Map<MembershipProperties.RulesPreset, MembershipRules> library = Map.of(
                MembershipProperties.RulesPreset.DEFAULTS, MembershipRules.defaults(),
                MembershipProperties.RulesPreset.FLASHBACK, Presets.flashback(),
                MembershipProperties.RulesPreset.PARADIGM_COMPANY, Presets.paradigmCompany(),
                MembershipProperties.RulesPreset.PARADIGM_INSTANCE, Presets.paradigmInstance(),
                MembershipProperties.RulesPreset.ANTHROPIC_ADMIN, Presets.anthropicAdmin(),
                MembershipProperties.RulesPreset.FACTORY, Presets.factory());
        for (MembershipProperties.RulesPreset preset : MembershipProperties.RulesPreset.values()) {
            assertThat(preset.rules()).as(preset.name()).isEqualTo(library.get(preset));
        }
    }

    @Test
    void aRulesBeanOfTheApplications_winsOverTheProperties() {
        MembershipRules strict = MembershipRules.defaults().toBuilder()
                .requireAuthority(Operation.REMOVE_WORKSPACE_MEMBER, org.membership.api.AuthorityLevel.INSTANCE_ADMIN)
                .build();
        inMemory.withPropertyValues("membership.rules.preset=paradigm-company")
                .withBean(MembershipRules.class, () -> strict).run(context -> {
                    Membership membership = context.getBean(Membership.class);
                    assertThat(refusal(World.create(membership, "bean"), membership))
                            .isEqualTo(Reason.INSUFFICIENT_AUTHORITY);
                });
    }

    private static Reason refusal(World world, Membership membership) {
        return world.removeBob(membership).refusal().map(r -> r.reason()).orElse(null);
    }

    @Test
    void propertyDefaults_areTheLibrarysDefaults() {
        MembershipProperties properties = new MembershipProperties();
        JdbiStore.Options options = JdbiStore.Options.defaults();
        MembershipProperties.Store store = properties.getStore();
        assertThat(store.getTablePrefix()).isEqualTo(options.tablePrefix());
        assertThat(store.getMaxAttempts()).isEqualTo(options.maxAttempts());
        assertThat(store.getFeedPollInterval()).isEqualTo(options.feedPollInterval());
        assertThat(store.getSqlite().getBusyTimeout()).isEqualTo(options.busyTimeout());
        assertThat(store.getSqlite().getPoolSize()).isEqualTo(options.poolSize());
        assertThat(store.getPostgresql().getPoolSize()).isEqualTo(options.poolSize());
        assertThat(store.getPostgresql().isNotifications()).isEqualTo(options.feedNotifications());
        assertThat(store.getSqlite().getDurability().name()).isEqualTo(options.durability().name());
        FeedSettings feed = FeedSettings.defaults();
        FeedSettings bound = properties.getFeed().toSettings();
        assertThat(bound).isEqualTo(feed.instance(bound.instance()));
        assertThat(properties.getRules().toRules()).isEqualTo(MembershipRules.defaults());
    }

    @Test
    void feedProperties_reachTheEngine() {
        inMemory.withPropertyValues("membership.feed.instance=web-7", "membership.feed.lease=5s").run(context -> {
            Membership membership = context.getBean(Membership.class);
            World.create(membership, "feed");
            CountDownLatch delivered = new CountDownLatch(1);
            try (var subscription = membership.changes().subscribe(FeedConsumer.named("leased", e -> delivered.countDown())
                    .build())) {
                assertThat(delivered.await(30, TimeUnit.SECONDS)).isTrue();
                assertThat(subscription.status().owner()).contains("web-7");
            }
        });
    }

    @Test
    void metadata_hintsEveryOperation_asAKeyOfRequiredAuthority() throws Exception {
        JsonNode hints;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            hints = JsonMapper.builder().build().readTree(in).get("hints");
        }
        Set<String> keys = new TreeSet<>();
        for (JsonNode hint : hints) {
            if (hint.get("name").asString().equals("membership.rules.required-authority.keys")) {
                hint.get("values").forEach(v -> keys.add(v.get("value").asString()));
            }
        }
        Set<String> operations = new TreeSet<>();
        for (Operation operation : Operation.values()) {
            operations.add(operation.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        assertThat(keys).isEqualTo(operations);
    }

    // ---- events and consumers ---------------------------------------------------------------

    @Configuration(proxyBeanMethods = false)
    static class Listeners {
        final List<String> heard = new CopyOnWriteArrayList<>();

        @Bean
        MembershipListener failing() {
            return event -> {
                if (event instanceof MembershipEvent.WorkspaceMemberRemoved) {
                    throw new IllegalStateException("a failing listener");
                }
            };
        }

        @Bean
        MembershipListener recording() {
            return event -> heard.add("listener " + event.getClass().getSimpleName());
        }

        @Bean
        ApplicationListener<PayloadApplicationEvent<MembershipEvent.WorkspaceMemberRemoved>> removals() {
            return event -> heard.add("application event " + event.getPayload().user().value());
        }
    }

    @Test
    void events_reachListenerBeans_andApplicationListeners_evenPastAFailingListener() {
        inMemory.withUserConfiguration(Listeners.class).run(context -> {
            Membership membership = context.getBean(Membership.class);
            World world = World.create(membership, "events");
            Listeners listeners = context.getBean(Listeners.class);
            listeners.heard.clear();
            assertThat(world.removeBob(membership).succeeded()).isTrue();
            assertThat(listeners.heard).containsExactly("listener WorkspaceMemberRemoved",
                    "application event " + world.bob().value());
        });
    }

    @Test
    void applicationEvents_canBeTurnedOff() {
        inMemory.withUserConfiguration(Listeners.class).withPropertyValues("membership.events.publish=false").run(context -> {
            Membership membership = context.getBean(Membership.class);
            World world = World.create(membership, "quiet");
            Listeners listeners = context.getBean(Listeners.class);
            listeners.heard.clear();
            world.removeBob(membership);
            assertThat(listeners.heard).containsExactly("listener WorkspaceMemberRemoved");
        });
    }

    @Test
    void feedConsumerBeans_areSubscribedWhenTheContextStarts_andGiveUpTheirLeaseWhenItCloses() throws Exception {
        InMemoryStore store = new InMemoryStore();
        CountDownLatch delivered = new CountDownLatch(1);
        var context = new org.springframework.context.annotation.AnnotationConfigApplicationContext();
        org.springframework.boot.test.util.TestPropertyValues.of("membership.feed.instance=web-1").applyTo(context);
        context.registerBean(MembershipStore.class, () -> store);
        context.registerBean("revoke", FeedConsumer.class, () -> FeedConsumer.named("revoke", e -> delivered.countDown()).build());
        context.register(MembershipAutoConfiguration.class);
        context.refresh();
        Membership membership = context.getBean(Membership.class);
        World.create(membership, "consumer");
        assertThat(delivered.await(30, TimeUnit.SECONDS)).isTrue();
        FeedSubscriptions subscriptions = context.getBean(FeedSubscriptions.class);
        assertThat(subscriptions.isRunning()).isTrue();
        assertThat(subscriptions.subscription("revoke")).isPresent();
        assertThat(membership.changes().consumer("revoke").orElseThrow().owner()).contains("web-1");

        context.close();

        assertThat(subscriptions.isRunning()).isFalse();
        assertThat(subscriptions.subscription("revoke")).isEmpty();
        ChangeFeed feed = MembershipEngine.builder(store).build().changes();
        assertThat(feed.consumer("revoke").orElseThrow().owner()).as("the lease was given up").isEmpty();
    }

    // ---- health ------------------------------------------------------------------------------

    @Test
    void health_isUp_withTheStoreItsSchemaTheHeadAndEachConsumersLag() {
        Path file = directory.resolve("health.db");
        CountDownLatch hold = new CountDownLatch(1);
        runner.withPropertyValues("membership.store.sqlite.file=" + file)
                .withBean("slow", FeedConsumer.class, () -> FeedConsumer.named("slow", e -> hold.await()).build())
                .run(context -> {
                    Membership membership = context.getBean(Membership.class);
                    World.create(membership, "health");
                    long head = membership.changes().head().value();
                    Health health = context.getBean("membershipHealthIndicator", HealthIndicator.class).health(true);
                    hold.countDown();
                    assertThat(health.getStatus()).isEqualTo(Status.UP);
                    assertThat(health.getDetails()).containsEntry("store", "JdbiStore")
                            .containsEntry("schemaVersion", 5).containsEntry("head", head);
                    @SuppressWarnings("unchecked")
                    Map<String, Map<String, Object>> consumers = (Map<String, Map<String, Object>>) health.getDetails().get("consumers");
                    assertThat(consumers.get("slow")).containsEntry("lag", head).containsEntry("position", 0L)
                            .containsEntry("delivery", "one-instance-at-a-time");
                });
    }

    @Test
    void health_isDown_whenTheStoreCannotBeRead() {
        MembershipStore broken = new Unreachable();
        runner.withBean(MembershipStore.class, () -> broken).run(context -> {
            Health health = context.getBean("membershipHealthIndicator", HealthIndicator.class).health(true);
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(String.valueOf(health.getDetails().get("error"))).contains("the database is gone");
        });
    }

    /** A store whose database is unreachable. */
    private static final class Unreachable implements MembershipStore {
        @Override
        public <T> T write(Function<StoreTransaction, T> work) {
            throw new UnableToPersistException("the database is gone", null);
        }

        @Override
        public <T> T read(Function<StoreTransaction, T> work) {
            throw new UnableToPersistException("the database is gone", null);
        }

        @Override
        public List<FeedEvent> changes(FeedPosition after, int limit) {
            throw new UnableToPersistException("the database is gone", null);
        }

        @Override
        public FeedPosition head() {
            throw new UnableToPersistException("the database is gone", null);
        }

        @Override
        public void awaitChanges(FeedPosition after, Duration timeout) {
            throw new UnableToPersistException("the database is gone", null);
        }
    }

    @Test
    void health_canBeTurnedOff() {
        inMemory.withPropertyValues("management.health.membership.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean("membershipHealthIndicator"));
    }

    // ---- observations and meters ---------------------------------------------------------------

    @Test
    void withoutAnObservationRegistry_theEngineIsNotWrapped() {
        inMemory.run(context -> assertThat(context.getBean(Membership.class)).isInstanceOf(MembershipEngine.class));
    }

    @Test
    void everyCommandAndDryRun_isObserved_withLowCardinalityTagsOnly() {
        ObservationRegistry registry = ObservationRegistry.create();
        List<Observation.Context> stopped = new CopyOnWriteArrayList<>();
        registry.observationConfig().observationHandler(new ObservationHandler<>() {
            @Override
            public boolean supportsContext(Observation.Context context) {
                return true;
            }

            @Override
            public void onStop(Observation.Context context) {
                stopped.add(context);
            }
        });
        inMemory.withBean(ObservationRegistry.class, () -> registry).run(context -> {
            Membership membership = context.getBean(Membership.class);
            assertThat(membership).isInstanceOf(ObservedMembership.class);
            World world = World.create(membership, "observed");
            stopped.clear();
            Decision mayI = membership.check(Actor.user(world.bob()),
                    new Command.RemoveWorkspaceMember(world.design(), world.alice(), ""));
            Outcome<?> removed = world.removeBob(membership);
            assertThat(mayI.refusal()).isPresent();
            assertThat(removed.succeeded()).isTrue();

            assertThat(stopped).hasSize(2);
            assertThat(tags(stopped.get(0))).isEqualTo(Map.of("membership.operation", "remove_workspace_member",
                    "membership.mode", "check", "membership.outcome", "refused",
                    "membership.reason", mayI.refusal().orElseThrow().code()));
            assertThat(tags(stopped.get(1))).isEqualTo(Map.of("membership.operation", "remove_workspace_member",
                    "membership.mode", "execute", "membership.outcome", "success", "membership.reason", "none"));
            for (Observation.Context observed : stopped) {
                assertThat(observed.getName()).isEqualTo("membership.command");
                assertThat(observed.getHighCardinalityKeyValues()).isEmpty();
                assertThat(observed.toString()).doesNotContain(world.bob().value()).doesNotContain(world.alice().value())
                        .doesNotContain("@example.com").doesNotContain(world.design().value());
            }
        });
    }

    @Test
    void aFailingCommand_isObservedAsFailed_withItsError() {
        ObservationRegistry registry = ObservationRegistry.create();
        List<Observation.Context> stopped = new CopyOnWriteArrayList<>();
        registry.observationConfig().observationHandler(new ObservationHandler<>() {
            @Override
            public boolean supportsContext(Observation.Context context) {
                return true;
            }

            @Override
            public void onStop(Observation.Context context) {
                stopped.add(context);
            }
        });
        runner.withBean(MembershipStore.class, Unreachable::new).withBean(ObservationRegistry.class, () -> registry)
                .run(context -> {
                    Membership membership = context.getBean(Membership.class);
                    org.assertj.core.api.Assertions.assertThatThrownBy(() -> World.create(membership, "failing"))
                            .isInstanceOf(UnableToPersistException.class);
                    assertThat(tags(stopped.get(0))).containsEntry("membership.outcome", "failed")
                            .containsEntry("membership.operation", "register_user");
                    assertThat(stopped.get(0).getError()).isInstanceOf(UnableToPersistException.class);
                });
    }

    private static Map<String, String> tags(Observation.Context context) {
        Map<String, String> out = new java.util.HashMap<>();
        for (KeyValue keyValue : context.getLowCardinalityKeyValues()) {
            out.put(keyValue.getKey(), keyValue.getValue());
        }
        return out;
    }

    @Test
    void storeTransactions_areTimedByKindAndOutcome() {
        MeterRegistry meters = new SimpleMeterRegistry();
        inMemory.withBean(MeterRegistry.class, () -> meters).run(context -> {
            Membership membership = context.getBean(Membership.class);
            World world = World.create(membership, "timed");
            long writes = meters.get("membership.store.transactions").tag("kind", "write").tag("outcome", "success")
                    .timer().count();
            world.removeBob(membership);
            world.bobInDesign(membership);
            assertThat(meters.get("membership.store.transactions").tag("kind", "write").tag("outcome", "success")
                    .timer().count()).isEqualTo(writes + 1);
            assertThat(meters.get("membership.store.transactions").tag("kind", "read").tag("outcome", "success")
                    .timer().count()).isGreaterThanOrEqualTo(1);
        });
    }

    @Test
    void retriedTransactions_areTimed() throws Exception {
        Path file = directory.resolve("retried.db");
        MeterRegistry meters = new SimpleMeterRegistry();
        runner.withPropertyValues("membership.store.sqlite.file=" + file, "membership.store.sqlite.busy-timeout=10ms",
                "membership.store.max-attempts=100000").withBean(MeterRegistry.class, () -> meters).run(context -> {
            Membership membership = context.getBean(Membership.class);
            World world = World.create(membership, "retried");
            try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = other.createStatement()) {
                s.execute("BEGIN IMMEDIATE"); // another process holds the write lock
                CompletableFuture<Outcome<?>> removal = CompletableFuture.supplyAsync(() -> world.removeBob(membership));
                var retries = meters.get("membership.store.retries").timer();
                long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (retries.count() == 0 && !removal.isDone() && System.nanoTime() < giveUp) {
                    Thread.sleep(1); // until the removal has lost a race at least once
                }
                s.execute("ROLLBACK");
                assertThat(removal.get(60, TimeUnit.SECONDS).succeeded()).isTrue();
                assertThat(retries.count()).isPositive();
            }
        });
    }

    @Test
    void eachConsumersLag_isAGauge() {
        MeterRegistry meters = new SimpleMeterRegistry();
        CountDownLatch hold = new CountDownLatch(1);
        inMemory.withBean(MeterRegistry.class, () -> meters)
                .withBean("held", FeedConsumer.class, () -> FeedConsumer.named("held", e -> hold.await()).build())
                .run(context -> {
                    Membership membership = context.getBean(Membership.class);
                    World.create(membership, "lag");
                    double lag = meters.get("membership.feed.lag").tag("consumer", "held").gauge().value();
                    hold.countDown();
                    assertThat(lag).isEqualTo((double) membership.changes().head().value());
                });
    }
}
