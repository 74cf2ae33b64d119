package org.membership.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import org.sqlite.SQLiteConfig;

/**
 * Checks, before any figure is measured, that the floor ({@link HandWrittenJdbc}) does what the
 * library does: on two copies of the benchmark's world, the library's removal and re-add and the
 * floor's leave the same rows in every table (the audit trail column by column, times and sequence
 * numbers aside), and both decide alike on the refusals that share the removal's path — self-removal,
 * a non-member, an unknown actor, a plain member acting, the last usable admin — and on the dry run.
 * A floor that skipped a check or a write would be cheaper for the wrong reason; this fails then.
 *
 * <pre>{@code java -cp ... org.membership.benchmarks.FloorEquivalence}</pre>
 */
public final class FloorEquivalence {
    private FloorEquivalence() {}

    /** @param args unused */
    public static void main(String[] args) throws IOException, SQLException {
        System.out.println(check());
    }

    /**
     * @return what both decided and how many audit rows both wrote, for the run's log
     * @throws IllegalStateException if the floor and the library differ
     */
    static String check() throws IOException, SQLException {
        Path directory = Files.createTempDirectory("membership-floor");
        try {
            Path template = directory.resolve("world.db");
            JdbiBenchmark.build(template, 100);
            Path libraryFile = directory.resolve("library.db");
            Path floorFile = directory.resolve("floor.db");
            Files.copy(template, libraryFile);
            Files.copy(template, floorFile);
            SQLiteConfig config = new SQLiteConfig();
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.enforceForeignKeys(true);
            try (JdbiStore store = JdbiStore.sqlite(libraryFile, JdbiStore.Options.defaults()
                    .durability(JdbiStore.Durability.NORMAL))) {
                return check(store, () -> config.createConnection("jdbc:sqlite:" + libraryFile),
                        () -> config.createConnection("jdbc:sqlite:" + floorFile), HandWrittenJdbc.Database.SQLITE);
            }
        } finally {
            try (var files = Files.walk(directory)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** Opens a new connection to one side's database. */
    @FunctionalInterface
    interface Connections {
        Connection open() throws SQLException;
    }

    /**
     * @param store the library's store, on the benchmark's world ({@link JdbiBenchmark#populate})
     * @param library connections to the store's database, for reading it
     * @param floor connections to a second copy of the same world, for the floor
     * @return what both decided and how many audit rows both wrote
     * @throws IllegalStateException if the floor and the library differ
     */
    static String check(JdbiStore store, Connections library, Connections floor, HandWrittenJdbc.Database database)
            throws SQLException {
        String target = "m50";
        Membership membership = MembershipEngine.builder(store).build();
        boolean dryRuns = database == HandWrittenJdbc.Database.SQLITE;
        String byLibrary = library(membership, store, target, dryRuns);
        String byFloor;
        try (HandWrittenJdbc jdbc = new HandWrittenJdbc(floor.open(), database, HandWrittenJdbc.Preparation.ONCE, true)) {
            byFloor = floor(jdbc, floor, target, dryRuns);
        }
        if (!byLibrary.equals(byFloor)) {
            throw new IllegalStateException("the floor decides otherwise than the library:\nlibrary " + byLibrary
                    + "\nfloor   " + byFloor);
        }
        Map<String, List<String>> libraryRows = dump(library);
        Map<String, List<String>> floorRows = dump(floor);
        if (!libraryRows.equals(floorRows)) {
            throw new IllegalStateException("the floor writes other rows than the library:\nlibrary " + libraryRows
                    + "\nfloor   " + floorRows);
        }
        return "floor equivalence (" + database.name().toLowerCase() + "): the floor and the library decide alike ("
                + byLibrary + ") and leave the same rows, " + libraryRows.get("audit_trail").size() + " audit rows and "
                + libraryRows.get("feed_events").size() + " outbox rows each";
    }

    private static final String[] CASES = {"remove self", "remove a non-member", "unknown actor", "a plain member acts",
        "remove, then re-add", "dry run", "remove a second admin", "remove the last usable admin", "dry run of that"};

    /** @return each case's name and whether it was allowed, in {@link #CASES} order */
    private static String library(Membership membership, JdbiStore store, String target, boolean dryRuns) {
        WorkspaceId ws = WorkspaceId.of(JdbiBenchmark.WORKSPACE);
        Actor alice = Actor.user(UserId.of(JdbiBenchmark.ADMIN));
        List<Boolean> allowed = new ArrayList<>();
        allowed.add(succeeds(membership.execute(alice, remove(JdbiBenchmark.ADMIN))));
        allowed.add(succeeds(membership.execute(alice, remove("nobody"))));
        allowed.add(succeeds(membership.execute(Actor.user(UserId.of("nobody")), remove(target))));
        allowed.add(succeeds(membership.execute(Actor.user(UserId.of("m1")), remove(target))));
        allowed.add(succeeds(membership.execute(alice, remove(target)))
                && succeeds(membership.execute(alice, new Command.AddWorkspaceMember(ws, UserId.of(target), WorkspaceRole.USER))));
        allowed.add(dryRuns && membership.check(alice, remove(target)).allowed());
        // m3 becomes a second admin of w: removable; then m4 is the only usable admin once alice is a plain user of w.
        store.write(tx -> {
            tx.updateWorkspaceMember(new WorkspaceMember(ws, UserId.of("m3"), WorkspaceRole.ADMIN, EPOCH));
            return null;
        });
        allowed.add(succeeds(membership.execute(alice, remove("m3"))));
        store.write(tx -> {
            tx.updateWorkspaceMember(new WorkspaceMember(ws, UserId.of("m4"), WorkspaceRole.ADMIN, EPOCH));
            tx.updateWorkspaceMember(new WorkspaceMember(ws, UserId.of(JdbiBenchmark.ADMIN), WorkspaceRole.USER, EPOCH));
            return null;
        });
        allowed.add(succeeds(membership.execute(alice, remove("m4"))));
        allowed.add(dryRuns && membership.check(alice, remove("m4")).allowed());
        return describe(allowed, dryRuns);
    }

    private static String floor(HandWrittenJdbc floor, Connections connections, String target, boolean dryRuns)
            throws SQLException {
        String ws = JdbiBenchmark.WORKSPACE;
        String alice = JdbiBenchmark.ADMIN;
        List<Boolean> allowed = new ArrayList<>();
        allowed.add(floor.removeWorkspaceMember(alice, ws, alice, "") == HandWrittenJdbc.OK);
        allowed.add(floor.removeWorkspaceMember(alice, ws, "nobody", "") == HandWrittenJdbc.OK);
        allowed.add(floor.removeWorkspaceMember("nobody", ws, target, "") == HandWrittenJdbc.OK);
        allowed.add(floor.removeWorkspaceMember("m1", ws, target, "") == HandWrittenJdbc.OK);
        allowed.add(floor.removeWorkspaceMember(alice, ws, target, "") == HandWrittenJdbc.OK
                && floor.addWorkspaceMember(alice, ws, target) == HandWrittenJdbc.OK);
        boolean check = dryRuns && floor.checkRemoval(alice, ws, target) == HandWrittenJdbc.OK;
        if (dryRuns && check != (floor.checkRemovalInOneStatement(alice, ws, target) == HandWrittenJdbc.OK)) {
            throw new IllegalStateException("the floor's two dry runs disagree");
        }
        allowed.add(check);
        setRole(connections, "m3", "ADMIN");
        allowed.add(floor.removeWorkspaceMember(alice, ws, "m3", "") == HandWrittenJdbc.OK);
        setRole(connections, "m4", "ADMIN");
        setRole(connections, alice, "USER");
        allowed.add(floor.removeWorkspaceMember(alice, ws, "m4", "") == HandWrittenJdbc.OK);
        check = dryRuns && floor.checkRemoval(alice, ws, "m4") == HandWrittenJdbc.OK;
        if (dryRuns && check != (floor.checkRemovalInOneStatement(alice, ws, "m4") == HandWrittenJdbc.OK)) {
            throw new IllegalStateException("the floor's two dry runs disagree on the last admin");
        }
        allowed.add(check);
        return describe(allowed, dryRuns);
    }

    private static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

    /** The same role change the library's SPI makes, on another connection (the floor's is in auto-commit mode). */
    private static void setRole(Connections connections, String user, String role) throws SQLException {
        try (Connection c = connections.open();
             var ps = c.prepareStatement("UPDATE workspace_members SET role = ?, joined_at = ?"
                     + " WHERE workspace_id = ? AND user_id = ?")) {
            ps.setString(1, role);
            ps.setLong(2, EPOCH.getEpochSecond() * 1_000_000_000L);
            ps.setString(3, JdbiBenchmark.WORKSPACE);
            ps.setString(4, user);
            if (ps.executeUpdate() != 1) {
                throw new IllegalStateException("no membership of " + user);
            }
        }
    }

    private static Command.RemoveWorkspaceMember remove(String user) {
        return new Command.RemoveWorkspaceMember(WorkspaceId.of(JdbiBenchmark.WORKSPACE), UserId.of(user));
    }

    private static boolean succeeds(Outcome<?> outcome) {
        return outcome instanceof Outcome.Success;
    }

    private static String describe(List<Boolean> allowed, boolean dryRuns) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < CASES.length; i++) {
            if (!dryRuns && CASES[i].startsWith("dry run")) {
                continue;
            }
            out.append(out.length() > 0 ? ", " : "").append(CASES[i]).append(allowed.get(i) ? ": allowed" : ": refused");
        }
        return out.toString();
    }

    /** Every table's rows, sorted; times and the audit sequence left out, since they differ by when each side ran. */
    private static Map<String, List<String>> dump(Connections connections) throws SQLException {
        Map<String, String> selects = new LinkedHashMap<>();
        selects.put("users", "SELECT id, email, status, instance_admin FROM users");
        selects.put("organizations", "SELECT id, name, default_workspace, created_at FROM organizations");
        selects.put("workspaces", "SELECT id, organization_id, name, kind, created_at FROM workspaces");
        selects.put("organization_members", "SELECT organization_id, user_id, role, joined_at FROM organization_members");
        selects.put("workspace_members", "SELECT workspace_id, user_id, organization_id, role FROM workspace_members");
        selects.put("invitations", "SELECT id, organization_id, email, role, status, created_at, expires_at FROM invitations");
        selects.put("audit_trail", "SELECT organization_id, actor, operation, target, reason, cascade_lines, detail"
                + " FROM audit_trail ORDER BY seq");
        // the change feed's outbox: the same events in the same order (their times, in the payload, left out)
        selects.put("feed_events", "SELECT aggregatetype, aggregateid, type, payload FROM feed_events ORDER BY id");
        Map<String, List<String>> dump = new LinkedHashMap<>();
        try (Connection c = connections.open(); Statement s = c.createStatement()) {
            for (Map.Entry<String, String> select : selects.entrySet()) {
                List<String> rows = new ArrayList<>();
                try (ResultSet rs = s.executeQuery(select.getValue())) {
                    int columns = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        StringBuilder row = new StringBuilder();
                        for (int i = 1; i <= columns; i++) {
                            row.append(i > 1 ? " | " : "").append(rs.getString(i));
                        }
                        rows.add(row.toString().replaceAll("\"(at|since)\":\"[^\"]*\"", "\"$1\":\"(time)\""));
                    }
                }
                if (!select.getKey().equals("audit_trail") && !select.getKey().equals("feed_events")) {
                    rows.sort(null);
                }
                dump.put(select.getKey(), rows);
            }
        }
        return dump;
    }
}
