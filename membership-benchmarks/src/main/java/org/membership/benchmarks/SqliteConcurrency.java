package org.membership.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.membership.api.Actor;
import org.membership.api.Command;
import org.membership.api.Membership;
import org.membership.api.Outcome;
import org.membership.api.UnableToPersistException;
import org.membership.api.UserId;
import org.membership.api.UserStatus;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceRole;
import org.membership.core.MembershipEngine;
import org.membership.jdbi.JdbiStore;

/**
 * A harness, not JMH: threads of mixed removals (each followed by its re-add) and dry runs on one
 * SQLite file, through the library with its default pool, 1, 4 and 16 threads, then 16 threads
 * over two stores on the same file (as two processes would be: each store's writers queue in its
 * JVM, the two stores meet at the file lock and its busy timeout). It counts what reaches callers
 * — {@code SQLITE_BUSY}/{@code SQLITE_LOCKED} inside an {@link UnableToPersistException}, any
 * other failure, any refusal — and then shows whether a dry run waits for a writer: a write
 * transaction is held open for {@value #HOLD_MILLIS} ms while fewer threads than there are cores
 * run dry runs (more would wait for a core, which is not what is asked).
 * At the end the file must hold exactly the world it started with, plus one audit row per change.
 *
 * <pre>{@code ./mvnw -B -ntp -q -pl membership-benchmarks -am package exec:exec -DskipTests -Dbenchmarks=sqlite-concurrency}</pre>
 *
 * <p>Settings (after the suite's name, as {@code -Dbenchmarks="sqlite-concurrency sqlite.durability=FULL"};
 * see {@link Benchmarks}): {@code sqlite.durability} (NORMAL or FULL, default NORMAL),
 * {@code harness.seconds} per measured run (default 5), {@code harness.rounds} (default 2).
 */
public final class SqliteConcurrency {
    private SqliteConcurrency() {}

    static final int MEMBERS = 1_600;
    static final int HOLD_MILLIS = 300;
    static final int READERS = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    /** One operation in this many is a removal (with its re-add); the others are dry runs. */
    static final int WRITE_EVERY = 5;

    /** What one run counted. */
    static final class Run {
        final Latencies[] writes;
        final Latencies[] checks;
        final AtomicLong busy = new AtomicLong();
        final AtomicLong otherFailures = new AtomicLong();
        final AtomicLong refusals = new AtomicLong();
        final AtomicLong changes = new AtomicLong();
        volatile String firstFailure;

        Run(int threads) {
            writes = new Latencies[threads];
            checks = new Latencies[threads];
            for (int t = 0; t < threads; t++) {
                writes[t] = new Latencies();
                checks[t] = new Latencies();
            }
        }

        void failed(RuntimeException e) {
            if (isBusy(e)) {
                busy.incrementAndGet();
            } else {
                otherFailures.incrementAndGet();
            }
            if (firstFailure == null) {
                firstFailure = e.toString();
            }
        }
    }

    /** @param args unused */
    public static void main(String[] args) throws IOException, InterruptedException {
        JdbiStore.Durability durability = JdbiStore.Durability.valueOf(System.getProperty("sqlite.durability", "NORMAL"));
        int seconds = Integer.getInteger("harness.seconds", 5);
        int rounds = Integer.getInteger("harness.rounds", 2);
        Path directory = Files.createTempDirectory("membership-sqlite-concurrency");
        Path file = directory.resolve("world.db");
        JdbiBenchmark.build(file, MEMBERS);
        JdbiStore.Options options = JdbiStore.Options.defaults().durability(durability);
        System.out.printf("SQLite concurrency: %d members, durability %s, pool %d, one removal (+ re-add) in %d operations,"
                + " the rest dry runs; %d s per run, %d rounds; load average %s%n", MEMBERS, durability,
                options.poolSize(), WRITE_EVERY, seconds, rounds, Benchmarks.load());
        long changes = 0;
        try (JdbiStore store = JdbiStore.sqlite(file, options); JdbiStore second = JdbiStore.sqlite(file, options)) {
            Membership one = MembershipEngine.builder(store).build();
            Membership other = MembershipEngine.builder(second).build();
            changes += run(new Membership[] {one}, 2, Duration.ofSeconds(Math.max(seconds, 5))).changes.get(); // warm-up
            System.out.printf("%-22s %9s %9s %9s %10s %10s %10s %10s %6s %6s %6s%n", "threads", "ops/s", "writes/s",
                    "checks/s", "write p50", "write p99", "check p50", "check p99", "busy", "failed", "refused");
            for (int round = 1; round <= rounds; round++) {
                for (int threads : new int[] {1, 4, 16}) {
                    changes += report(threads + " (one store)", run(new Membership[] {one}, threads, Duration.ofSeconds(seconds)),
                            seconds);
                }
                changes += report("16 (two stores)", run(new Membership[] {one, other}, 16, Duration.ofSeconds(seconds)),
                        seconds);
            }
            System.out.println();
            System.out.println("Does a dry run wait for a writer? A write transaction (one UPDATE) is held open for "
                    + HOLD_MILLIS + " ms while " + READERS + " thread(s) run dry runs; 5 trials:");
            for (int trial = 1; trial <= 5; trial++) {
                heldWriter(store, one);
            }
            String broken;
            try (var c = new org.sqlite.SQLiteConfig().createConnection("jdbc:sqlite:" + file)) {
                broken = Invariants.check(c, List.of(new Invariants.Organization(JdbiBenchmark.ORGANIZATION,
                        JdbiBenchmark.WORKSPACE, JdbiBenchmark.ADMIN, "m", MEMBERS)), changes);
            } catch (SQLException e) {
                broken = "cannot read the file: " + e;
            }
            System.out.println();
            System.out.println(broken.isEmpty() ? "invariants: 0 violations (" + changes + " changes, each with its audit row;"
                    + " every member back in the workspace; one usable admin)" : "INVARIANT VIOLATIONS: " + broken);
        } finally {
            try (Stream<Path> files = Files.walk(directory)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static long report(String label, Run run, int seconds) {
        long[] writes = Latencies.merged(run.writes);
        long[] checks = Latencies.merged(run.checks);
        System.out.printf("%-22s %9.0f %9.0f %9.0f %10.0f %10.0f %10.0f %10.0f %6d %6d %6d%n", label,
                (writes.length + checks.length) / (double) seconds, writes.length / (double) seconds,
                checks.length / (double) seconds, Latencies.percentile(writes, 50), Latencies.percentile(writes, 99),
                Latencies.percentile(checks, 50), Latencies.percentile(checks, 99), run.busy.get(),
                run.otherFailures.get(), run.refusals.get());
        if (run.firstFailure != null) {
            System.out.println("    first failure: " + run.firstFailure);
        }
        return run.changes.get();
    }

    /**
     * Runs {@code threads} threads for {@code duration}, thread {@code t} on the members {@code t},
     * {@code t + threads}, … (so no two threads touch one member) and on {@code stores[t % n]}.
     */
    static Run run(Membership[] stores, int threads, Duration duration) throws InterruptedException {
        Run run = new Run(threads);
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Membership membership = stores[t % stores.length];
            Thread worker = new Thread(() -> {
                Actor admin = Actor.user(UserId.of(JdbiBenchmark.ADMIN));
                WorkspaceId ws = WorkspaceId.of(JdbiBenchmark.WORKSPACE);
                int mine = MEMBERS / threads;
                ready.countDown();
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (long i = 0; !stop.get(); i++) {
                    UserId user = UserId.of("m" + (thread + threads * ThreadLocalRandom.current().nextInt(mine)));
                    Command.RemoveWorkspaceMember remove = new Command.RemoveWorkspaceMember(ws, user);
                    long started = System.nanoTime();
                    try {
                        if (i % WRITE_EVERY == 0) {
                            if (membership.execute(admin, remove) instanceof Outcome.Success) {
                                run.changes.incrementAndGet();
                                if (membership.execute(admin, new Command.AddWorkspaceMember(ws, user, WorkspaceRole.USER))
                                        instanceof Outcome.Success) {
                                    run.changes.incrementAndGet();
                                } else {
                                    run.refusals.incrementAndGet();
                                }
                            } else {
                                run.refusals.incrementAndGet();
                            }
                            run.writes[thread].add(System.nanoTime() - started);
                        } else {
                            if (!membership.check(admin, remove).allowed()) {
                                run.refusals.incrementAndGet();
                            }
                            run.checks[thread].add(System.nanoTime() - started);
                        }
                    } catch (UnableToPersistException e) {
                        run.failed(e);
                    }
                }
            }, "worker-" + t);
            workers.add(worker);
            worker.start();
        }
        ready.await();
        go.countDown();
        Thread.sleep(duration.toMillis());
        stop.set(true);
        for (Thread worker : workers) {
            worker.join();
        }
        return run;
    }

    /** Holds one write transaction open while other threads run dry runs; prints what they got done meanwhile. */
    private static void heldWriter(JdbiStore store, Membership membership) throws InterruptedException {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch released = new CountDownLatch(1);
        long[] heldFor = new long[1];
        Thread writer = new Thread(() -> store.write(tx -> {
            long started = System.nanoTime();
            tx.updateUserStatus(UserId.of(JdbiBenchmark.ADMIN), UserStatus.VALIDATED);
            held.countDown();
            try {
                Thread.sleep(HOLD_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            heldFor[0] = System.nanoTime() - started;
            released.countDown();
            return null;
        }), "writer");
        writer.start();
        held.await();
        Actor admin = Actor.user(UserId.of(JdbiBenchmark.ADMIN));
        Command.RemoveWorkspaceMember remove = new Command.RemoveWorkspaceMember(WorkspaceId.of(JdbiBenchmark.WORKSPACE),
                UserId.of("m1"));
        // Fewer readers than cores, so that no reader waits for a core: a wait here is the store's or SQLite's.
        Latencies[] during = new Latencies[READERS];
        for (int i = 0; i < READERS; i++) {
            during[i] = new Latencies();
        }
        AtomicLong finishedWhileHeld = new AtomicLong();
        List<Thread> readers = new ArrayList<>();
        for (Latencies latencies : during) {
            Thread reader = new Thread(() -> {
                while (released.getCount() > 0) {
                    long started = System.nanoTime();
                    if (!membership.check(admin, remove).allowed()) {
                        throw new IllegalStateException("the dry run refused");
                    }
                    if (released.getCount() > 0) {
                        finishedWhileHeld.incrementAndGet();
                    }
                    latencies.add(System.nanoTime() - started);
                }
            });
            readers.add(reader);
            reader.start();
        }
        writer.join();
        for (Thread reader : readers) {
            reader.join();
        }
        long[] sorted = Latencies.merged(during);
        System.out.printf("    writer held its transaction %.0f ms; %d dry runs finished meanwhile; their p50 %.0f µs,"
                + " slowest %.0f µs%n", heldFor[0] / 1e6, finishedWhileHeld.get(), Latencies.percentile(sorted, 50),
                Latencies.percentile(sorted, 100));
    }

    /** @return whether SQLite's busy or locked code is among the causes */
    static boolean isBusy(Throwable failure) {
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException sql && ((sql.getErrorCode() & 0xff) == 5 || (sql.getErrorCode() & 0xff) == 6)) {
                return true;
            }
        }
        return false;
    }
}
