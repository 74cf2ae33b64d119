package org.membership.benchmarks;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.membership.api.Actor;
import org.membership.api.Command;
import org.membership.api.Membership;
import org.membership.api.Outcome;
import org.membership.api.UserId;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceRole;
import org.membership.core.MembershipEngine;
import org.membership.jdbi.JdbiStore;

/**
 * A harness, not JMH: removal (+ re-add) throughput on PostgreSQL with 1, 4 and 16 concurrent
 * writers, each writer on an organization of its own, then all on one organization (whose lock
 * serializes them), for the library and for the floor ({@link HandWrittenJdbc}, one connection per
 * writer, statements prepared once), the two sides alternating run by run. Every writer works on
 * members no other writer touches, so every call must succeed; it prints pairs per second and the
 * p50/p99 latency of one pair (two commits), counts failures and refusals, and at the end checks the
 * {@link Invariants} over every organization. The library's pool has as many connections as the
 * most writers, so both sides have the same number of connections. The schema is fresh and dropped.
 *
 * <pre>{@code MEMBERSHIP_PG_URL=... ./mvnw -B -ntp -q -pl membership-benchmarks -am package exec:exec -DskipTests -Dbenchmarks=postgresql-throughput}</pre>
 *
 * <p>Settings (after the suite's name; see {@link Benchmarks}): {@code harness.seconds} per measured
 * run (default 5), {@code harness.rounds} (default 2).
 */
public final class PostgresThroughput {
    private PostgresThroughput() {}

    static final int ORGANIZATIONS = 16;
    static final int MEMBERS = 160;
    static final int[] WRITERS = {1, 4, 16};

    private static Invariants.Organization organization(int i) {
        return new Invariants.Organization("org" + i, "ws" + i, "admin" + i, "o" + i + "m", MEMBERS);
    }

    /** One writer's view of the work: remove then re-add a member; true if both succeeded. */
    @FunctionalInterface
    interface Writer {
        boolean removeThenReAdd(Invariants.Organization organization, String member) throws Exception;
    }

    /** What one run counted. */
    static final class Run {
        final Latencies[] pairs;
        final AtomicLong changes = new AtomicLong();
        final AtomicLong failures = new AtomicLong();
        final AtomicLong refusals = new AtomicLong();
        volatile String firstFailure;

        Run(int writers) {
            pairs = new Latencies[writers];
            for (int i = 0; i < writers; i++) {
                pairs[i] = new Latencies();
            }
        }
    }

    /** @param args unused */
    public static void main(String[] args) throws SQLException, InterruptedException {
        int seconds = Integer.getInteger("harness.seconds", 5);
        int rounds = Integer.getInteger("harness.rounds", 2);
        long changes = 0;
        try (PostgresSchema schema = PostgresSchema.create()) {
            try (JdbiStore store = JdbiStore.postgresql(schema.url())) {
                for (int i = 0; i < ORGANIZATIONS; i++) {
                    Invariants.Organization o = organization(i);
                    JdbiBenchmark.populate(store, o.id(), o.workspace(), o.admin(), o.prefix(), o.members());
                }
            }
            int most = WRITERS[WRITERS.length - 1];
            try (JdbiStore store = JdbiStore.postgresql(schema.url(), JdbiStore.Options.defaults().poolSize(most))) {
                Membership membership = MembershipEngine.builder(store).build();
                System.out.printf("PostgreSQL throughput: %d organizations of %d members; library pool %d; %d s per run,"
                        + " %d rounds; load average %s%n", ORGANIZATIONS, MEMBERS, most, seconds, rounds, Benchmarks.load());
                // Warm-up, not reported: both sides, every organization.
                changes += run(schema, membership, "library", 4, false, 5).changes.get();
                changes += run(schema, membership, "floor", 4, false, 5).changes.get();
                System.out.printf("%-8s %-20s %7s %10s %10s %10s %8s %8s%n", "side", "organizations", "writers", "pairs/s",
                        "p50 µs", "p99 µs", "failed", "refused");
                for (int round = 1; round <= rounds; round++) {
                    for (int writers : WRITERS) {
                        for (boolean oneOrganization : new boolean[] {false, true}) {
                            if (writers == 1 && oneOrganization) {
                                continue; // one writer: the same run as "its own"
                            }
                            String[] sides = round % 2 == 1 ? new String[] {"floor", "library"} : new String[] {"library", "floor"};
                            for (String side : sides) {
                                Run run = run(schema, membership, side, writers, oneOrganization, seconds);
                                changes += run.changes.get();
                                long[] sorted = Latencies.merged(run.pairs);
                                System.out.printf("%-8s %-20s %7d %10.0f %10.0f %10.0f %8d %8d%n", side,
                                        oneOrganization ? "all on one" : "one each", writers, sorted.length / (double) seconds,
                                        Latencies.percentile(sorted, 50), Latencies.percentile(sorted, 99),
                                        run.failures.get(), run.refusals.get());
                                if (run.firstFailure != null) {
                                    System.out.println("    first failure: " + run.firstFailure);
                                }
                            }
                        }
                    }
                }
            }
            List<Invariants.Organization> organizations = new ArrayList<>();
            for (int i = 0; i < ORGANIZATIONS; i++) {
                organizations.add(organization(i));
            }
            String broken;
            try (Connection c = schema.connect()) {
                broken = Invariants.check(c, organizations, changes);
            }
            System.out.println(broken.isEmpty() ? "invariants: 0 violations (" + changes + " changes, each with its audit"
                    + " row; every member back; one usable admin per organization and workspace); load average "
                    + Benchmarks.load() : "INVARIANT VIOLATIONS: " + broken);
        }
    }

    /**
     * @param oneOrganization all writers on organization 0, each on its own share of its members; else writer
     *                        {@code i} on organization {@code i}
     */
    static Run run(PostgresSchema schema, Membership membership, String side, int writers, boolean oneOrganization,
                   int seconds) throws InterruptedException, SQLException {
        Run run = new Run(writers);
        List<HandWrittenJdbc> floors = new ArrayList<>();
        if (side.equals("floor")) {
            for (int i = 0; i < writers; i++) {
                floors.add(new HandWrittenJdbc(schema.connect(), HandWrittenJdbc.Database.POSTGRESQL,
                        HandWrittenJdbc.Preparation.ONCE, true));
            }
        }
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            Invariants.Organization o = organization(oneOrganization ? 0 : w);
            int share = oneOrganization ? MEMBERS / writers : MEMBERS;
            int stride = oneOrganization ? writers : 1;
            int offset = oneOrganization ? w : 0;
            Writer work = side.equals("floor") ? byHand(floors.get(w)) : library(membership);
            Thread thread = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                while (!stop.get()) {
                    String member = o.prefix() + (offset + stride * ThreadLocalRandom.current().nextInt(share));
                    long started = System.nanoTime();
                    try {
                        if (work.removeThenReAdd(o, member)) {
                            run.changes.addAndGet(2);
                            run.pairs[writer].add(System.nanoTime() - started);
                        } else {
                            run.refusals.incrementAndGet();
                        }
                    } catch (Exception e) {
                        run.failures.incrementAndGet();
                        if (run.firstFailure == null) {
                            run.firstFailure = e.toString();
                        }
                    }
                }
            }, side + "-" + w);
            threads.add(thread);
            thread.start();
        }
        go.countDown();
        Thread.sleep(seconds * 1000L);
        stop.set(true);
        for (Thread thread : threads) {
            thread.join();
        }
        for (HandWrittenJdbc floor : floors) {
            floor.close();
        }
        return run;
    }

    private static Writer library(Membership membership) {
        return (o, member) -> {
            Actor admin = Actor.user(UserId.of(o.admin()));
            WorkspaceId ws = WorkspaceId.of(o.workspace());
            UserId user = UserId.of(member);
            return membership.execute(admin, new Command.RemoveWorkspaceMember(ws, user)) instanceof Outcome.Success
                    && membership.execute(admin, new Command.AddWorkspaceMember(ws, user, WorkspaceRole.USER))
                            instanceof Outcome.Success;
        };
    }

    private static Writer byHand(HandWrittenJdbc jdbc) {
        return (o, member) -> jdbc.removeWorkspaceMember(o.admin(), o.workspace(), member, "") == HandWrittenJdbc.OK
                && jdbc.addWorkspaceMember(o.admin(), o.workspace(), member) == HandWrittenJdbc.OK;
    }
}
