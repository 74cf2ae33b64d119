package org.membership.benchmarks;

import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.membership.api.Actor;
import org.membership.api.Command;
import org.membership.api.Membership;
import org.membership.api.Outcome;
import org.membership.api.UserId;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceMember;
import org.membership.api.WorkspaceRole;
import org.membership.core.MembershipEngine;
import org.membership.jdbi.JdbiStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The removal and re-add of {@link JdbiBenchmark} on PostgreSQL, one writer: the engine over
 * {@link JdbiStore#postgresql(String)} against the floor ({@link HandWrittenJdbc} on one connection,
 * statements prepared once, the organization locked and the counted accounts share-locked as the
 * store does). Each trial has a fresh schema of its own on the database named by
 * {@code MEMBERSHIP_PG_URL}, dropped at its end. The server's settings (its {@code synchronous_commit}
 * among them) are the same for both sides.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 1)
public class PostgresBenchmark {
    /** A fresh schema with the benchmark's world: one organization, a custom workspace, {@code members} members. */
    @State(Scope.Benchmark)
    public static class World {
        @Param({"100"})
        int members;

        PostgresSchema schema;
        String target;

        @Setup(Level.Trial)
        public void create() throws SQLException {
            schema = PostgresSchema.create();
            try (JdbiStore store = JdbiStore.postgresql(schema.url())) {
                JdbiBenchmark.populate(store, JdbiBenchmark.ORGANIZATION, JdbiBenchmark.WORKSPACE, JdbiBenchmark.ADMIN,
                        "m", members);
            }
            target = "m" + members / 2;
        }

        @TearDown(Level.Trial)
        public void drop() throws SQLException {
            schema.close();
        }
    }

    /** The floor on one connection. */
    @State(Scope.Benchmark)
    public static class Floor {
        HandWrittenJdbc jdbc;
        String target;

        void open(World world, boolean withEvent) throws SQLException {
            jdbc = new HandWrittenJdbc(world.schema.connect(), HandWrittenJdbc.Database.POSTGRESQL,
                    HandWrittenJdbc.Preparation.ONCE, withEvent);
            target = world.target;
        }

        @Setup(Level.Trial)
        public void open(World world) throws SQLException {
            open(world, false);
        }

        @TearDown(Level.Trial)
        public void close() throws SQLException {
            jdbc.close();
        }
    }

    /** The floor with one outbox row per change. */
    @State(Scope.Benchmark)
    public static class FloorWithEvent extends Floor {
        @Override
        @Setup(Level.Trial)
        public void open(World world) throws SQLException {
            open(world, true);
        }
    }

    /** The engine over the store's own pool. */
    @State(Scope.Benchmark)
    public static class Library {
        JdbiStore store;
        Membership membership;
        Actor admin;
        Command.RemoveWorkspaceMember remove;
        Command.AddWorkspaceMember reAdd;

        @Setup(Level.Trial)
        public void open(World world) {
            store = JdbiStore.postgresql(world.schema.url());
            membership = MembershipEngine.builder(store).build();
            admin = Actor.user(UserId.of(JdbiBenchmark.ADMIN));
            remove = new Command.RemoveWorkspaceMember(WorkspaceId.of(JdbiBenchmark.WORKSPACE), UserId.of(world.target));
            reAdd = new Command.AddWorkspaceMember(WorkspaceId.of(JdbiBenchmark.WORKSPACE), UserId.of(world.target),
                    WorkspaceRole.USER);
        }

        @TearDown(Level.Trial)
        public void close() {
            store.close();
        }
    }

    private static int removeThenReAdd(Floor h) throws SQLException {
        int refused = h.jdbc.removeWorkspaceMember(JdbiBenchmark.ADMIN, JdbiBenchmark.WORKSPACE, h.target, "")
                + h.jdbc.addWorkspaceMember(JdbiBenchmark.ADMIN, JdbiBenchmark.WORKSPACE, h.target);
        if (refused != 0) {
            throw new IllegalStateException("the floor refused");
        }
        return refused;
    }

    /** The floor: removal and re-add by hand. Two commits, 14 statements (the lock is one more per change than on SQLite). */
    @Benchmark
    public int floorRemoval(Floor h) throws SQLException {
        return removeThenReAdd(h);
    }

    /** The floor plus one outbox row per change. */
    @Benchmark
    public int floorRemovalWithEvent(FloorWithEvent h) throws SQLException {
        return removeThenReAdd(h);
    }

    /** The same through the engine. */
    @Benchmark
    public Outcome<WorkspaceMember> libraryRemoval(Library l) {
        if (!(l.membership.execute(l.admin, l.remove) instanceof Outcome.Success)) {
            throw new IllegalStateException("the library refused");
        }
        return l.membership.execute(l.admin, l.reAdd);
    }

    /**
     * Runs {@link FloorEquivalence} on PostgreSQL: two fresh schemas, the library on one, the floor on the other.
     *
     * @return what both decided
     */
    static String checkEquivalence() throws SQLException {
        try (PostgresSchema library = PostgresSchema.create(); PostgresSchema floor = PostgresSchema.create()) {
            try (JdbiStore store = JdbiStore.postgresql(floor.url())) {
                JdbiBenchmark.populate(store, JdbiBenchmark.ORGANIZATION, JdbiBenchmark.WORKSPACE, JdbiBenchmark.ADMIN,
                        "m", 100);
            }
            try (JdbiStore store = JdbiStore.postgresql(library.url())) {
                JdbiBenchmark.populate(store, JdbiBenchmark.ORGANIZATION, JdbiBenchmark.WORKSPACE, JdbiBenchmark.ADMIN,
                        "m", 100);
                return FloorEquivalence.check(store, library::connect, floor::connect, HandWrittenJdbc.Database.POSTGRESQL);
            }
        }
    }
}
