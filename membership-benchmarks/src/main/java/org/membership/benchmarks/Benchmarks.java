package org.membership.benchmarks;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the benchmarks and prints, besides JMH's own table, each result as a ratio to its
 * baseline in the same run and the ratio between the largest and smallest organization.
 *
 * <pre>{@code ./mvnw -B -ntp -q -pl membership-benchmarks -am package exec:exec -DskipTests}</pre>
 */
public final class Benchmarks {
    private Benchmarks() {}

    /** @param args an optional JMH include pattern (default: every benchmark) */
    public static void main(String[] args) throws RunnerException {
        String include = args.length > 0 ? args[0] : InMemoryBenchmark.class.getSimpleName();
        Collection<RunResult> results = new Runner(new OptionsBuilder().include(include).build()).run();
        Map<String, TreeMap<Integer, Double>> scores = new TreeMap<>();
        for (RunResult result : results) {
            String name = result.getParams().getBenchmark();
            name = name.substring(name.lastIndexOf('.') + 1);
            int members = Integer.parseInt(result.getParams().getParam("members"));
            scores.computeIfAbsent(name, n -> new TreeMap<>()).put(members, result.getPrimaryResult().getScore());
        }
        Map<Integer, Double> baseline = scores.get("baselineHashLookups");
        System.out.println();
        System.out.printf("%-22s %10s %12s %14s%n", "benchmark", "members", "ns/op", "x baseline");
        scores.forEach((name, byMembers) -> byMembers.forEach((members, score) -> System.out.printf(
                "%-22s %10d %12.1f %14.1f%n", name, members, score, score / baseline.get(members))));
        System.out.println();
        System.out.printf("%-22s %20s%n", "benchmark", "largest / smallest");
        scores.forEach((name, sizes) -> {
            System.out.printf("%-22s %20.2f   (%d vs %d members)%n", name,
                    sizes.lastEntry().getValue() / sizes.firstEntry().getValue(),
                    sizes.lastKey(), sizes.firstKey());
        });
    }
}
