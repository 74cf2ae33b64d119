package org.membership.benchmarks;

import java.util.Arrays;

/**
 * The durations of one thread's operations, in nanoseconds, and percentiles over several threads'.
 * Each instance is written by one thread; read it after that thread has ended.
 */
final class Latencies {
    private long[] nanos = new long[1 << 14];
    private int count;

    void add(long duration) {
        if (count == nanos.length) {
            nanos = Arrays.copyOf(nanos, count * 2);
        }
        nanos[count++] = duration;
    }

    int count() {
        return count;
    }

    /** @return every duration of all of them, sorted */
    static long[] merged(Latencies... all) {
        int total = 0;
        for (Latencies l : all) {
            total += l.count;
        }
        long[] merged = new long[total];
        int at = 0;
        for (Latencies l : all) {
            System.arraycopy(l.nanos, 0, merged, at, l.count);
            at += l.count;
        }
        Arrays.sort(merged);
        return merged;
    }

    /** @return the {@code p}-th percentile (0 to 100) of sorted durations, in microseconds; NaN if none */
    static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1_000.0;
    }
}
