package org.membership.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs benchmark suites and prints, besides JMH's own table, each result as a ratio to its
 * suite's baseline in the same run (same organization size, same other parameters) and the
 * ratio between the largest and smallest organization.
 *
 * <pre>{@code
 * ./mvnw -B -ntp -q -pl membership-benchmarks -am package exec:exec -DskipTests                 # every suite
 * ./mvnw -B -ntp -q -pl membership-benchmarks -am package exec:exec -DskipTests -Dbenchmarks=jdbi
 * }</pre>
 *
 * <p>Suites: {@code inmemory} ({@link InMemoryBenchmark}), {@code jdbi} ({@link JdbiBenchmark} with
 * NORMAL durability, then its two removals again with FULL), or {@code all}; and {@code feed}, the
 * change feed's own harness ({@link FeedBenchmarks}), run on its own.
 */
public final class Benchmarks {
    private Benchmarks() {}

    /**
     * One JMH run and the benchmark every result of it is divided by.
     *
     * @param title printed above its table
     * @param benchmark the benchmark class
     * @param baseline the baseline method's name
     * @param methods the methods to run (empty: all of the class)
     * @param params JMH parameters to override, name then values
     */
    record Suite(String title, Class<?> benchmark, String baseline, List<String> methods, Map<String, String[]> params) {}

    static List<Suite> suites(String name) {
        Suite inMemory = new Suite("in-memory store", InMemoryBenchmark.class, "baselineHashLookups", List.of(), Map.of());
        Suite jdbi = new Suite("JDBI store on SQLite, synchronous=NORMAL", JdbiBenchmark.class, "handWrittenJdbcRemoval",
                List.of(), Map.of("durability", new String[] {"NORMAL"}));
        Suite jdbiFull = new Suite("JDBI store on SQLite, synchronous=FULL (removals only)", JdbiBenchmark.class,
                "handWrittenJdbcRemoval", List.of("handWrittenJdbcRemoval", "libraryRemoval"),
                Map.of("durability", new String[] {"FULL"}));
        switch (name) {
            case "inmemory":
                return List.of(inMemory);
            case "jdbi":
                return List.of(jdbi, jdbiFull);
            case "all":
                return List.of(inMemory, jdbi, jdbiFull);
            default:
                throw new IllegalArgumentException("unknown suite " + name + "; expected inmemory, jdbi or all");
        }
    }

    /** @param args the suite to run: {@code inmemory}, {@code jdbi} or {@code all} (the default) */
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("feed")) {
            FeedBenchmarks.main(args);
            return;
        }
        List<Suite> suites = suites(args.length > 0 ? args[0] : "all");
        Path worlds = Files.createTempDirectory("membership-benchmarks");
        List<Runnable> reports = new ArrayList<>();
        try {
            for (Suite suite : suites) {
                ChainedOptionsBuilder options = new OptionsBuilder()
                        .jvmArgsAppend("-D" + JdbiBenchmark.WORLD_DIRECTORY + "=" + worlds);
                if (suite.methods().isEmpty()) {
                    options.include(suite.benchmark().getName() + "\\.");
                } else {
                    suite.methods().forEach(m -> options.include(suite.benchmark().getName() + "\\." + m + "$"));
                }
                suite.params().forEach(options::param);
                Collection<RunResult> results = new Runner(options.build()).run();
                reports.add(() -> report(suite, results));
            }
        } finally {
            delete(worlds);
        }
        reports.forEach(Runnable::run);
    }

    /** Prints the ratios of one suite's results. */
    static void report(Suite suite, Collection<RunResult> results) {
        // name (with any parameter besides members) -> members -> result
        Map<String, TreeMap<Integer, RunResult>> scores = new TreeMap<>();
        for (RunResult result : results) {
            scores.computeIfAbsent(label(result, method(result)), n -> new TreeMap<>())
                    .put(Integer.parseInt(result.getParams().getParam("members")), result);
        }
        System.out.println();
        System.out.println("== " + suite.title());
        System.out.printf("%-44s %8s %12s %10s %12s%n", "benchmark", "members", "score", "unit", "x baseline");
        scores.forEach((name, byMembers) -> byMembers.forEach((members, result) -> {
            TreeMap<Integer, RunResult> baseline = scores.get(label(result, suite.baseline()));
            RunResult base = baseline == null ? null : baseline.get(members);
            System.out.printf("%-44s %8d %12.1f %10s %12s%n", name, members, score(result),
                    result.getPrimaryResult().getScoreUnit(),
                    base == null ? "-" : String.format("%.2f", score(result) / score(base)));
        }));
        System.out.println();
        System.out.printf("%-44s %20s%n", "benchmark", "largest / smallest");
        scores.forEach((name, sizes) -> System.out.printf("%-44s %20.2f   (%d vs %d members)%n", name,
                score(sizes.lastEntry().getValue()) / score(sizes.firstEntry().getValue()),
                sizes.lastKey(), sizes.firstKey()));
    }

    private static String method(RunResult result) {
        String name = result.getParams().getBenchmark();
        return name.substring(name.lastIndexOf('.') + 1);
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

    private static double score(RunResult result) {
        return result.getPrimaryResult().getScore();
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
