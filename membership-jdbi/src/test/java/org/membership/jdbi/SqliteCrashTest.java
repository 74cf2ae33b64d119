package org.membership.jdbi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.membership.api.Actor;
import org.membership.api.Command;
import org.membership.api.Email;
import org.membership.api.MembershipRules;
import org.membership.api.OrganizationId;
import org.membership.api.Outcome;
import org.membership.api.UserId;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceMember;
import org.membership.core.MembershipEngine;
import org.membership.tck.Fixture;

/**
 * Kills a child JVM ({@link CrashingWriter}) with SIGKILL at random points while it removes and re-adds
 * members on a SQLite file, many times over the same file, and after every kill checks the file:
 * {@code PRAGMA integrity_check} is ok, the invariants hold, and the stored memberships are exactly
 * what the child reported committed, give or take the one call that was under way when it died,
 * with one audit row per change that committed.
 *
 * <p>Both durability modes must pass: a SIGKILL ends the process but not the operating system, whose
 * page cache still holds every write the process made, so even {@code synchronous=NORMAL} (which
 * skips only the fsync of WAL commits) loses nothing here. NORMAL's weaker promise is about power
 * loss and operating-system crashes, which no test in a running JVM can stage.
 *
 * <p>The seed is printed; rerun with {@code -Dmembership.crashSeed=<seed>} to draw the same kill points
 * (the moment of each kill still depends on the scheduler).
 */
final class SqliteCrashTest {
    private static final long GUARD_SECONDS = 120;
    private static final List<String> MEMBERS = List.of("u00", "u01", "u02", "u03", "u04", "u05", "u06", "u07",
            "u08", "u09", "u10", "u11");
    private static final String PARTIAL = "\u0000partial ";

    @TempDir
    Path directory;

    // ---- SIGKILL -------------------------------------------------------------------------------------

    /*
     * Until 2026-11-27 both variants ran only on request: about one run in six found a committed
     * change that no child had begun. The audit trail of a failing file named the culprit. The
     * change was the child's next call, whose "begin" line the parent never read. The parent read
     * the child's stdout through a pipe, and destroyForcibly() closes that pipe right after it
     * sends SIGKILL, dropping what the child had written but the parent had not yet read. The
     * child now journals to a file (see Child), and the audit rows are printed with any mismatch.
     */
    @Test
    void sigkill_duringRemovals_losesNoReportedCommit() throws Exception {
        crashRepeatedly(JdbiStore.Durability.FULL, 20);
    }

    @Test
    void sigkill_duringRemovals_withNormalDurability_losesNoReportedCommitEither() throws Exception {
        crashRepeatedly(JdbiStore.Durability.NORMAL, 10);
    }

    private void crashRepeatedly(JdbiStore.Durability durability, int kills) throws Exception {
        long seed = Long.getLong("membership.crashSeed", System.nanoTime());
        System.out.println("SqliteCrashTest " + durability + ": -Dmembership.crashSeed=" + seed);
        Random random = new Random(seed);
        Path file = directory.resolve("crash-" + durability + ".db");
        World world = buildWorld(file);
        Map<String, UserState> expected = world.initial;
        Stats stats = new Stats(world.auditRows);
        for (int run = 0; run < kills; run++) {
            Child child = Child.start(file, durability, random.nextLong(), run, world, directory);
            int killAfter = 1 + random.nextInt(40);
            child.runUntilCommitted(killAfter);
            Thread.sleep(random.nextInt(15));
            List<String> lines = child.kill();
            String context = "run " + run + " (seed " + seed + ")";
            expected = check(file, world, expected, lines, stats, context);
        }
        System.out.println("SqliteCrashTest " + durability + ": " + stats);
        assertTrue(stats.reportedRemovals > 0, "the children reported no removal to check: " + stats);
    }

    // ---- the check has teeth -------------------------------------------------------------------------

    @Test
    void check_aReportedRemovalMissingFromTheFile_fails() {
        Path file = directory.resolve("lost.db");
        World world = buildWorld(file);
        List<String> lines = new ArrayList<>(List.of("ready", "begin 1 org-remove u00", "committed 1 org-remove u00"));
        AssertionError lost = assertThrows(AssertionError.class,
                () -> check(file, world, world.initial, lines, new Stats(world.auditRows), "forged"));
        assertTrue(lost.getMessage().contains("u00: reported UserState[member=false"), lost.getMessage());
    }

    @Test
    void check_theCallUnderWay_mayHaveCommittedOrNot() throws Exception {
        Path file = directory.resolve("under-way.db");
        World world = buildWorld(file);
        String workspace = world.initial.get("u01").workspaces().first();
        List<String> lines = List.of("ready", "begin 1 ws-remove " + workspace + " u01");
        Stats stats = new Stats(world.auditRows);
        assertEquals(world.initial, check(file, world, world.initial, lines, stats, "not committed"));
        try (JdbiStore store = JdbiStore.sqlite(file)) {
            Outcome<?> removed = MembershipEngine.builder(store).rules(MembershipRules.factory()).build()
                    .execute(Actor.user(UserId.of(world.admin)), new Command.RemoveWorkspaceMember(
                            WorkspaceId.of(workspace), UserId.of("u01"), "crash test"));
            assertTrue(removed.succeeded(), removed::toString);
        }
        Map<String, UserState> after = check(file, world, world.initial, lines, stats, "committed");
        assertEquals(Collections.emptySortedSet(), after.get("u01").workspaces());
        assertEquals(1, stats.underWayLost);
        assertEquals(1, stats.underWayKept);
        AssertionError unbegun = assertThrows(AssertionError.class, () -> check(file, world, world.initial,
                List.of("ready"), new Stats(world.auditRows), "a change nobody began"));
        assertTrue(unbegun.getMessage().contains("lost or gained a change"), unbegun.getMessage());
    }

    @Test
    void check_aChangeWithoutItsAuditRow_fails() {
        Path file = directory.resolve("unaudited.db");
        World world = buildWorld(file);
        String workspace = world.initial.get("u01").workspaces().first();
        try (JdbiStore store = JdbiStore.sqlite(file)) {
            store.write(tx -> {
                tx.deleteWorkspaceMember(WorkspaceId.of(workspace), UserId.of("u01"));
                return null;
            });
        }
        List<String> lines = List.of("ready", "begin 1 ws-remove " + workspace + " u01",
                "committed 1 ws-remove " + workspace + " u01");
        AssertionError unaudited = assertThrows(AssertionError.class,
                () -> check(file, world, world.initial, lines, new Stats(world.auditRows), "unaudited"));
        assertTrue(unaudited.getMessage().contains("audit rows"), unaudited.getMessage());
    }

    // ---- checking the file after a kill -------------------------------------------------------------

    /** @return the state now stored, which becomes the expectation for the next run */
    private static Map<String, UserState> check(Path file, World world, Map<String, UserState> before,
                                                List<String> lines, Stats stats, String context) throws SQLException {
        stats.kills++;
        Map<String, UserState> reported = new TreeMap<>(before);
        String underWay = null;
        int commits = 0;
        for (String line : lines) {
            String[] words = line.split(" ", 3);
            if (line.startsWith(PARTIAL) || line.equals("ready")) {
                continue;
            }
            if (words[0].equals("begin")) {
                underWay = words[2];
            } else if (words[0].equals("committed")) {
                assertEquals(underWay, words[2], context + ": committed what had not begun");
                apply(reported, words[2]);
                commits++;
                stats.reportedCommits++;
                if (words[2].contains("remove") || words[2].startsWith("revoke")) {
                    stats.reportedRemovals++;
                }
                underWay = null;
            } else {
                fail(context + ": unexpected line from the child: " + line);
            }
        }

        checkFile(file, world, context);
        Map<String, UserState> stored = storedState(file, world);
        if (stored.equals(reported)) {
            stats.underWayLost += underWay == null ? 0 : 1;
            checkAudit(file, stats, commits, context, lines);
            return stored;
        }
        if (underWay == null) {
            fail(context + ": the file lost or gained a change; every call returned:\n" + differences(reported, stored)
                    + evidence(file, lines));
        }
        Map<String, UserState> withUnderWay = new TreeMap<>(reported);
        apply(withUnderWay, underWay);
        if (!withUnderWay.equals(stored)) {
            fail(context + ": the file is neither the reported state nor that plus the call under way (" + underWay
                    + "); against the reported state:\n" + differences(reported, stored) + evidence(file, lines));
        }
        stats.underWayKept++;
        checkAudit(file, stats, commits + 1, context, lines);
        return stored;
    }

    /** Every change that committed wrote its audit row in the same transaction, and nothing else did. */
    private static void checkAudit(Path file, Stats stats, int commits, String context, List<String> lines)
            throws SQLException {
        long rows = auditRows(file);
        if (rows != stats.auditRows + commits) {
            fail(context + ": " + commits + " changes committed since the last check but the file holds "
                    + (rows - stats.auditRows) + " new audit rows\n" + evidence(file, lines));
        }
        stats.auditRows = rows;
    }

    private static long auditRows(Path file) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement()) {
            return Long.parseLong(column(s, "SELECT count(*) FROM audit_trail").get(0));
        }
    }

    /** The child's lines and the last audit rows, which show every change that committed and in what order. */
    private static String evidence(Path file, List<String> lines) {
        StringBuilder out = new StringBuilder("child lines:\n");
        lines.forEach(l -> out.append("  ").append(l).append('\n'));
        out.append("last audit rows:\n");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT seq, happened_at, operation, target, cascade_lines FROM audit_trail"
                     + " ORDER BY seq DESC LIMIT 60")) {
            while (rows.next()) {
                out.append("  ").append(rows.getLong(1)).append(' ').append(rows.getLong(2)).append(' ')
                        .append(rows.getString(3)).append(' ').append(rows.getString(4)).append(' ')
                        .append(rows.getString(5)).append('\n');
            }
        } catch (SQLException e) {
            out.append("  unreadable: ").append(e);
        }
        return out.toString();
    }

    private static String differences(Map<String, UserState> expected, Map<String, UserState> stored) {
        StringBuilder out = new StringBuilder();
        expected.forEach((user, state) -> {
            if (!state.equals(stored.get(user))) {
                out.append("  ").append(user).append(": reported ").append(state).append(", stored ")
                        .append(stored.get(user)).append('\n');
            }
        });
        return out.toString();
    }

    /** Integrity and the invariants, straight from the tables. */
    private static void checkFile(Path file, World world, String context) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement()) {
            assertEquals(List.of("ok"), column(s, "PRAGMA integrity_check"), context);
            assertEquals(List.of(), column(s, "PRAGMA foreign_key_check"), context + ": dangling references");
            assertEquals(List.of(), column(s, "SELECT o.id FROM organizations o WHERE NOT EXISTS (SELECT 1 FROM"
                    + " organization_members m WHERE m.organization_id = o.id AND m.role = 'ADMIN')"),
                    context + ": organizations without an admin");
            assertEquals(List.of(), column(s, "SELECT wm.workspace_id || ' ' || wm.user_id FROM workspace_members wm"
                    + " JOIN workspaces w ON w.id = wm.workspace_id LEFT JOIN organization_members om"
                    + " ON om.organization_id = w.organization_id AND om.user_id = wm.user_id"
                    + " WHERE om.user_id IS NULL OR wm.organization_id <> w.organization_id"),
                    context + ": workspace members outside their organization");
            assertEquals(List.of(), column(s, "SELECT organization_id || ' ' || email FROM invitations"
                    + " WHERE status = 'PENDING' GROUP BY organization_id, email HAVING count(*) > 1"),
                    context + ": two pending invitations for one email");
            List<String> withAdmin = column(s, "SELECT DISTINCT workspace_id FROM workspace_members WHERE role = 'ADMIN'"
                    + " ORDER BY workspace_id");
            assertTrue(withAdmin.containsAll(world.workspacesWithAdmin),
                    () -> context + ": custom workspaces lost their last admin: " + world.workspacesWithAdmin
                            + " had one, now only " + withAdmin);
        }
    }

    private static List<String> column(Statement s, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (ResultSet rows = s.executeQuery(sql)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }

    /** Each member's memberships and pending invitation, read back through the store. */
    private static Map<String, UserState> storedState(Path file, World world) {
        try (JdbiStore store = JdbiStore.sqlite(file)) {
            return store.read(tx -> {
                Map<String, UserState> state = new TreeMap<>();
                for (String name : MEMBERS) {
                    UserId user = UserId.of(name);
                    SortedSet<String> workspaces = new TreeSet<>();
                    for (WorkspaceMember m : tx.workspaceMembershipsIn(world.organization, user)) {
                        workspaces.add(m.workspace().value());
                    }
                    state.put(name, new UserState(tx.organizationMember(world.organization, user).isPresent(),
                            tx.pendingInvitation(world.organization, Email.of(name + "@example.com")).isPresent(),
                            Collections.unmodifiableSortedSet(workspaces)));
                }
                return state;
            });
        }
    }

    // ---- the model of what the child did -------------------------------------------------------------

    /** One member's memberships in the test's organization. Immutable. */
    private record UserState(boolean member, boolean pending, SortedSet<String> workspaces) {
        UserState withWorkspace(String workspace, boolean in) {
            SortedSet<String> copy = new TreeSet<>(workspaces);
            if (in) {
                copy.add(workspace);
            } else {
                copy.remove(workspace);
            }
            return new UserState(member, pending, Collections.unmodifiableSortedSet(copy));
        }
    }

    private static void apply(Map<String, UserState> state, String what) {
        String[] words = what.split(" ");
        String user = words[words.length - 1];
        UserState s = state.get(user);
        switch (words[0]) {
            case "ws-remove" -> state.put(user, s.withWorkspace(words[1], false));
            case "ws-add" -> state.put(user, s.withWorkspace(words[1], true));
            case "org-remove" -> state.put(user, new UserState(false, false, Collections.emptySortedSet()));
            case "revoke" -> state.put(user, new UserState(s.member(), false, s.workspaces()));
            case "invite" -> state.put(user, new UserState(s.member(), true, s.workspaces()));
            case "accept" -> state.put(user, new UserState(true, false, s.workspaces()));
            default -> throw new IllegalArgumentException("unknown call " + what);
        }
    }

    /** What happened over all kills. Not thread-safe. */
    private static final class Stats {
        long auditRows;
        int kills;
        int reportedCommits;
        int reportedRemovals;
        int underWayKept;
        int underWayLost;

        Stats(long auditRows) {
            this.auditRows = auditRows;
        }

        @Override
        public String toString() {
            return kills + " kills, " + reportedCommits + " reported commits (" + reportedRemovals + " removals) all"
                    + " present, each with its audit row; calls under way at the kill: " + underWayKept + " had committed, " + underWayLost
                    + " left nothing";
        }
    }

    // ---- the world ----------------------------------------------------------------------------------

    /** The organization the child works on, built once per file through the engine. */
    private record World(OrganizationId organization, String admin, List<String> workspaces,
                         List<String> workspacesWithAdmin, Map<String, UserState> initial, long auditRows) {}

    private static World buildWorld(Path file) {
        Fixture f;
        try (JdbiStore store = JdbiStore.sqlite(file)) {
            f = Fixture.builder(store).rules(MembershipRules.factory())
                    .organization("acme", org -> {
                        org.admin("alice").admin("amos");
                        MEMBERS.forEach(org::member);
                        org.workspace("w0", ws -> ws.admin("alice").member("u00").member("u01").member("u02"));
                        org.workspace("w1", ws -> ws.admin("amos").member("u00").member("u03").member("u04"));
                        org.workspace("w2", ws -> ws.admin("alice").admin("amos").member("u05"));
                    })
                    .build();
        }
        List<String> workspaces = new ArrayList<>();
        for (String name : List.of("w0", "w1", "w2")) {
            workspaces.add(f.workspace(name).value());
        }
        Collections.sort(workspaces);
        World unread = new World(f.organization("acme"), "alice", workspaces, workspaces, Map.of(), 0);
        try {
            return new World(unread.organization, "alice", workspaces, workspaces, storedState(file, unread),
                    auditRows(file));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- the child process --------------------------------------------------------------------------

    /**
     * A running {@link CrashingWriter} and its journal. Not thread-safe.
     *
     * <p>The child's standard output goes to a file, not a pipe. On Unix, {@code destroyForcibly()}
     * closes the parent's end of the child's pipes as soon as it has sent the signal, so lines the child
     * wrote just before the kill but the parent had not yet read were lost: the parent then saw a
     * committed change that no child had begun. A file keeps every write the child completed before
     * it died, which is exactly what the check needs.
     */
    private static final class Child {
        private final Process process;
        private final Path journal;
        private final Path errors;

        private Child(Process process, Path journal, Path errors) {
            this.process = process;
            this.journal = journal;
            this.errors = errors;
        }

        static Child start(Path file, JdbiStore.Durability durability, long seed, int run, World world, Path directory)
                throws IOException {
            Path journal = directory.resolve("child-" + durability + "-" + run + ".out");
            Path errors = directory.resolve("child-" + durability + "-" + run + ".err");
            List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                    "-cp", System.getProperty("java.class.path"), CrashingWriter.class.getName(),
                    file.toString(), durability.name(), Long.toString(seed), Integer.toString(run),
                    world.organization.value(), world.admin, String.join(",", MEMBERS), String.join(",", world.workspaces));
            Process process = new ProcessBuilder(command).redirectOutput(journal.toFile())
                    .redirectError(errors.toFile()).start();
            return new Child(process, journal, errors);
        }

        /** Waits until the child has reported {@code count} commits. */
        void runUntilCommitted(int count) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GUARD_SECONDS);
            while (journal().stream().filter(line -> line.startsWith("committed ")).count() < count) {
                if (!process.isAlive()) {
                    fail("the child ended on its own with " + process.exitValue() + ": " + readErrors()
                            + "\nafter " + journal());
                }
                if (System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    fail("the child reported too little for " + GUARD_SECONDS + " s (a hang guard, not a timing check)");
                }
                Thread.sleep(1);
            }
        }

        /** Sends SIGKILL; returns every line the child wrote, the one cut off by the kill marked {@link #PARTIAL}. */
        List<String> kill() throws Exception {
            process.destroyForcibly();
            assertTrue(process.waitFor(GUARD_SECONDS, TimeUnit.SECONDS), "the killed child did not end");
            int exit = process.exitValue();
            assertEquals(128 + 9, exit, () -> "the child was to die of SIGKILL, not " + exit + ": " + readErrors());
            return journal();
        }

        private List<String> journal() throws IOException {
            String text = Files.readString(journal, StandardCharsets.UTF_8);
            List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
            String last = lines.remove(lines.size() - 1);
            if (!last.isEmpty()) {
                lines.add(PARTIAL + last);
            }
            return lines;
        }

        private String readErrors() {
            try {
                return Files.readString(errors);
            } catch (IOException e) {
                return "(its stderr is unreadable: " + e + ")";
            }
        }
    }
}
