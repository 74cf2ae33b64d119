package org.membership.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.membership.api.Actor;
import org.membership.api.Command;
import org.membership.api.Decision;
import org.membership.api.Email;
import org.membership.api.Membership;
import org.membership.api.Organization;
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationMember;
import org.membership.api.OrganizationRole;
import org.membership.api.Outcome;
import org.membership.api.Page;
import org.membership.api.PageRequest;
import org.membership.api.User;
import org.membership.api.UserId;
import org.membership.api.UserStatus;
import org.membership.api.Workspace;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceKind;
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
import org.sqlite.SQLiteConfig;

/**
 * The engine on a {@link JdbiStore} over a SQLite file, in an organization (and custom workspace)
 * of {@code members} members, against the floor: the same removal, re-add, dry run and first page
 * written by hand with plain JDBC on one connection ({@link HandWrittenJdbc}), statements prepared
 * once, with the same connection settings (WAL, foreign keys, the same durability). The same code
 * preparing every statement per call, and the library's own statements sent by hand, run beside it
 * as labelled references.
 *
 * <p>Every write benchmark leaves the database as it found it (apart from the audit trail, which
 * both sides grow alike): a removal is followed by the re-add that restores the member, on both
 * sides, so each operation is two write transactions. Each trial works on its own copy of a world
 * built once per run (see {@link Benchmarks}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 1)
public class JdbiBenchmark {
    /*
     * Why the world is built through the store SPI and copied: building 100,000 members through the
     * engine is 200,000 transactions; one SPI transaction writes exactly the rows the store would,
     * in seconds, and copying the file gives every trial the same starting state. The system property
     * names a directory the harness creates per run, so the template is built once per run, not per
     * fork; without it each fork builds its own.
     */
    /*
     * Why ten warm-up seconds: the library's path (engine, JDBI, pool) is deep, and on a loaded
     * two-core machine the JIT needs several seconds to compile it (the first second runs at
     * several times the steady cost); with three or five the ratio mostly measured the JIT.
     */
    static final String WORLD_DIRECTORY = "membership.benchmarks.worlds";

    static final String ORGANIZATION = "acme";
    static final String WORKSPACE = "w";
    static final String ADMIN = "alice";
    private static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

    /** A fresh copy of the world for one trial: an organization, a custom workspace, {@code members} members. */
    @State(Scope.Benchmark)
    public static class World {
        @Param({"100", "100000"})
        int members;

        /** SQLite's synchronous setting, the same on both sides. */
        @Param({"NORMAL"})
        JdbiStore.Durability durability;

        Path file;
        String target;

        @Setup(Level.Trial)
        public void copy() throws IOException {
            Path directory = System.getProperty(WORLD_DIRECTORY) != null
                    ? Path.of(System.getProperty(WORLD_DIRECTORY))
                    : Files.createTempDirectory("membership-benchmarks");
            Files.createDirectories(directory);
            Path template = directory.resolve("world-" + members + ".db");
            if (!Files.exists(template)) {
                build(template, members);
            }
            file = directory.resolve("trial-" + UUID.randomUUID() + ".db");
            Files.copy(template, file);
            target = "m" + (members / 2);
        }

        @TearDown(Level.Trial)
        public void delete() throws IOException {
            for (String suffix : new String[] {"", "-wal", "-shm"}) {
                Files.deleteIfExists(Path.of(file + suffix));
            }
        }

        SQLiteConfig connectionSettings() {
            return JdbiBenchmark.connectionSettings(durability);
        }

        String url() {
            return "jdbc:sqlite:" + file.toAbsolutePath();
        }
    }

    /** @return what JdbiStore.sqlite sets on each pooled connection, for the hand-written code's connection */
    static SQLiteConfig connectionSettings(JdbiStore.Durability durability) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(durability == JdbiStore.Durability.FULL
                ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(5000);
        config.enforceForeignKeys(true);
        config.setGetGeneratedKeys(false);
        return config;
    }

    /** Writes the world into {@code template} in one store transaction, then moves it into place. */
    static void build(Path template, int members) throws IOException {
        Path building = template.resolveSibling(template.getFileName() + ".building");
        try (JdbiStore store = JdbiStore.sqlite(building, JdbiStore.Options.defaults()
                .durability(JdbiStore.Durability.NORMAL))) {
            populate(store, ORGANIZATION, WORKSPACE, ADMIN, "m", members);
        }
        // Closing the last connection checkpoints the write-ahead log into the file and deletes it.
        if (Files.exists(Path.of(building + "-wal"))) {
            throw new IllegalStateException("the world's write-ahead log was not checkpointed: " + building);
        }
        Files.move(building, template, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Writes one organization in one store transaction: its default workspace, a custom workspace,
     * an admin of both, and {@code members} validated users ({@code prefix} + 0, 1, …) who are
     * members of the organization and {@code USER}s of the custom workspace.
     */
    static void populate(JdbiStore store, String organization, String workspace, String admin, String prefix, int members) {
        OrganizationId org = OrganizationId.of(organization);
        WorkspaceId defaultWorkspace = WorkspaceId.of(organization + "-default");
        WorkspaceId ws = WorkspaceId.of(workspace);
        store.write(tx -> {
            tx.insertUser(user(admin));
            tx.insertOrganization(new Organization(org, "Acme", defaultWorkspace, EPOCH));
            tx.insertWorkspace(new Workspace(defaultWorkspace, org, "Default", WorkspaceKind.DEFAULT, EPOCH));
            tx.insertWorkspace(new Workspace(ws, org, "Research", WorkspaceKind.CUSTOM, EPOCH));
            tx.insertOrganizationMember(new OrganizationMember(org, UserId.of(admin), OrganizationRole.ADMIN, EPOCH));
            tx.insertWorkspaceMember(new WorkspaceMember(ws, UserId.of(admin), WorkspaceRole.ADMIN, EPOCH));
            for (int i = 0; i < members; i++) {
                User user = user(prefix + i);
                tx.insertUser(user);
                tx.insertOrganizationMember(new OrganizationMember(org, user.id(), OrganizationRole.MEMBER, EPOCH));
                tx.insertWorkspaceMember(new WorkspaceMember(ws, user.id(), WorkspaceRole.USER, EPOCH));
            }
            return null;
        });
    }

    private static User user(String name) {
        return new User(UserId.of(name), Email.of(name + "@example.com"), UserStatus.VALIDATED, false);
    }

    // ---- the hand-written floor and references ----------------------------------------------------

    /** A plain JDBC connection with the store's connection settings, for {@link HandWrittenJdbc}. */
    abstract static class ByHand {
        HandWrittenJdbc jdbc;
        String target;

        void open(World world, HandWrittenJdbc.Preparation preparation, boolean withEvent) throws SQLException {
            jdbc = new HandWrittenJdbc(world.connectionSettings().createConnection(world.url()),
                    HandWrittenJdbc.Database.SQLITE, preparation, withEvent);
            target = world.target;
            if (jdbc.removeWorkspaceMember(ADMIN, WORKSPACE, target, "") != HandWrittenJdbc.OK
                    || jdbc.addWorkspaceMember(ADMIN, WORKSPACE, target) != HandWrittenJdbc.OK
                    || jdbc.checkRemoval(ADMIN, WORKSPACE, target) != HandWrittenJdbc.OK
                    || jdbc.checkRemovalInOneStatement(ADMIN, WORKSPACE, target) != HandWrittenJdbc.OK
                    || jdbc.firstPage(ADMIN, WORKSPACE, PageRequest.DEFAULT_LIMIT).size() != PageRequest.DEFAULT_LIMIT + 1
                    || jdbc.libraryStatements(ORGANIZATION, ADMIN, WORKSPACE, target) != 14) {
                throw new IllegalStateException("the hand-written code refused in the benchmark's world");
            }
        }

        @TearDown(Level.Trial)
        public void close() throws SQLException {
            jdbc.close();
        }
    }

    /** The floor: every statement prepared once for the connection. */
    @State(Scope.Benchmark)
    public static class Floor extends ByHand {
        @Setup(Level.Trial)
        public void open(World world) throws SQLException {
            open(world, HandWrittenJdbc.Preparation.ONCE, false);
        }
    }

    /** The floor with one outbox row per change, as the change feed will add to the library. */
    @State(Scope.Benchmark)
    public static class FloorWithEvent extends ByHand {
        @Setup(Level.Trial)
        public void open(World world) throws SQLException {
            open(world, HandWrittenJdbc.Preparation.ONCE, true);
        }
    }

    /** A reference, not the floor: every statement prepared and closed on every call. */
    @State(Scope.Benchmark)
    public static class PerCall extends ByHand {
        @Setup(Level.Trial)
        public void open(World world) throws SQLException {
            open(world, HandWrittenJdbc.Preparation.PER_CALL, false);
        }
    }

    // ---- the library -------------------------------------------------------------------------

    /** The engine over a {@link JdbiStore} with default options but the world's durability. */
    @State(Scope.Benchmark)
    public static class Library {
        JdbiStore store;
        Membership membership;
        Actor admin;
        Command.RemoveWorkspaceMember remove;
        Command.AddWorkspaceMember reAdd;
        Command.ListWorkspaceMembers firstPage;
        Command.RemoveOrganizationUser removeFromOrganization;
        OrganizationMember organizationMember;
        WorkspaceMember workspaceMember;

        @Setup(Level.Trial)
        public void open(World world) {
            store = JdbiStore.sqlite(world.file, JdbiStore.Options.defaults().durability(world.durability));
            membership = MembershipEngine.builder(store).build();
            admin = Actor.user(UserId.of(ADMIN));
            WorkspaceId ws = WorkspaceId.of(WORKSPACE);
            UserId target = UserId.of(world.target);
            remove = new Command.RemoveWorkspaceMember(ws, target);
            reAdd = new Command.AddWorkspaceMember(ws, target, WorkspaceRole.USER);
            firstPage = new Command.ListWorkspaceMembers(ws, PageRequest.first());
            removeFromOrganization = new Command.RemoveOrganizationUser(OrganizationId.of(ORGANIZATION),
                    Email.of(world.target + "@example.com"));
            organizationMember = new OrganizationMember(OrganizationId.of(ORGANIZATION), target,
                    OrganizationRole.MEMBER, EPOCH);
            workspaceMember = new WorkspaceMember(ws, target, WorkspaceRole.USER, EPOCH);
            if (!membership.check(admin, remove).allowed()
                    || !(membership.execute(admin, remove) instanceof Outcome.Success)
                    || !(membership.execute(admin, reAdd) instanceof Outcome.Success)
                    || !(removeFromOrganizationThenRestore() instanceof Outcome.Success)
                    || !(membership.execute(admin, firstPage) instanceof Outcome.Success<Page<WorkspaceMember>> page
                            && page.value().items().size() == PageRequest.DEFAULT_LIMIT)) {
                throw new IllegalStateException("the library refused in the benchmark's world");
            }
        }

        Outcome<?> removeFromOrganizationThenRestore() {
            Outcome<?> outcome = membership.execute(admin, removeFromOrganization);
            store.write(tx -> {
                tx.insertOrganizationMember(organizationMember);
                tx.insertWorkspaceMember(workspaceMember);
                return null;
            });
            return outcome;
        }

        @TearDown(Level.Trial)
        public void close() {
            store.close();
        }
    }

    // ---- benchmarks ---------------------------------------------------------------------------

    /** The floor: remove the member by hand, statements prepared once, then re-add it. Two commits, 12 statements. */
    @Benchmark
    public int floorRemoval(Floor h) throws SQLException {
        return h.jdbc.removeWorkspaceMember(ADMIN, WORKSPACE, h.target, "")
                + h.jdbc.addWorkspaceMember(ADMIN, WORKSPACE, h.target);
    }

    /** The floor plus one outbox row per change. Two commits, 14 statements. */
    @Benchmark
    public int floorRemovalWithEvent(FloorWithEvent h) throws SQLException {
        return h.jdbc.removeWorkspaceMember(ADMIN, WORKSPACE, h.target, "")
                + h.jdbc.addWorkspaceMember(ADMIN, WORKSPACE, h.target);
    }

    /** A reference: the floor's statements, each prepared and closed on every call (the earlier baseline). */
    @Benchmark
    public int perCallRemoval(PerCall h) throws SQLException {
        return h.jdbc.removeWorkspaceMember(ADMIN, WORKSPACE, h.target, "")
                + h.jdbc.addWorkspaceMember(ADMIN, WORKSPACE, h.target);
    }

    /** A probe: the library's 19 statements for the same removal and re-add, by hand, prepared once. */
    @Benchmark
    public int libraryStatementsByHand(Floor h) throws SQLException {
        return h.jdbc.libraryStatements(ORGANIZATION, ADMIN, WORKSPACE, h.target);
    }

    /** The same removal and re-add through the engine (audit entries and events included). Two commits, 19 statements. */
    @Benchmark
    public Outcome<WorkspaceMember> libraryRemoval(Library l) {
        l.membership.execute(l.admin, l.remove);
        return l.membership.execute(l.admin, l.reAdd);
    }

    /** The floor of a dry run: the two standings (and a count for an admin target) in a read transaction. */
    @Benchmark
    public int floorDryRun(Floor h) throws SQLException {
        return h.jdbc.checkRemoval(ADMIN, WORKSPACE, h.target);
    }

    /** Below the floor, for reference: the whole decision as one statement in auto-commit mode. */
    @Benchmark
    public int floorDryRunOneStatement(Floor h) throws SQLException {
        return h.jdbc.checkRemovalInOneStatement(ADMIN, WORKSPACE, h.target);
    }

    /** May the admin remove the member? A read transaction, no effect. */
    @Benchmark
    public Decision libraryDryRun(Library l) {
        return l.membership.check(l.admin, l.remove);
    }

    /** The floor of the first page: the actor's standing and 21 rows mapped to the API's values, in a read transaction. */
    @Benchmark
    public List<WorkspaceMember> floorFirstPage(Floor h) throws SQLException {
        return h.jdbc.firstPage(ADMIN, WORKSPACE, PageRequest.DEFAULT_LIMIT);
    }

    /** The first page (20) of the workspace's members. */
    @Benchmark
    public Outcome<Page<WorkspaceMember>> libraryListFirstPage(Library l) {
        return l.membership.execute(l.admin, l.firstPage);
    }

    /**
     * Removes the user from the organization by email (X: organization and workspace memberships,
     * in one transaction), then restores both rows through the store SPI. Two commits.
     */
    @Benchmark
    public Outcome<?> libraryRemoveOrganizationUser(Library l) {
        return l.removeFromOrganizationThenRestore();
    }

    // ---- what one statement costs ----------------------------------------------------------------

    /** How many primary-key reads one read transaction makes, for the cost of one statement. */
    @State(Scope.Benchmark)
    public static class Reads {
        @Param({"1", "9"})
        int reads;
    }

    /** {@code reads} primary-key reads of one user by hand (prepared once) in one read transaction. */
    @Benchmark
    public int floorPointReads(Floor h, Reads r) throws SQLException {
        return h.jdbc.pointReads(ADMIN, r.reads);
    }

    /** The same reads through the store's SPI ({@code StoreTransaction.user}) in one {@code read}. */
    @Benchmark
    public int libraryPointReads(Library l, Reads r) {
        UserId alice = UserId.of(ADMIN);
        return l.store.read(tx -> {
            int found = 0;
            for (int i = 0; i < r.reads; i++) {
                found += tx.user(alice).isPresent() ? 1 : 0;
            }
            return found;
        });
    }
}
