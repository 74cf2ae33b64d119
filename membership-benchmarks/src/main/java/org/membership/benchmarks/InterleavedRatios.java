package org.membership.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.membership.api.Actor;
import org.membership.api.Command;
import org.membership.api.Membership;
import org.membership.api.Outcome;
import org.membership.api.PageRequest;
import org.membership.api.UserId;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceRole;
import org.membership.core.MembershipEngine;
import org.membership.jdbi.JdbiStore;

/**
 * A harness beside JMH for the ratios themselves, made for a shared, noisy machine: the library
 * and the floor take turns on one thread in short slices (a quarter of a second each, the order
 * swapped every round), so both meet the same load from one second to the next, and each round
 * gives one ratio. It prints, per pair, each side's median time per operation, the median of the
 * rounds' ratios with a 95 % confidence interval for that median (order statistics), and the same
 * ratio of thread CPU time, which leaves out the time the thread waited for a core.
 *
 * <p>SQLite (the default): every side has its own copy of the benchmark's world, for 100 and 100,000
 * members; NORMAL then FULL durability (FULL: removals only). PostgreSQL
 * ({@code -Dbenchmarks="interleaved interleaved.database=postgresql"}, needs {@code MEMBERSHIP_PG_URL}):
 * removals, each side in a fresh schema of its own, 100 members.
 *
 * <pre>{@code ./mvnw -B -ntp -q -pl membership-benchmarks -am package exec:exec -DskipTests -Dbenchmarks=interleaved}</pre>
 *
 * <p>Settings (after the suite's name; see {@link Benchmarks}): {@code interleaved.rounds} (default 30), {@code interleaved.slice} in ms
 * (default 250), {@code interleaved.warmup} in s (default 20), {@code interleaved.sizes} (default
 * {@code 100,100000}), {@code interleaved.durability} (default {@code NORMAL,FULL}; {@code none} runs only
 * the scale comparison that ends every SQLite run: each side at the largest size over itself at the smallest).
 */
public final class InterleavedRatios {
    private InterleavedRatios() {}

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** One operation of one side. */
    @FunctionalInterface
    interface Operation {
        void run() throws Exception;
    }

    /** A named operation. */
    record Side(String name, Operation operation) {}

    /** Two sides to compare: the first over the second. */
    record Pair(Side numerator, Side denominator) {}

    /** The cost of what one side does beyond the other: (first − second) / {@code units}, per round. */
    record Difference(String what, Side more, Side less, int units) {}

    /** @param args unused */
    public static void main(String[] args) throws Exception {
        int rounds = Integer.getInteger("interleaved.rounds", 30);
        int slice = Integer.getInteger("interleaved.slice", 250);
        int warmup = Integer.getInteger("interleaved.warmup", 20);
        if (System.getProperty("interleaved.database", "sqlite").equals("postgresql")) {
            postgresql(rounds, slice, warmup);
            return;
        }
        int[] sizes = Arrays.stream(System.getProperty("interleaved.sizes", "100,100000").split(","))
                .mapToInt(Integer::parseInt).toArray();
        String[] durabilities = System.getProperty("interleaved.durability", "NORMAL,FULL").split(",");
        Path directory = Files.createTempDirectory("membership-interleaved");
        try {
            for (String durability : durabilities) {
                if (durability.equals("none")) {
                    continue;
                }
                for (int members : sizes) {
                    sqlite(directory, members, JdbiStore.Durability.valueOf(durability), rounds, slice, warmup);
                }
            }
            if (sizes.length > 1) {
                scale(directory, sizes[0], sizes[sizes.length - 1], rounds, slice, warmup);
            }
        } finally {
            try (Stream<Path> files = Files.walk(directory)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static void sqlite(Path directory, int members, JdbiStore.Durability durability, int rounds, int slice,
                               int warmup) throws Exception {
        Path template = directory.resolve("world-" + members + ".db");
        if (!Files.exists(template)) {
            JdbiBenchmark.build(template, members);
        }
        String target = "m" + members / 2;
        List<AutoCloseable> open = new ArrayList<>();
        try {
            Path libraryFile = copy(template, directory, "library");
            JdbiStore store = JdbiStore.sqlite(libraryFile, JdbiStore.Options.defaults().durability(durability));
            open.add(store);
            Membership membership = MembershipEngine.builder(store).build();
            Actor admin = Actor.user(UserId.of(JdbiBenchmark.ADMIN));
            WorkspaceId ws = WorkspaceId.of(JdbiBenchmark.WORKSPACE);
            Command.RemoveWorkspaceMember remove = new Command.RemoveWorkspaceMember(ws, UserId.of(target));
            Command.AddWorkspaceMember reAdd = new Command.AddWorkspaceMember(ws, UserId.of(target), WorkspaceRole.USER);
            Command.ListWorkspaceMembers page = new Command.ListWorkspaceMembers(ws, PageRequest.first());
            // The floor appends its events to the outbox, as the library does since the change feed.
            HandWrittenJdbc floor = byHand(copy(template, directory, "floor"), durability, HandWrittenJdbc.Preparation.ONCE, true);
            open.add(floor);
            HandWrittenJdbc withoutEvent = byHand(copy(template, directory, "no-event"), durability,
                    HandWrittenJdbc.Preparation.ONCE, false);
            open.add(withoutEvent);
            HandWrittenJdbc perCall = byHand(copy(template, directory, "per-call"), durability,
                    HandWrittenJdbc.Preparation.PER_CALL, true);
            open.add(perCall);

            Side libraryRemoval = new Side("libraryRemoval", () -> {
                expect(membership.execute(admin, remove) instanceof Outcome.Success
                        && membership.execute(admin, reAdd) instanceof Outcome.Success);
            });
            Side floorRemoval = new Side("floorRemoval", () -> removeThenReAdd(floor, target));
            Side floorWithoutEvent = new Side("floorRemovalWithoutEvent", () -> removeThenReAdd(withoutEvent, target));
            Side perCallRemoval = new Side("perCallRemoval", () -> removeThenReAdd(perCall, target));
            List<Pair> pairs = new ArrayList<>(List.of(new Pair(libraryRemoval, floorRemoval),
                    new Pair(libraryRemoval, floorWithoutEvent), new Pair(floorRemoval, floorWithoutEvent),
                    new Pair(perCallRemoval, floorRemoval)));
            if (durability == JdbiStore.Durability.NORMAL) {
                pairs.add(new Pair(new Side("libraryDryRun", () -> expect(membership.check(admin, remove).allowed())),
                        new Side("floorDryRun", () -> expect(floor.checkRemoval(JdbiBenchmark.ADMIN, JdbiBenchmark.WORKSPACE,
                                target) == HandWrittenJdbc.OK))));
                pairs.add(new Pair(new Side("libraryListFirstPage", () -> expect(membership.execute(admin, page)
                        instanceof Outcome.Success)),
                        new Side("floorFirstPage", () -> expect(floor.firstPage(JdbiBenchmark.ADMIN, JdbiBenchmark.WORKSPACE,
                                PageRequest.DEFAULT_LIMIT).size() == PageRequest.DEFAULT_LIMIT + 1))));
            }
            measure("SQLite, " + durability + ", " + members + " members", pairs, rounds, slice, warmup);
            if (durability == JdbiStore.Durability.NORMAL && members == 100) {
                UserId alice = UserId.of(JdbiBenchmark.ADMIN);
                Side[] library = new Side[10];
                Side[] byHand = new Side[10];
                for (int reads : new int[] {1, 2, 9}) {
                    library[reads] = new Side("library " + reads + " reads", () -> store.read(tx -> {
                        for (int i = 0; i < reads; i++) {
                            expect(tx.user(alice).isPresent());
                        }
                        return null;
                    }));
                    byHand[reads] = new Side("floor " + reads + " reads", () -> expect(floor.pointReads(JdbiBenchmark.ADMIN, reads)
                            == reads));
                }
                Side floorDryRun = pairs.get(4).denominator();
                differences("SQLite, NORMAL: what one statement costs", List.of(
                        new Difference("a primary-key read through the store (StoreTransaction.user)", library[9], library[1], 8),
                        new Difference("the same read by hand, prepared once", byHand[9], byHand[1], 8),
                        new Difference("a read transaction with one read, through the store", library[1], null, 1),
                        new Difference("the same by hand", byHand[1], null, 1),
                        new Difference("a joined standing query by hand, beyond a primary-key read", floorDryRun, byHand[2], 2)),
                        rounds, slice);
            }
        } finally {
            for (AutoCloseable c : open) {
                c.close();
            }
        }
    }

    /**
     * The same operations in the largest organization over the smallest, each side interleaved with
     * itself: whether removal, dry run and listing stay flat in the organization's size (NORMAL).
     */
    private static void scale(Path directory, int small, int large, int rounds, int slice, int warmup) throws Exception {
        List<AutoCloseable> open = new ArrayList<>();
        try {
            Side[][] sides = new Side[2][];
            int[] sizes = {small, large};
            for (int i = 0; i < 2; i++) {
                int members = sizes[i];
                Path template = directory.resolve("world-" + members + ".db");
                if (!Files.exists(template)) {
                    JdbiBenchmark.build(template, members);
                }
                JdbiStore store = JdbiStore.sqlite(copy(template, directory, "scale"), JdbiStore.Options.defaults()
                        .durability(JdbiStore.Durability.NORMAL));
                open.add(store);
                HandWrittenJdbc floor = byHand(copy(template, directory, "scale-floor"), JdbiStore.Durability.NORMAL,
                        HandWrittenJdbc.Preparation.ONCE, true);
                open.add(floor);
                Membership membership = MembershipEngine.builder(store).build();
                String target = "m" + members / 2;
                Actor admin = Actor.user(UserId.of(JdbiBenchmark.ADMIN));
                WorkspaceId ws = WorkspaceId.of(JdbiBenchmark.WORKSPACE);
                Command.RemoveWorkspaceMember remove = new Command.RemoveWorkspaceMember(ws, UserId.of(target));
                Command.AddWorkspaceMember reAdd = new Command.AddWorkspaceMember(ws, UserId.of(target), WorkspaceRole.USER);
                Command.ListWorkspaceMembers page = new Command.ListWorkspaceMembers(ws, PageRequest.first());
                sides[i] = new Side[] {
                    new Side("libraryRemoval@" + members, () -> expect(membership.execute(admin, remove) instanceof Outcome.Success
                            && membership.execute(admin, reAdd) instanceof Outcome.Success)),
                    new Side("libraryDryRun@" + members, () -> expect(membership.check(admin, remove).allowed())),
                    new Side("libraryListFirstPage@" + members, () -> expect(membership.execute(admin, page)
                            instanceof Outcome.Success)),
                    new Side("floorRemoval@" + members, () -> removeThenReAdd(floor, target)),
                };
            }
            List<Pair> pairs = new ArrayList<>();
            for (int j = 0; j < sides[0].length; j++) {
                pairs.add(new Pair(sides[1][j], sides[0][j]));
            }
            measure("SQLite, NORMAL: " + large + " members over " + small, pairs, rounds, slice, warmup);
        } finally {
            for (AutoCloseable c : open) {
                c.close();
            }
        }
    }

    private static void postgresql(int rounds, int slice, int warmup) throws Exception {
        try (PostgresSchema libraryDb = PostgresSchema.create(); PostgresSchema floorDb = PostgresSchema.create();
             PostgresSchema eventDb = PostgresSchema.create()) {
            for (PostgresSchema schema : List.of(libraryDb, floorDb, eventDb)) {
                try (JdbiStore store = JdbiStore.postgresql(schema.url())) {
                    JdbiBenchmark.populate(store, JdbiBenchmark.ORGANIZATION, JdbiBenchmark.WORKSPACE, JdbiBenchmark.ADMIN,
                            "m", 100);
                }
            }
            String target = "m50";
            try (JdbiStore store = JdbiStore.postgresql(libraryDb.url());
                 HandWrittenJdbc floor = new HandWrittenJdbc(floorDb.connect(), HandWrittenJdbc.Database.POSTGRESQL,
                         HandWrittenJdbc.Preparation.ONCE, true);
                 HandWrittenJdbc withoutEvent = new HandWrittenJdbc(eventDb.connect(), HandWrittenJdbc.Database.POSTGRESQL,
                         HandWrittenJdbc.Preparation.ONCE, false)) {
                Membership membership = MembershipEngine.builder(store).build();
                Actor admin = Actor.user(UserId.of(JdbiBenchmark.ADMIN));
                WorkspaceId ws = WorkspaceId.of(JdbiBenchmark.WORKSPACE);
                Command.RemoveWorkspaceMember remove = new Command.RemoveWorkspaceMember(ws, UserId.of(target));
                Command.AddWorkspaceMember reAdd = new Command.AddWorkspaceMember(ws, UserId.of(target), WorkspaceRole.USER);
                Side libraryRemoval = new Side("libraryRemoval", () -> expect(
                        membership.execute(admin, remove) instanceof Outcome.Success
                                && membership.execute(admin, reAdd) instanceof Outcome.Success));
                Side floorRemoval = new Side("floorRemoval", () -> removeThenReAdd(floor, target));
                Side floorWithoutEvent = new Side("floorRemovalWithoutEvent", () -> removeThenReAdd(withoutEvent, target));
                measure("PostgreSQL, one writer, 100 members", List.of(new Pair(libraryRemoval, floorRemoval),
                        new Pair(libraryRemoval, floorWithoutEvent), new Pair(floorRemoval, floorWithoutEvent)),
                        rounds, slice, warmup);
                UserId alice = UserId.of(JdbiBenchmark.ADMIN);
                Side[] library = new Side[10];
                Side[] byHand = new Side[10];
                for (int reads : new int[] {1, 9}) {
                    library[reads] = new Side("library " + reads + " reads", () -> store.read(tx -> {
                        for (int i = 0; i < reads; i++) {
                            expect(tx.user(alice).isPresent());
                        }
                        return null;
                    }));
                    byHand[reads] = new Side("floor " + reads + " reads", () -> expect(floor.pointReads(JdbiBenchmark.ADMIN, reads)
                            == reads));
                }
                differences("PostgreSQL: what one statement costs", List.of(
                        new Difference("a primary-key read through the store (StoreTransaction.user)", library[9], library[1], 8),
                        new Difference("the same read by hand, prepared once", byHand[9], byHand[1], 8),
                        new Difference("a read transaction with one read, through the store", library[1], null, 1),
                        new Difference("the same by hand (BEGIN sent with the read)", byHand[1], null, 1)),
                        rounds, slice);
            }
        }
    }

    private static Path copy(Path template, Path directory, String side) throws IOException {
        Path file = directory.resolve(side + "-" + template.getFileName());
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
            Files.deleteIfExists(Path.of(file + suffix));
        }
        Files.copy(template, file);
        return file;
    }

    private static HandWrittenJdbc byHand(Path file, JdbiStore.Durability durability, HandWrittenJdbc.Preparation preparation,
                                          boolean withEvent) throws SQLException {
        return new HandWrittenJdbc(JdbiBenchmark.connectionSettings(durability).createConnection("jdbc:sqlite:" + file.toAbsolutePath()),
                HandWrittenJdbc.Database.SQLITE, preparation, withEvent);
    }

    private static void removeThenReAdd(HandWrittenJdbc jdbc, String target) throws SQLException {
        expect(jdbc.removeWorkspaceMember(JdbiBenchmark.ADMIN, JdbiBenchmark.WORKSPACE, target, "") == HandWrittenJdbc.OK
                && jdbc.addWorkspaceMember(JdbiBenchmark.ADMIN, JdbiBenchmark.WORKSPACE, target) == HandWrittenJdbc.OK);
    }

    private static void expect(boolean succeeded) {
        if (!succeeded) {
            throw new IllegalStateException("a side refused in the benchmark's world");
        }
    }

    /** The time per operation of one slice: wall and thread CPU, in microseconds. */
    private record Slice(double wall, double cpu) {}

    private static Slice slice(Side side, int millis) throws Exception {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        long cpu = THREADS.getCurrentThreadCpuTime();
        long started = System.nanoTime();
        long operations = 0;
        long now;
        do {
            side.operation().run();
            operations++;
            now = System.nanoTime();
        } while (now < deadline);
        return new Slice((now - started) / 1e3 / operations, (THREADS.getCurrentThreadCpuTime() - cpu) / 1e3 / operations);
    }

    private static void measure(String title, List<Pair> pairs, int rounds, int slice, int warmup) throws Exception {
        String loadBefore = Benchmarks.load();
        // Warm-up: every side in turn, until the JIT has compiled both paths.
        List<Side> sides = new ArrayList<>();
        for (Pair pair : pairs) {
            for (Side side : List.of(pair.numerator(), pair.denominator())) {
                if (!sides.contains(side)) {
                    sides.add(side);
                }
            }
        }
        long warmed = System.nanoTime() + warmup * 1_000_000_000L;
        while (System.nanoTime() < warmed) {
            for (Side side : sides) {
                slice(side, slice);
            }
        }
        System.out.println();
        System.out.println("== " + title + ": " + rounds + " rounds of " + slice + " ms slices per side, after " + warmup
                + " s of warm-up");
        System.out.printf("%-48s %12s %12s %26s %26s%n", "numerator / denominator", "µs/op (num)", "µs/op (den)",
                "wall ratio [95 % CI]", "CPU ratio [95 % CI]");
        for (Pair pair : pairs) {
            double[] a = new double[rounds];
            double[] b = new double[rounds];
            double[] wall = new double[rounds];
            double[] cpu = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                Slice x;
                Slice y;
                if (r % 2 == 0) {
                    x = slice(pair.numerator(), slice);
                    y = slice(pair.denominator(), slice);
                } else {
                    y = slice(pair.denominator(), slice);
                    x = slice(pair.numerator(), slice);
                }
                a[r] = x.wall();
                b[r] = y.wall();
                wall[r] = x.wall() / y.wall();
                cpu[r] = x.cpu() / y.cpu();
            }
            System.out.printf("%-48s %12.1f %12.1f %26s %26s%n", pair.numerator().name() + " / " + pair.denominator().name(),
                    median(a), median(b), interval(wall), interval(cpu));
        }
        System.out.println("load average " + loadBefore + " before, " + Benchmarks.load() + " after");
    }

    private static void differences(String title, List<Difference> differences, int rounds, int slice) throws Exception {
        String loadBefore = Benchmarks.load();
        System.out.println();
        System.out.println("== " + title + ": " + rounds + " rounds of " + slice + " ms slices per side");
        System.out.printf("%-64s %26s%n", "what", "µs [95 % CI]");
        for (Difference d : differences) {
            double[] cost = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                double more;
                double less = 0;
                if (d.less() == null) {
                    more = slice(d.more(), slice).wall();
                } else if (r % 2 == 0) {
                    more = slice(d.more(), slice).wall();
                    less = slice(d.less(), slice).wall();
                } else {
                    less = slice(d.less(), slice).wall();
                    more = slice(d.more(), slice).wall();
                }
                cost[r] = (more - less) / d.units();
            }
            System.out.printf("%-64s %26s%n", d.what(), interval(cost));
        }
        System.out.println("load average " + loadBefore + " before, " + Benchmarks.load() + " after");
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** @return the median and a 95 % confidence interval for it, from the order statistics of the sample */
    static String interval(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double half = 1.96 * Math.sqrt(n) / 2;
        int low = Math.max(0, (int) Math.floor(n / 2.0 - half) - 1);
        int high = Math.min(n - 1, (int) Math.ceil(n / 2.0 + half));
        return String.format("%.2f [%.2f, %.2f]", median(values), sorted[low], sorted[high]);
    }
}
