package org.membership.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs benchmark suites and prints, besides JMH's own table, each result with its error, the
 * ratios that matter (the library to the floor of the same work, in the same run, same
 * organization size, same other parameters) with the error propagated from both sides, the ratio
 * between the largest and smallest organization, and the machine's load average before and after.
 *
 * <pre>{@code
 * ./mvnw -B -ntp -q -pl membership-benchmarks -am package exec:exec -DskipTests                 # inmemory, jdbi, statements
 * ./mvnw -B -ntp -q -pl membership-benchmarks -am package exec:exec -DskipTests -Dbenchmarks="jdbi benchmarks.forks=3"
 * }</pre>
 *
 * <p>Suites: {@code inmemory} ({@link InMemoryBenchmark}), {@code jdbi} ({@link JdbiBenchmark}
 * with NORMAL durability, then its removals again with FULL), {@code statements} (what one
 * statement costs, by hand and through the store), {@code postgresql} ({@link PostgresBenchmark};
 * needs {@code MEMBERSHIP_PG_URL}), {@code all} (the first three), and three harnesses that are not
 * JMH: {@code interleaved} ({@link InterleavedRatios}: the same ratios, library and floor taking
 * turns in quarter-second slices), {@code sqlite-concurrency} ({@link SqliteConcurrency}) and
 * {@code postgresql-throughput} ({@link PostgresThroughput}); and two checks: {@code statement-count}
 * ({@link StatementCount}) and {@code floor-equivalence} ({@link FloorEquivalence}, which also runs
 * before every JDBI suite); and {@code feed}, the change feed's own harness ({@link FeedBenchmarks}: the
 * outbox's cost on a removal, and delivery latency to another instance).
 *
 * <p>Settings, after the suite's name ({@code -Dbenchmarks="jdbi benchmarks.forks=2 benchmarks.profile=gc"})
 * or as system properties: {@code benchmarks.forks}, {@code benchmarks.warmups} and
 * {@code benchmarks.iterations} (each 1 s) override the classes' own; {@code benchmarks.profile=gc}
 * adds JMH's allocation profiler; {@code benchmarks.include} is a regular expression of benchmark
 * methods to keep; the harnesses document their own.
 */
public final class Benchmarks {
    private Benchmarks() {}

    /** One ratio to print: the numerator's score over the denominator's, for each organization size. */
    record Ratio(String numerator, String denominator, String meaning) {}

    /**
     * One JMH run.
     *
     * @param title printed above its table
     * @param benchmark the benchmark class
     * @param methods the methods to run (empty: all of the class)
     * @param params JMH parameters to override, name then values
     * @param ratios what to divide by what
     */
    record Suite(String title, Class<?> benchmark, List<String> methods, Map<String, String[]> params, List<Ratio> ratios) {}

    private static final List<Ratio> JDBI_RATIOS = List.of(
            new Ratio("libraryRemoval", "floorRemoval", "removal + re-add: library / floor"),
            new Ratio("libraryRemoval", "floorRemovalWithEvent", "library / floor with one event row per change"),
            new Ratio("floorRemovalWithEvent", "floorRemoval", "what one event row per change costs the floor"),
            new Ratio("perCallRemoval", "floorRemoval", "the earlier baseline (prepared per call) / floor"),
            new Ratio("libraryStatementsByHand", "floorRemoval", "the library's 19 statements by hand / floor's 12"),
            new Ratio("libraryRemoval", "libraryStatementsByHand", "library / its own statements by hand (its layers)"),
            new Ratio("libraryDryRun", "floorDryRun", "dry run: library / floor"),
            new Ratio("libraryDryRun", "floorDryRunOneStatement", "dry run: library / one statement by hand"),
            new Ratio("libraryListFirstPage", "floorFirstPage", "first page: library / floor"));

    static List<Suite> suites(String name) {
        Suite inMemory = new Suite("in-memory store", InMemoryBenchmark.class, List.of(), Map.of(),
                List.of(new Ratio("dryRunRemoval", "baselineHashLookups", "dry run / seven hash lookups")));
        List<String> jdbiMethods = List.of("floorRemoval", "floorRemovalWithEvent", "perCallRemoval",
                "libraryStatementsByHand", "libraryRemoval", "floorDryRun", "floorDryRunOneStatement", "libraryDryRun",
                "floorFirstPage", "libraryListFirstPage", "libraryRemoveOrganizationUser");
        Suite jdbi = new Suite("JDBI store on SQLite, synchronous=NORMAL", JdbiBenchmark.class, jdbiMethods,
                Map.of("durability", new String[] {"NORMAL"}), JDBI_RATIOS);
        Suite jdbiFull = new Suite("JDBI store on SQLite, synchronous=FULL (removals only)", JdbiBenchmark.class,
                List.of("floorRemoval", "floorRemovalWithEvent", "perCallRemoval", "libraryRemoval"),
                Map.of("durability", new String[] {"FULL"}), JDBI_RATIOS);
        Suite statements = new Suite("one statement: primary-key reads in one read transaction, SQLite", JdbiBenchmark.class,
                List.of("floorPointReads", "libraryPointReads"),
                Map.of("durability", new String[] {"NORMAL"}, "members", new String[] {"100"}),
                List.of(new Ratio("libraryPointReads", "floorPointReads", "library / by hand")));
        Suite postgresql = new Suite("JDBI store on PostgreSQL, one writer", PostgresBenchmark.class, List.of(), Map.of(),
                List.of(new Ratio("libraryRemoval", "floorRemoval", "removal + re-add: library / floor"),
                        new Ratio("libraryRemoval", "floorRemovalWithEvent", "library / floor with one event row per change"),
                        new Ratio("floorRemovalWithEvent", "floorRemoval", "what one event row per change costs the floor")));
        switch (name) {
            case "inmemory":
                return List.of(inMemory);
            case "jdbi":
                return List.of(jdbi, jdbiFull);
            case "statements":
                return List.of(statements);
            case "postgresql":
                return List.of(postgresql);
            case "all":
                return List.of(inMemory, jdbi, jdbiFull, statements);
            default:
                throw new IllegalArgumentException("unknown suite " + name
                        + "; expected inmemory, jdbi, statements, postgresql, all, interleaved, sqlite-concurrency,"
                        + " postgresql-throughput, statement-count, floor-equivalence or feed");
        }
    }

    /**
     * @param args the suite to run (the default: {@code all}), then any settings as {@code name=value},
     *             set as system properties of this JVM; in one argument or several
     */
    public static void main(String[] args) throws Exception {
        String[] words = String.join(" ", args).trim().split("\\s+");
        String name = words[0].isEmpty() ? "all" : words[0];
        for (int i = 1; i < words.length; i++) {
            int equals = words[i].indexOf('=');
            if (equals < 1) {
                throw new IllegalArgumentException("a setting is name=value, not " + words[i]);
            }
            System.setProperty(words[i].substring(0, equals), words[i].substring(equals + 1));
        }
        if (name.equals("feed")) {
            FeedBenchmarks.main(new String[0]);
            return;
        }
        if (name.equals("sqlite-concurrency")) {
            SqliteConcurrency.main(new String[0]);
            return;
        }
        if (name.equals("statement-count")) {
            StatementCount.main(new String[0]);
            return;
        }
        if (name.equals("floor-equivalence")) {
            FloorEquivalence.main(new String[0]);
            return;
        }
        if (name.equals("interleaved")) {
            InterleavedRatios.main(new String[0]);
            return;
        }
        if (name.equals("postgresql-throughput")) {
            PostgresThroughput.main(new String[0]);
            return;
        }
        List<Suite> suites = suites(name);
        if (suites.stream().anyMatch(s -> s.benchmark() == JdbiBenchmark.class)) {
            System.out.println(FloorEquivalence.check());
        }
        if (suites.stream().anyMatch(s -> s.benchmark() == PostgresBenchmark.class)) {
            System.out.println(PostgresBenchmark.checkEquivalence());
        }
        Path worlds = Files.createTempDirectory("membership-benchmarks");
        List<Runnable> reports = new ArrayList<>();
        try {
            for (Suite suite : suites) {
                ChainedOptionsBuilder options = new OptionsBuilder()
                        .jvmArgsAppend("-D" + JdbiBenchmark.WORLD_DIRECTORY + "=" + worlds);
                String include = System.getProperty("benchmarks.include", "");
                List<String> methods = suite.methods().isEmpty() ? List.of("[^.]+") : suite.methods();
                methods.stream().filter(m -> include.isEmpty() || m.matches(include))
                        .forEach(m -> options.include(suite.benchmark().getName() + "\\." + m + "$"));
                suite.params().forEach(options::param);
                Integer forks = Integer.getInteger("benchmarks.forks");
                if (forks != null) {
                    options.forks(forks);
                }
                Integer warmups = Integer.getInteger("benchmarks.warmups");
                if (warmups != null) {
                    options.warmupIterations(warmups).warmupTime(TimeValue.seconds(1));
                }
                Integer iterations = Integer.getInteger("benchmarks.iterations");
                if (iterations != null) {
                    options.measurementIterations(iterations).measurementTime(TimeValue.seconds(1));
                }
                if ("gc".equals(System.getProperty("benchmarks.profile"))) {
                    options.addProfiler(GCProfiler.class);
                }
                String loadBefore = load();
                Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
                Collection<RunResult> results = new Runner(options.build()).run();
                String when = started + " to " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + ", load average "
                        + loadBefore + " before, " + load() + " after";
                reports.add(() -> report(suite, results, when));
            }
        } finally {
            delete(worlds);
        }
        reports.forEach(Runnable::run);
    }

    /** @return the 1, 5 and 15 minute load averages, as {@code uptime} shows them */
    static String load() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** Prints the scores of one suite's results, its ratios and its scale ratios. */
    static void report(Suite suite, Collection<RunResult> results, String when) {
        // name (with any parameter besides members) -> members -> result
        Map<String, TreeMap<Integer, RunResult>> scores = new TreeMap<>();
        for (RunResult result : results) {
            scores.computeIfAbsent(label(result, method(result)), n -> new TreeMap<>())
                    .put(Integer.parseInt(result.getParams().getParam("members")), result);
        }
        System.out.println();
        System.out.println("== " + suite.title() + " (" + when + ")");
        System.out.printf("%-52s %8s %22s %8s %14s%n", "benchmark", "members", "score ± error (99.9 %)", "unit",
                "alloc B/op");
        scores.forEach((name, byMembers) -> byMembers.forEach((members, result) -> {
            Result<?> primary = result.getPrimaryResult();
            Result<?> alloc = result.getSecondaryResults().get("gc.alloc.rate.norm");
            System.out.printf("%-52s %8d %22s %8s %14s%n", name, members,
                    String.format("%.2f ± %.2f", primary.getScore(), error(primary)), primary.getScoreUnit(),
                    alloc == null ? "-" : String.format("%.0f", alloc.getScore()));
        }));
        System.out.println();
        System.out.printf("%-52s %8s %16s   %s%n", "ratio", "members", "ratio ± error", "meaning");
        for (Ratio ratio : suite.ratios()) {
            scores.forEach((name, byMembers) -> {
                if (!method(name).equals(ratio.numerator())) {
                    return;
                }
                TreeMap<Integer, RunResult> denominators = scores.get(name.replaceFirst("^\\S+", ratio.denominator()));
                if (denominators == null) {
                    return;
                }
                byMembers.forEach((members, result) -> {
                    RunResult base = denominators.get(members);
                    if (base != null) {
                        System.out.printf("%-52s %8d %16s   %s%n", name.replaceFirst("^\\S+",
                                ratio.numerator() + " / " + ratio.denominator()), members,
                                ratio(result.getPrimaryResult(), base.getPrimaryResult()), ratio.meaning());
                    }
                });
            });
        }
        System.out.println();
        System.out.printf("%-52s %22s%n", "benchmark", "largest / smallest");
        scores.forEach((name, sizes) -> {
            if (sizes.size() > 1) {
                System.out.printf("%-52s %22s   (%d vs %d members)%n", name,
                        ratio(sizes.lastEntry().getValue().getPrimaryResult(),
                                sizes.firstEntry().getValue().getPrimaryResult()), sizes.lastKey(), sizes.firstKey());
            }
        });
    }

    /** @return a / b, with the two errors' relative sizes added in quadrature */
    static String ratio(Result<?> a, Result<?> b) {
        double r = a.getScore() / b.getScore();
        double e = r * Math.hypot(error(a) / a.getScore(), error(b) / b.getScore());
        return Double.isNaN(e) ? String.format("%.2f", r) : String.format("%.2f ± %.2f", r, e);
    }

    private static double error(Result<?> result) {
        double error = result.getScoreError();
        return Double.isNaN(error) ? 0 : error;
    }

    private static String method(RunResult result) {
        String name = result.getParams().getBenchmark();
        return name.substring(name.lastIndexOf('.') + 1);
    }

    private static String method(String label) {
        int space = label.indexOf(' ');
        return space < 0 ? label : label.substring(0, space);
    }

    /** @return the method's name followed by every parameter of the result except the organization size */
    private static String label(RunResult result, String method) {
        StringBuilder label = new StringBuilder(method);
        for (String key : result.getParams().getParamsKeys()) {
            if (!key.equals("members")) {
                label.append(' ').append(key).append('=').append(result.getParams().getParam(key));
            }
        }
        return label.toString();
    }

    private static void delete(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
