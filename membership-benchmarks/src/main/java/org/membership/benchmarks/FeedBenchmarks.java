package org.membership.benchmarks;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.membership.api.Actor;
import org.membership.api.Command;
import org.membership.api.FeedConsumer;
import org.membership.api.FeedEvent;
import org.membership.api.FeedPosition;
import org.membership.api.Membership;
import org.membership.api.Outcome;
import org.membership.api.Subscription;
import org.membership.api.UserId;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceRole;
import org.membership.core.FeedSettings;
import org.membership.core.MembershipEngine;
import org.membership.core.spi.FeedReceipt;
import org.membership.core.spi.MembershipStore;
import org.membership.core.spi.StoreTransaction;
import org.membership.jdbi.JdbiStore;
import org.membership.tck.Fixture;

/**
 * What the change feed costs and how fast it travels (issue 8, deliverable 8), measured by a plain
 * harness: each figure comes with its baseline from the same run, interleaved round by round, and
 * the spread over the rounds.
 *
 * <ol>
 *   <li><b>The outbox's cost on a removal</b>: the engine removes a workspace member and adds them
 *       back (two changes) on a store, with its events written to the feed and without (the same
 *       store behind a decorator whose {@code appendEvents} writes nothing; both sides go through
 *       the same decorator, so it costs them alike). SQLite with FULL and NORMAL durability, and
 *       PostgreSQL when {@code MEMBERSHIP_PG_URL} is set.</li>
 *   <li><b>Delivery latency</b>: from the moment a change returned on one instance to the moment a
 *       consumer delivered to every instance has it on another (another store object on the same
 *       database, as another process would have), p50/p90/p99/max over hundreds of changes made a
 *       few milliseconds apart: PostgreSQL with NOTIFY, PostgreSQL polling only, SQLite polling.</li>
 * </ol>
 *
 * <pre>{@code
 * MEMBERSHIP_PG_URL='jdbc:postgresql://127.0.0.1:5432/membership_test?user=membership&password=membership' \
 *   ./mvnw -B -ntp -q -pl membership-benchmarks -am package exec:exec -DskipTests -Dbenchmarks=feed
 * }</pre>
 */
public final class FeedBenchmarks {
    private static final int ROUNDS = 12;
    private static final int OPERATIONS_PER_ROUND = 150;
    private static final int WARM_UP_ROUNDS = 4;
    private static final int LATENCY_CHANGES = 400;

    private FeedBenchmarks() {}

    /** @param args ignored */
    public static void main(String[] args) throws Exception {
        String pg = System.getenv("MEMBERSHIP_PG_URL");
        Path directory = Files.createTempDirectory("membership-feed-benchmarks");
        List<String> report = new ArrayList<>();
        report.add(String.format("%-40s %12s %12s %8s %16s", "outbox cost (removal + re-add)", "with (µs)", "without (µs)",
                "ratio", "rounds' ratios"));
        report.add(cost("SQLite, synchronous=FULL", () -> JdbiStore.sqlite(directory.resolve(UUID.randomUUID() + ".db"))));
        report.add(cost("SQLite, synchronous=NORMAL", () -> JdbiStore.sqlite(directory.resolve(UUID.randomUUID() + ".db"),
                JdbiStore.Options.defaults().durability(JdbiStore.Durability.NORMAL))));
        if (pg != null) {
            report.add(cost("PostgreSQL", () -> JdbiStore.postgresql(schema(pg))));
        }
        report.add("");
        report.add(String.format("%-40s %8s %8s %8s %8s %8s %16s", "delivery to another instance", "p50 ms", "p90 ms",
                "p99 ms", "max ms", "changes", "before return"));
        if (pg != null) {
            String url = schema(pg);
            report.add(latency("PostgreSQL, NOTIFY", () -> JdbiStore.postgresql(url),
                    () -> JdbiStore.postgresql(url)));
            String polled = schema(pg);
            report.add(latency("PostgreSQL, polling every 20 ms", () -> JdbiStore.postgresql(polled),
                    () -> JdbiStore.postgresql(polled, JdbiStore.Options.defaults().feedNotifications(false))));
        }
        Path shared = directory.resolve("shared.db");
        report.add(latency("SQLite, polling every 20 ms", () -> JdbiStore.sqlite(shared), () -> JdbiStore.sqlite(shared)));
        for (String schema : SCHEMAS) {
            execute(pg, "DROP SCHEMA " + schema + " CASCADE");
        }
        System.out.println();
        report.forEach(System.out::println);
    }

    // ---- the outbox's cost -------------------------------------------------------------------------

    /** Opens a store; may fail as opening one does. */
    @FunctionalInterface
    private interface Opener {
        JdbiStore open() throws Exception;
    }

    private static String cost(String title, Opener stores) throws Exception {
        try (JdbiStore withStore = stores.open(); JdbiStore withoutStore = stores.open()) {
            World with = new World(new Outbox(withStore, true));
            World without = new World(new Outbox(withoutStore, false));
            List<Double> ratios = new ArrayList<>();
            List<Double> withTimes = new ArrayList<>();
            List<Double> withoutTimes = new ArrayList<>();
            for (int round = 0; round < WARM_UP_ROUNDS + ROUNDS; round++) {
                boolean withFirst = round % 2 == 0;
                double a = withFirst ? with.time(OPERATIONS_PER_ROUND) : without.time(OPERATIONS_PER_ROUND);
                double b = withFirst ? without.time(OPERATIONS_PER_ROUND) : with.time(OPERATIONS_PER_ROUND);
                if (round >= WARM_UP_ROUNDS) {
                    double withTime = withFirst ? a : b;
                    double withoutTime = withFirst ? b : a;
                    withTimes.add(withTime);
                    withoutTimes.add(withoutTime);
                    ratios.add(withTime / withoutTime);
                }
            }
            if (!with.fedEvents() || without.fedEvents()) {
                throw new IllegalStateException("the outbox decorator did not do what it says");
            }
            double[] sorted = ratios.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return String.format("%-40s %12.1f %12.1f %8.3f %7.2f..%-7.2f", title, median(withTimes), median(withoutTimes),
                    median(withTimes) / median(withoutTimes), sorted[0], sorted[sorted.length - 1]);
        }
    }

    /** acme, with its admin alice, 100 members and the custom workspace design holding bob. */
    private static final class World {
        private final Fixture fixture;
        private final Actor alice;
        private final WorkspaceId design;
        private final UserId bob;
        private final FeedPosition afterSetUp;

        World(Outbox store) {
            fixture = Fixture.builder(store).feed(FeedSettings.defaults().pruneEvery(Duration.ZERO))
                    .organization("acme", org -> {
                        org.admin("alice").member("bob");
                        for (int m = 0; m < 100; m++) {
                            org.member(String.format("m%03d", m));
                        }
                        org.workspace("design", ws -> ws.admin("alice").member("bob"));
                    }).build();
            alice = fixture.actor("alice");
            design = fixture.workspace("design");
            bob = fixture.user("bob");
            afterSetUp = fixture.membership().changes().head();
            store.measuring();
        }

        /** @return microseconds per removal and re-add, over {@code operations} of them */
        double time(int operations) {
            Membership membership = fixture.membership();
            long started = System.nanoTime();
            for (int i = 0; i < operations; i++) {
                expect(membership.execute(alice, new Command.RemoveWorkspaceMember(design, bob, "benchmark")));
                expect(membership.execute(alice, new Command.AddWorkspaceMember(design, bob, WorkspaceRole.USER)));
            }
            return (System.nanoTime() - started) / 1_000.0 / operations;
        }

        /** @return whether the measured changes wrote events to the feed */
        boolean fedEvents() {
            return fixture.membership().changes().head().isAfter(afterSetUp);
        }
    }

    private static void expect(Outcome<?> outcome) {
        if (!outcome.succeeded()) {
            throw new IllegalStateException("the benchmark's change was refused: " + outcome);
        }
    }

    /**
     * A store whose transactions write the change feed or not, both through the same proxy: the one
     * difference between the two sides of the cost comparison is the outbox's INSERT (and, on
     * PostgreSQL, the numbering after commit). Setting up the world always writes its events.
     */
    private static final class Outbox implements MembershipStore {
        private final JdbiStore store;
        private final boolean writes;
        private volatile boolean setUp = true;

        Outbox(JdbiStore store, boolean writes) {
            this.store = store;
            this.writes = writes;
        }

        @Override
        public <T> T write(Function<StoreTransaction, T> work) {
            boolean append = writes || setUp;
            return store.write(tx -> work.apply((StoreTransaction) Proxy.newProxyInstance(
                    StoreTransaction.class.getClassLoader(), new Class<?>[] {StoreTransaction.class},
                    (proxy, method, arguments) -> {
                        if (!append && method.getName().equals("appendEvents")) {
                            return (FeedReceipt) Optional::empty;
                        }
                        try {
                            return method.invoke(tx, arguments);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    })));
        }

        /** From now on the side without an outbox writes no events (building the world wrote them on both). */
        void measuring() {
            setUp = false;
        }

        @Override
        public <T> T read(Function<StoreTransaction, T> work) {
            return store.read(work);
        }

        @Override
        public List<FeedEvent> changes(FeedPosition after, int limit) {
            return store.changes(after, limit);
        }

        @Override
        public FeedPosition head() {
            return store.head();
        }

        @Override
        public boolean exclusiveWrites() {
            return store.exclusiveWrites();
        }

        @Override
        public void awaitChanges(FeedPosition after, Duration timeout) throws InterruptedException {
            store.awaitChanges(after, timeout);
        }
    }

    // ---- delivery latency --------------------------------------------------------------------------

    private static String latency(String title, Opener writerStore, Opener followerStore) throws Exception {
        try (JdbiStore writing = writerStore.open(); JdbiStore following = followerStore.open()) {
            Fixture f = Fixture.builder(writing).feed(FeedSettings.defaults().pruneEvery(Duration.ZERO))
                    .organization("acme", org -> org.admin("alice").member("bob")
                            .workspace("design", ws -> ws.admin("alice").member("bob")))
                    .build();
            Membership other = MembershipEngine.builder(following).feed(FeedSettings.defaults().instance("follower")
                    .pruneEvery(Duration.ZERO)).build();
            Map<Long, Long> delivered = new ConcurrentHashMap<>();
            try (Subscription cache = other.changes().subscribe(FeedConsumer.named("cache",
                    event -> delivered.put(event.position().value(), System.nanoTime()))
                    .delivery(FeedConsumer.Delivery.EVERY_INSTANCE).build())) {
                Map<Long, Long> returned = new ConcurrentHashMap<>();
                for (int i = 0; i < LATENCY_CHANGES; i++) {
                    Thread.sleep(ThreadLocalRandom.current().nextInt(2, 8));
                    Outcome<?> outcome = i % 2 == 0
                            ? f.membership().execute(f.actor("alice"),
                                    new Command.RemoveWorkspaceMember(f.workspace("design"), f.user("bob")))
                            : f.membership().execute(f.actor("alice"),
                                    new Command.AddWorkspaceMember(f.workspace("design"), f.user("bob"), WorkspaceRole.USER));
                    long at = System.nanoTime();
                    expect(outcome);
                    returned.put(outcome.position().orElseThrow().value(), at);
                }
                if (!cache.awaitPosition(f.membership().changes().head(), Duration.ofSeconds(30))) {
                    throw new IllegalStateException(title + ": the follower did not get every change");
                }
                long[] millis = new long[returned.size()];
                int early = 0;
                int k = 0;
                for (Map.Entry<Long, Long> change : returned.entrySet()) {
                    long nanos = delivered.get(change.getKey()) - change.getValue();
                    if (nanos < 0) {
                        early++;
                    }
                    millis[k++] = Math.max(0, nanos);
                }
                Arrays.sort(millis);
                return String.format("%-40s %8.2f %8.2f %8.2f %8.2f %8d %15d%%", title, ms(percentile(millis, 0.50)),
                        ms(percentile(millis, 0.90)), ms(percentile(millis, 0.99)), ms(millis[millis.length - 1]),
                        millis.length, 100 * early / millis.length);
            }
        }
    }

    private static long percentile(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static double ms(long nanos) {
        return nanos / 1_000_000.0;
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    private static final List<String> SCHEMAS = new ArrayList<>();

    /** @return a URL on a fresh schema of the database, dropped when the harness ends */
    private static String schema(String url) throws SQLException {
        String schema = "membership_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        execute(url, "CREATE SCHEMA " + schema);
        SCHEMAS.add(schema);
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    private static void execute(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
