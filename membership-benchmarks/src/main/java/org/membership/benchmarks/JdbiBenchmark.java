package org.membership.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
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
 * of {@code members} members, against a baseline: the same removal written by hand with plain JDBC
 * on one connection, with the same connection settings (WAL, foreign keys, the same durability).
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
            // What JdbiStore.sqlite sets on each pooled connection.
            SQLiteConfig config = new SQLiteConfig();
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.setSynchronous(durability == JdbiStore.Durability.FULL
                    ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
            config.setBusyTimeout(5000);
            config.enforceForeignKeys(true);
            return config;
        }

        String url() {
            return "jdbc:sqlite:" + file.toAbsolutePath();
        }
    }

    /** Writes the world into {@code template} in one store transaction, then moves it into place. */
    static void build(Path template, int members) throws IOException {
        Path building = template.resolveSibling(template.getFileName() + ".building");
        try (JdbiStore store = JdbiStore.sqlite(building, JdbiStore.Options.defaults()
                .durability(JdbiStore.Durability.NORMAL))) {
            OrganizationId org = OrganizationId.of(ORGANIZATION);
            WorkspaceId defaultWorkspace = WorkspaceId.of(ORGANIZATION + "-default");
            WorkspaceId ws = WorkspaceId.of(WORKSPACE);
            store.write(tx -> {
                tx.insertUser(user(ADMIN));
                tx.insertOrganization(new Organization(org, "Acme", defaultWorkspace, EPOCH));
                tx.insertWorkspace(new Workspace(defaultWorkspace, org, "Default", WorkspaceKind.DEFAULT, EPOCH));
                tx.insertWorkspace(new Workspace(ws, org, "Research", WorkspaceKind.CUSTOM, EPOCH));
                tx.insertOrganizationMember(new OrganizationMember(org, UserId.of(ADMIN), OrganizationRole.ADMIN, EPOCH));
                tx.insertWorkspaceMember(new WorkspaceMember(ws, UserId.of(ADMIN), WorkspaceRole.ADMIN, EPOCH));
                for (int i = 0; i < members; i++) {
                    User user = user("m" + i);
                    tx.insertUser(user);
                    tx.insertOrganizationMember(new OrganizationMember(org, user.id(), OrganizationRole.MEMBER, EPOCH));
                    tx.insertWorkspaceMember(new WorkspaceMember(ws, user.id(), WorkspaceRole.USER, EPOCH));
                }
                return null;
            });
        }
        // Closing the last connection checkpoints the write-ahead log into the file and deletes it.
        if (Files.exists(Path.of(building + "-wal"))) {
            throw new IllegalStateException("the world's write-ahead log was not checkpointed: " + building);
        }
        Files.move(building, template, StandardCopyOption.ATOMIC_MOVE);
    }

    private static User user(String name) {
        return new User(UserId.of(name), Email.of(name + "@example.com"), UserStatus.VALIDATED, false);
    }

    // ---- the hand-written baseline -------------------------------------------------------------

    /** One plain JDBC connection, in auto-commit mode, with the store's connection settings. */
    @State(Scope.Benchmark)
    public static class HandWritten {
        Connection connection;
        String target;

        @Setup(Level.Trial)
        public void open(World world) throws SQLException {
            connection = world.connectionSettings().createConnection(world.url());
            target = world.target;
            if (removeWorkspaceMember(connection, ADMIN, WORKSPACE, target) != OK
                    || addWorkspaceMember(connection, ADMIN, WORKSPACE, target) != OK
                    || libraryStatementsByHand(connection, ADMIN, WORKSPACE, target) != 14) {
                throw new IllegalStateException("the hand-written removal refused in the benchmark's world");
            }
        }

        @TearDown(Level.Trial)
        public void close() throws SQLException {
            connection.close();
        }
    }

    static final int OK = 0;
    static final int REFUSED = 1;

    /*
     * The minimal correct removal by hand: one statement per fact it must know. The actor's row is
     * joined with the workspace and its two memberships (validated? instance admin? organization
     * and workspace role? custom workspace?); the target's with its user and organization rows
     * (is it there? does it outrank the actor?); then the admin count, the delete and the audit row.
     * Statements are prepared per call, as hand-written code does (nothing caches them).
     */
    private static final String ACTOR = "SELECT w.organization_id, w.kind, u.status, u.instance_admin, om.role, wm.role"
            + " FROM workspaces w JOIN users u ON u.id = ?"
            + " LEFT JOIN organization_members om ON om.organization_id = w.organization_id AND om.user_id = u.id"
            + " LEFT JOIN workspace_members wm ON wm.workspace_id = w.id AND wm.user_id = u.id"
            + " WHERE w.id = ?";
    private static final String TARGET = "SELECT wm.role, om.role, u.instance_admin, u.status FROM workspace_members wm"
            + " JOIN organization_members om ON om.organization_id = wm.organization_id AND om.user_id = wm.user_id"
            + " JOIN users u ON u.id = wm.user_id"
            + " WHERE wm.workspace_id = ? AND wm.user_id = ?";
    private static final String COUNT_ADMINS = "SELECT count(*) FROM workspace_members m JOIN users u ON u.id = m.user_id"
            + " WHERE m.workspace_id = ? AND m.role = 'ADMIN' AND u.status = 'VALIDATED'";
    private static final String DELETE = "DELETE FROM workspace_members WHERE workspace_id = ? AND user_id = ?";
    private static final String AUDIT = "INSERT INTO audit_trail"
            + " (organization_id, happened_at, actor, operation, target, reason, cascade_lines)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String CANDIDATE = "SELECT om.role, wm.role FROM organization_members om"
            + " LEFT JOIN workspace_members wm ON wm.workspace_id = ? AND wm.user_id = om.user_id"
            + " WHERE om.organization_id = ? AND om.user_id = ?";
    private static final String INSERT = "INSERT INTO workspace_members"
            + " (workspace_id, user_id, organization_id, role, joined_at) VALUES (?, ?, ?, ?, ?)";

    /** The actor's standing in a workspace, or null if it may not manage the workspace's members. */
    private record Standing(String organization, int level) {}

    private static final int MEMBER = 1;
    private static final int WORKSPACE_ADMIN = 2;
    private static final int ORGANIZATION_ADMIN = 3;
    private static final int INSTANCE_ADMIN = 4;

    private static Standing standing(Connection c, String actor, String workspace) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ACTOR)) {
            ps.setString(1, actor);
            ps.setString(2, workspace);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || !"VALIDATED".equals(rs.getString(3)) || !"CUSTOM".equals(rs.getString(2))) {
                    return null;
                }
                int level = rs.getBoolean(4) ? INSTANCE_ADMIN
                        : "ADMIN".equals(rs.getString(5)) ? ORGANIZATION_ADMIN
                        : "ADMIN".equals(rs.getString(6)) ? WORKSPACE_ADMIN : 0;
                return level >= WORKSPACE_ADMIN ? new Standing(rs.getString(1), level) : null;
            }
        }
    }

    private static void audit(Connection c, String organization, String actor, String operation, String target)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(AUDIT)) {
            ps.setString(1, organization);
            ps.setLong(2, System.currentTimeMillis() * 1_000_000L);
            ps.setString(3, "user:" + actor);
            ps.setString(4, operation);
            ps.setString(5, target);
            ps.setString(6, "");
            ps.setString(7, null);
            ps.executeUpdate();
        }
    }

    static int removeWorkspaceMember(Connection c, String actor, String workspace, String user) throws SQLException {
        execute(c, "BEGIN IMMEDIATE");
        try {
            Standing standing = standing(c, actor, workspace);
            if (standing == null || actor.equals(user)) {
                return rollback(c);
            }
            String role;
            boolean usable;
            try (PreparedStatement ps = c.prepareStatement(TARGET)) {
                ps.setString(1, workspace);
                ps.setString(2, user);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return rollback(c);
                    }
                    role = rs.getString(1);
                    usable = "VALIDATED".equals(rs.getString(4));
                    int level = rs.getBoolean(3) ? INSTANCE_ADMIN
                            : "ADMIN".equals(rs.getString(2)) ? ORGANIZATION_ADMIN
                            : "ADMIN".equals(role) ? WORKSPACE_ADMIN : MEMBER;
                    if (level > standing.level()) {
                        return rollback(c);
                    }
                }
            }
            int admins;
            try (PreparedStatement ps = c.prepareStatement(COUNT_ADMINS)) {
                ps.setString(1, workspace);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    admins = rs.getInt(1);
                }
            }
            if ("ADMIN".equals(role) && usable && admins <= 1) {
                return rollback(c);
            }
            try (PreparedStatement ps = c.prepareStatement(DELETE)) {
                ps.setString(1, workspace);
                ps.setString(2, user);
                ps.executeUpdate();
            }
            audit(c, standing.organization(), actor, "REMOVE_WORKSPACE_MEMBER",
                    "user:" + user + " in workspace:" + workspace);
            execute(c, "COMMIT");
            return OK;
        } catch (SQLException | RuntimeException e) {
            rollback(c);
            throw e;
        }
    }

    static int addWorkspaceMember(Connection c, String actor, String workspace, String user) throws SQLException {
        execute(c, "BEGIN IMMEDIATE");
        try {
            Standing standing = standing(c, actor, workspace);
            if (standing == null) {
                return rollback(c);
            }
            try (PreparedStatement ps = c.prepareStatement(CANDIDATE)) {
                ps.setString(1, workspace);
                ps.setString(2, standing.organization());
                ps.setString(3, user);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next() || rs.getString(2) != null) {
                        return rollback(c);
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                ps.setString(1, workspace);
                ps.setString(2, user);
                ps.setString(3, standing.organization());
                ps.setString(4, "USER");
                ps.setLong(5, System.currentTimeMillis() * 1_000_000L);
                ps.executeUpdate();
            }
            audit(c, standing.organization(), actor, "ADD_WORKSPACE_MEMBER", "user:" + user + " in workspace:" + workspace);
            execute(c, "COMMIT");
            return OK;
        } catch (SQLException | RuntimeException e) {
            rollback(c);
            throw e;
        }
    }

    /*
     * The statements the library runs for the same removal and re-add (see StatementCount), sent
     * by hand with plain JDBC: 19 statements against the baseline's 13. Comparing the three
     * benchmarks splits the library's extra time into "more statements" and "the layers in between"
     * (engine, JDBI, connection pool).
     */
    private static final String[] LIBRARY_REMOVAL = {
        "SELECT id, email, status, instance_admin FROM users WHERE id = ?",
        "SELECT id, organization_id, name, kind, created_at FROM workspaces WHERE id = ?",
        "SELECT organization_id, user_id, role, joined_at FROM organization_members WHERE organization_id = ? AND user_id = ?",
        "SELECT workspace_id, user_id, role, joined_at FROM workspace_members WHERE workspace_id = ? AND user_id = ?",
        "SELECT id, email, status, instance_admin FROM users WHERE id = ?",
        "SELECT organization_id, user_id, role, joined_at FROM organization_members WHERE organization_id = ? AND user_id = ?",
        "DELETE FROM workspace_members WHERE workspace_id = ? AND user_id = ?",
        "INSERT INTO audit_trail (organization_id, happened_at, actor, operation, target, reason, cascade_lines, detail)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq",
    };
    private static final String[] LIBRARY_READD = {
        LIBRARY_REMOVAL[0],
        LIBRARY_REMOVAL[1],
        LIBRARY_REMOVAL[2],
        LIBRARY_REMOVAL[5],
        LIBRARY_REMOVAL[3],
        "INSERT INTO workspace_members (workspace_id, user_id, organization_id, role, joined_at)"
                + " SELECT id, ?, organization_id, ?, ? FROM workspaces WHERE id = ?",
        LIBRARY_REMOVAL[7],
    };

    static int libraryStatementsByHand(Connection c, String actor, String workspace, String user) throws SQLException {
        String org = ORGANIZATION;
        long now = System.currentTimeMillis() * 1_000_000L;
        String target = "user:" + user + " in workspace:" + workspace;
        int rows = 0;
        execute(c, "BEGIN IMMEDIATE");
        rows += run(c, LIBRARY_REMOVAL[0], actor);
        rows += run(c, LIBRARY_REMOVAL[1], workspace);
        rows += run(c, LIBRARY_REMOVAL[2], org, actor);
        rows += run(c, LIBRARY_REMOVAL[3], workspace, user);
        rows += run(c, LIBRARY_REMOVAL[4], user);
        rows += run(c, LIBRARY_REMOVAL[5], org, user);
        rows += run(c, LIBRARY_REMOVAL[6], workspace, user);
        rows += run(c, LIBRARY_REMOVAL[7], org, now, "user:" + actor, "REMOVE_WORKSPACE_MEMBER", target, "", null,
                "{\"type\":\"RemovedFromWorkspace\",\"workspace\":\"" + workspace + "\",\"user\":\"" + user + "\"}");
        execute(c, "COMMIT");
        execute(c, "BEGIN IMMEDIATE");
        rows += run(c, LIBRARY_READD[0], actor);
        rows += run(c, LIBRARY_READD[1], workspace);
        rows += run(c, LIBRARY_READD[2], org, actor);
        rows += run(c, LIBRARY_READD[3], org, user);
        rows += run(c, LIBRARY_READD[4], workspace, user);
        rows += run(c, LIBRARY_READD[5], user, "USER", now, workspace);
        rows += run(c, LIBRARY_READD[6], org, now, "user:" + actor, "ADD_WORKSPACE_MEMBER", target, "", "role user",
                "{\"type\":\"AddedToWorkspace\",\"workspace\":\"" + workspace + "\",\"user\":\"" + user
                        + "\",\"role\":\"user\"}");
        execute(c, "COMMIT");
        return rows;
    }

    /** Runs one statement, reading every column of every row it returns; returns rows read or changed. */
    private static int run(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            if (!ps.execute()) {
                return ps.getUpdateCount();
            }
            int rows = 0;
            try (ResultSet rs = ps.getResultSet()) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    for (int i = 1; i <= columns; i++) {
                        rs.getObject(i);
                    }
                    rows++;
                }
            }
            return rows;
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static int rollback(Connection c) {
        try {
            execute(c, "ROLLBACK");
        } catch (SQLException ignored) {
            // No transaction was open.
        }
        return REFUSED;
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
            remove = new Command.RemoveWorkspaceMember(ws, target, "");
            reAdd = new Command.AddWorkspaceMember(ws, target, WorkspaceRole.USER);
            firstPage = new Command.ListWorkspaceMembers(ws, PageRequest.first());
            removeFromOrganization = new Command.RemoveOrganizationUser(OrganizationId.of(ORGANIZATION),
                    Email.of(world.target + "@example.com"), "");
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

    /** The baseline: remove the member by hand with plain JDBC, then re-add it. Two commits. */
    @Benchmark
    public int handWrittenJdbcRemoval(HandWritten h) throws SQLException {
        return removeWorkspaceMember(h.connection, ADMIN, WORKSPACE, h.target)
                + addWorkspaceMember(h.connection, ADMIN, WORKSPACE, h.target);
    }

    /** The library's statements for the same removal and re-add, by hand with plain JDBC (not a baseline: a probe). */
    @Benchmark
    public int handWrittenLibraryStatements(HandWritten h) throws SQLException {
        return libraryStatementsByHand(h.connection, ADMIN, WORKSPACE, h.target);
    }

    /** The same removal and re-add through the engine (audit entries and events included). Two commits. */
    @Benchmark
    public Outcome<WorkspaceMember> libraryRemoval(Library l) {
        l.membership.execute(l.admin, l.remove);
        return l.membership.execute(l.admin, l.reAdd);
    }

    /** May the admin remove the member? A read transaction, no effect. */
    @Benchmark
    public Decision libraryDryRun(Library l) {
        return l.membership.check(l.admin, l.remove);
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
}
