package org.membership.jdbi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.io.TempDir;
import org.membership.api.Email;
import org.membership.api.FeedEvent;
import org.membership.api.FeedPosition;
import org.membership.api.MembershipEvent;
import org.membership.api.MembershipRules;
import org.membership.api.OrganizationId;
import org.membership.api.Presets;
import org.membership.api.UserId;
import org.membership.api.WorkspaceMember;
import org.membership.core.spi.ConsumerRecord;
import org.membership.tck.Fixture;

/**
 * Kills a child JVM ({@link CrashingWriter}) with SIGKILL at chosen and random points while it removes
 * and re-adds members and delivers the change feed to a durable consumer on the same database, many
 * times over the same database, a new child resuming the same consumer each time, and after every
 * kill checks the database:
 * <ul>
 *   <li>it is intact (on SQLite {@code PRAGMA integrity_check}), the invariants hold, and the stored
 *       memberships are exactly what the child reported committed, give or take the one call that was
 *       under way when it died, with one audit row per change that committed;</li>
 *   <li>the outbox matches the audit trail: the feed holds exactly the event of each committed change,
 *       in commit order, written at the same moment as its audit row, and nothing else, at dense
 *       positions;</li>
 *   <li>the consumer lost nothing: each child delivered, in feed order, the events right after the
 *       position stored when it started; the stored position never passes an event that was not
 *       delivered; at most one delivered event is past it (the one whose acknowledgement was under way).
 *       At the end a last child catches up and every event of the feed was delivered at least once.</li>
 * </ul>
 *
 * <p>The bound on duplicates. The engine's consumer hands one event at a time to the listener and
 * stores the event's position, in a write transaction, after the listener returned and before it
 * hands over the next one. So at a kill, at most one event has been delivered but not acknowledged,
 * and the next child, resuming after the stored position, delivers that event first and again. Each
 * duplicate is therefore the redelivery of the one event in flight at the kill before, and the
 * contract asserts {@code duplicates <= kills that left an event in flight <= kills}.
 *
 * <p>Kill points ({@link Kind}): after some commits (anywhere: in a change, a delivery or an
 * acknowledgement); right after some deliveries (often between the listener's return and its
 * acknowledgement); with the listener holding an event while the writer commits more (between
 * commits and their delivery); with an acknowledgement holding after its writes, before its commit
 * (between the listener's return and the position being stored); and, on PostgreSQL, with a change
 * committed and the numbering of its events held. The held kinds stop the child exactly there, and
 * every run has each kind at least once. A restarted child either keeps the dead one's instance name
 * (it resumes at once) or takes a new one (it takes over once the dead one's lease has lapsed).
 *
 * <p>The checks read the database without changing it: on PostgreSQL they read the feed's rows
 * directly, so that events a killed child committed but did not number stay unnumbered until a later
 * child's writer or consumer numbers them, as the outbox protocol promises.
 *
 * <p>The seed is printed; rerun with {@code -Dmembership.crashSeed=<seed>} to draw the same kill points
 * (the moment of each kill still depends on the scheduler). Not thread-safe; JUnit runs one test per
 * instance.
 */
abstract class CrashContract {
    static final long GUARD_SECONDS = 120;
    static final List<String> MEMBERS = List.of("u00", "u01", "u02", "u03", "u04", "u05", "u06", "u07",
            "u08", "u09", "u10", "u11");
    static final String PARTIAL = "\u0000partial ";

    @TempDir
    Path directory;

    /**
     * A database the child and the checks share.
     *
     * @param name a short name, for the journals' files
     * @param argument what the child is given to open it (a SQLite file or a PostgreSQL URL)
     * @param dialect which database it is
     * @param opener opens a store on it, for the checks
     */
    record Target(String name, String argument, Dialect dialect, Supplier<JdbiStore> opener) {
        /** The application name of the children's PostgreSQL sessions, by which the parent knows them. */
        static final String CHILD_SESSIONS = "membership-crash-child";

        static Target sqlite(Path file) {
            return new Target(file.getFileName().toString(), file.toString(), Dialect.SQLITE, () -> JdbiStore.sqlite(file));
        }

        static Target postgresql(String name, String url) {
            return new Target(name, url + (url.contains("?") ? "&" : "?") + "ApplicationName=" + CHILD_SESSIONS,
                    Dialect.POSTGRESQL, () -> JdbiStore.postgresql(url));
        }

        JdbiStore open() {
            return opener.get();
        }

        /**
         * Waits until the database has finished with a killed child. A SIGKILL ends the process, not what
         * it already sent: a COMMIT on its way to PostgreSQL still commits once the server reads it, so
         * the parent reads the database only once the child's sessions are gone. (A SQLite file has no
         * server: what the child wrote before it died is all there is.)
         */
        void settle(JdbiStore store) {
            if (dialect != Dialect.POSTGRESQL) {
                return;
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GUARD_SECONDS);
            while (store.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM pg_stat_activity"
                    + " WHERE application_name = ?").bind(0, CHILD_SESSIONS).mapTo(Integer.class).one()) > 0) {
                if (System.nanoTime() > deadline) {
                    fail("the killed child's database sessions did not end");
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    // ---- the crash loop ------------------------------------------------------------------------------

    /**
     * @param durability the child's SQLite durability (PostgreSQL ignores it)
     * @param kinds the kinds of kill point to draw, each at least once if {@code kills} allows
     */
    final void crashRepeatedly(Target target, JdbiStore.Durability durability, int kills, List<Kind> kinds)
            throws Exception {
        String label = getClass().getSimpleName() + (target.dialect() == Dialect.SQLITE ? " " + durability : "");
        long seed = Long.getLong("membership.crashSeed", System.nanoTime());
        System.out.println(label + ": -Dmembership.crashSeed=" + seed);
        Random random = new Random(seed);
        World world = buildWorld(target);
        Map<String, UserState> expected = world.initial;
        Stats stats = new Stats(world.auditRows);
        Ledger ledger = new Ledger();
        String instance = "child-0";
        int takeOvers = 0;
        long started = System.nanoTime();
        List<KillPoint> points = KillPoint.draw(random, kills, kinds);
        for (int run = 0; run < kills; run++) {
            KillPoint point = points.get(run);
            if (run > 0 && random.nextBoolean()) {
                instance = "child-" + run;
                takeOvers++;
            }
            Child child = Child.start(target, durability, random.nextLong(), run, world, directory,
                    List.of("instance=" + instance, "hold=" + point.hold()));
            point.awaitIn(child);
            List<String> lines = child.kill();
            String context = "run " + run + ", " + point + " (seed " + seed + ")";
            stats.kills++;
            try (JdbiStore store = target.open()) {
                target.settle(store);
                Snapshot snapshot = Snapshot.of(store, target.dialect());
                expected = check(store, target.dialect(), world, expected, lines, stats, snapshot, context);
                ledger.check(snapshot, child.deliveries(), point, context);
            }
        }
        // A last child only delivers: it catches up with every event committed, then ends by itself.
        Child last = Child.start(target, durability, random.nextLong(), kills, world, directory,
                List.of("instance=" + instance, "write=false"));
        List<String> lines = last.awaitExit();
        String context = "the last child (seed " + seed + ")";
        try (JdbiStore store = target.open()) {
            target.settle(store);
            Snapshot end = Snapshot.of(store, target.dialect());
            check(store, target.dialect(), world, expected, lines, stats, end, context);
            ledger.check(end, last.deliveries(), null, context);
            ledger.assertEveryEventDelivered(end, kinds, context);
        }
        System.out.println(label + ": " + stats);
        System.out.println(label + ": " + ledger + "; " + takeOvers + " restarts under a new instance name, after"
                + " the dead one's lease lapsed; " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms");
        assertTrue(stats.reportedRemovals > 0, "the children reported no removal to check: " + stats);
    }

    // ---- the kill points -----------------------------------------------------------------------------

    /** Where a child is killed. */
    enum Kind {
        /** Some commits after the start, then up to 15 ms later: anywhere. */
        AFTER_COMMITS,
        /** Right after some deliveries, up to 2 ms later: often before the last one is acknowledged. */
        AFTER_DELIVERIES,
        /** The listener holds an event without returning while the writer commits more. */
        LISTENER_HELD,
        /** An acknowledgement holds after its writes, before its commit, the listener having returned. */
        ACK_HELD,
        /** PostgreSQL: a change has committed its event, and every numbering of the feed is held. */
        NUMBERING_HELD
    }

    /** The kinds every database has. */
    static final List<Kind> EVERY_DATABASE = List.of(Kind.AFTER_COMMITS, Kind.AFTER_DELIVERIES, Kind.LISTENER_HELD,
            Kind.ACK_HELD);

    /**
     * One kill: its kind, which commit, delivery, listener call, acknowledgement or numbered change it
     * waits for, and what it waits for then (milliseconds, or commits). Immutable.
     */
    record KillPoint(Kind kind, int count, int then) {
        /** @return {@code kills} points, each kind as often as the others give or take one, in a random order */
        static List<KillPoint> draw(Random random, int kills, List<Kind> kinds) {
            List<KillPoint> points = new ArrayList<>();
            for (int i = 0; i < kills; i++) {
                Kind kind = kinds.get(i % kinds.size());
                points.add(switch (kind) {
                    case AFTER_COMMITS -> new KillPoint(kind, 1 + random.nextInt(40), random.nextInt(15));
                    case AFTER_DELIVERIES -> new KillPoint(kind, 1 + random.nextInt(30), random.nextInt(3));
                    case LISTENER_HELD -> new KillPoint(kind, 1 + random.nextInt(20), 1 + random.nextInt(3));
                    case ACK_HELD, NUMBERING_HELD -> new KillPoint(kind, 1 + random.nextInt(20), 0);
                });
            }
            Collections.shuffle(points, random);
            return points;
        }

        /** @return the child's {@code hold} option */
        String hold() {
            return switch (kind) {
                case LISTENER_HELD -> "listener:" + count;
                case ACK_HELD -> "ack:" + count;
                case NUMBERING_HELD -> "numbering:" + count;
                default -> "none";
            };
        }

        /** Waits until the child has reached this point. */
        void awaitIn(Child child) throws Exception {
            switch (kind) {
                case AFTER_COMMITS -> {
                    child.await(c -> c.commits() >= count);
                    Thread.sleep(then);
                }
                case AFTER_DELIVERIES -> {
                    child.await(c -> c.delivered() >= count);
                    Thread.sleep(then);
                }
                case LISTENER_HELD -> {
                    child.await(c -> c.marked("holding"));
                    long commits = child.commits();
                    child.await(c -> c.commits() >= commits + then);
                }
                case ACK_HELD -> child.await(c -> c.marked("acking"));
                case NUMBERING_HELD -> child.await(c -> c.marked("unnumbered"));
                default -> throw new AssertionError(kind);
            }
        }

        @Override
        public String toString() {
            return switch (kind) {
                case AFTER_COMMITS -> then + " ms after commit " + count;
                case AFTER_DELIVERIES -> then + " ms after delivery " + count;
                case LISTENER_HELD -> "listener holding call " + count + " for " + then + " commits";
                case ACK_HELD -> "acknowledgement " + count + " holding before its commit";
                case NUMBERING_HELD -> "change " + count + " committed, its numbering held";
            };
        }
    }

    // ---- checking the database after a kill ---------------------------------------------------------

    /**
     * Checks the database against what the child reported.
     *
     * @param snapshot the feed as {@link Snapshot#of} read it from {@code store}
     * @return the state now stored, which becomes the expectation for the next run
     */
    static Map<String, UserState> check(JdbiStore store, Dialect dialect, World world, Map<String, UserState> before,
                                        List<String> lines, Stats stats, Snapshot snapshot, String context) {
        List<String> committed = new ArrayList<>();
        String underWay = null;
        for (String line : lines) {
            String[] words = line.split(" ", 3);
            if (line.startsWith(PARTIAL) || line.equals("ready") || line.startsWith("caught-up ")) {
                continue;
            }
            if (words[0].equals("begin")) {
                underWay = words[2];
            } else if (words[0].equals("committed")) {
                assertEquals(underWay, words[2], context + ": committed what had not begun");
                committed.add(words[2]);
                stats.reportedCommits++;
                if (words[2].contains("remove") || words[2].startsWith("revoke")) {
                    stats.reportedRemovals++;
                }
                underWay = null;
            } else {
                fail(context + ": unexpected line from the child: " + line);
            }
        }

        checkIntegrity(store, dialect, world, context);
        Map<String, UserState> stored = storedState(store, world);
        Map<String, UserState> reported = replay(before, committed, null);
        if (stored.equals(reported)) {
            stats.underWayLost += underWay == null ? 0 : 1;
        } else {
            if (underWay == null) {
                fail(context + ": the database lost or gained a change; every call returned:\n"
                        + differences(reported, stored) + evidence(store, lines));
            }
            Map<String, UserState> withUnderWay = replay(reported, List.of(underWay), null);
            if (!withUnderWay.equals(stored)) {
                fail(context + ": the database is neither the reported state nor that plus the call under way ("
                        + underWay + "); against the reported state:\n" + differences(reported, stored)
                        + evidence(store, lines));
            }
            stats.underWayKept++;
            committed.add(underWay);
        }
        replay(before, committed, stats.expectedFeed);
        checkAudit(store, stats, committed.size(), context, lines);
        checkOutbox(store, world, stats, snapshot, context, lines);
        return stored;
    }

    /** Every change that committed wrote its audit row in the same transaction, and nothing else did. */
    private static void checkAudit(JdbiStore store, Stats stats, int commits, String context, List<String> lines) {
        long rows = auditRows(store);
        if (rows != stats.auditRows + commits) {
            fail(context + ": " + commits + " changes committed since the last check but the database holds "
                    + (rows - stats.auditRows) + " new audit rows\n" + evidence(store, lines));
        }
        stats.auditRows = rows;
    }

    /**
     * The outbox matches the audit trail: after the world's events, the feed holds exactly the event
     * of each change that committed (each of the child's changes makes one), in commit order, each
     * written at the moment of its change's audit row, and nothing else; positions run 1, 2, 3, …
     * up to the head with no hole (nothing is pruned here). On PostgreSQL the events not numbered yet
     * come last, in append order.
     */
    private static void checkOutbox(JdbiStore store, World world, Stats stats, Snapshot now, String context,
                                    List<String> lines) {
        for (int i = 0; i < now.feed.size(); i++) {
            if (now.feed.get(i).position().value() != i + 1) {
                fail(context + ": feed positions are not dense: the event after position " + i + " is at "
                        + now.feed.get(i).position().value());
            }
        }
        assertEquals(now.feed.size(), now.head.value(), context + ": the head is the last event's position");
        List<MembershipEvent> changes = new ArrayList<>();
        now.feed.subList((int) world.head, now.feed.size()).forEach(e -> changes.add(e.event()));
        changes.addAll(now.unnumbered);
        List<String> stored = changes.stream().map(CrashContract::describe).toList();
        if (!stored.equals(stats.expectedFeed)) {
            fail(context + ": the feed does not hold exactly the events of the committed changes, in commit order;"
                    + "\nexpected " + stats.expectedFeed + "\nstored   " + stored + "\n" + evidence(store, lines));
        }
        List<Long> audited = auditTimes(store);
        audited = audited.subList((int) world.auditRows, audited.size());
        for (int i = 0; i < changes.size(); i++) {
            assertEquals(audited.get(i), JdbiTransaction.nanos(changes.get(i).at()), context + ": event "
                    + (i + 1) + " after the world's and the audit row of its change are of one moment");
        }
    }

    static long auditRows(JdbiStore store) {
        return store.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM audit_trail").mapTo(Long.class).one());
    }

    /** @return the times of the audit rows, in sequence order */
    private static List<Long> auditTimes(JdbiStore store) {
        return store.jdbi().withHandle(h -> h.createQuery("SELECT happened_at FROM audit_trail ORDER BY seq")
                .mapTo(Long.class).list());
    }

    /** The child's lines and the last audit rows, which show every change that committed and in what order. */
    private static String evidence(JdbiStore store, List<String> lines) {
        StringBuilder out = new StringBuilder("child lines:\n");
        lines.forEach(l -> out.append("  ").append(l).append('\n'));
        out.append("last audit rows:\n");
        try {
            store.jdbi().useHandle(h -> h.createQuery("SELECT seq, happened_at, operation, target, cascade_lines"
                    + " FROM audit_trail ORDER BY seq DESC LIMIT 60").map((rs, ctx) -> rs.getLong(1) + " "
                    + rs.getLong(2) + " " + rs.getString(3) + " " + rs.getString(4) + " " + rs.getString(5))
                    .forEach(row -> out.append("  ").append(row).append('\n')));
        } catch (RuntimeException e) {
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
    private static void checkIntegrity(JdbiStore store, Dialect dialect, World world, String context) {
        store.jdbi().useHandle(h -> {
            if (dialect == Dialect.SQLITE) {
                assertEquals(List.of("ok"), column(h, "PRAGMA integrity_check"), context);
                assertEquals(List.of(), column(h, "PRAGMA foreign_key_check"), context + ": dangling references");
            } else {
                assertEquals(column(h, "SELECT coalesce(max(position), 0) FROM feed_events"),
                        column(h, "SELECT position FROM feed_head"), context + ": the sequencer's head is the last position");
            }
            assertEquals(List.of(), column(h, "SELECT o.id FROM organizations o WHERE NOT EXISTS (SELECT 1 FROM"
                    + " organization_members m WHERE m.organization_id = o.id AND m.role = 'ADMIN')"),
                    context + ": organizations without an admin");
            assertEquals(List.of(), column(h, "SELECT wm.workspace_id || ' ' || wm.user_id FROM workspace_members wm"
                    + " JOIN workspaces w ON w.id = wm.workspace_id LEFT JOIN organization_members om"
                    + " ON om.organization_id = w.organization_id AND om.user_id = wm.user_id"
                    + " WHERE om.user_id IS NULL OR wm.organization_id <> w.organization_id"),
                    context + ": workspace members outside their organization");
            assertEquals(List.of(), column(h, "SELECT organization_id || ' ' || email FROM invitations"
                    + " WHERE status = 'PENDING' GROUP BY organization_id, email HAVING count(*) > 1"),
                    context + ": two pending invitations for one email");
            List<String> withAdmin = column(h, "SELECT DISTINCT workspace_id FROM workspace_members WHERE role = 'ADMIN'"
                    + " ORDER BY workspace_id");
            assertTrue(withAdmin.containsAll(world.workspacesWithAdmin),
                    () -> context + ": custom workspaces lost their last admin: " + world.workspacesWithAdmin
                            + " had one, now only " + withAdmin);
        });
    }

    private static List<String> column(Handle handle, String sql) {
        return handle.createQuery(sql).map((rs, ctx) -> rs.getString(1)).list();
    }

    /** Each member's memberships and pending invitation, read back through the store. */
    private static Map<String, UserState> storedState(JdbiStore store, World world) {
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

    /**
     * The feed and the consumer's stored position, read without changing anything.
     *
     * @param feed the numbered events, by position
     * @param unnumbered PostgreSQL: committed events no writer or reader has numbered yet, in append order
     * @param head the position of the last numbered event
     * @param stored the consumer's stored position
     */
    record Snapshot(List<FeedEvent> feed, List<MembershipEvent> unnumbered, FeedPosition head, FeedPosition stored) {
        static Snapshot of(JdbiStore store, Dialect dialect) {
            FeedPosition stored = store.read(tx -> tx.consumer(CrashingWriter.CONSUMER))
                    .map(ConsumerRecord::position).orElse(FeedPosition.START);
            if (dialect == Dialect.SQLITE) {
                List<FeedEvent> feed = new ArrayList<>();
                for (List<FeedEvent> page; !(page = store.changes(feed.isEmpty() ? FeedPosition.START
                        : feed.get(feed.size() - 1).position(), 1000)).isEmpty(); ) {
                    feed.addAll(page);
                }
                return new Snapshot(List.copyOf(feed), List.of(), store.head(), stored);
            }
            // PostgreSQL's changes() and head() would number what a killed writer left unnumbered.
            return store.jdbi().withHandle(h -> new Snapshot(
                    h.createQuery("SELECT id, position, type, payload FROM feed_events WHERE position IS NOT NULL"
                            + " ORDER BY position").map((rs, ctx) -> JdbiTransaction.FEED_EVENT.map(rs)).list(),
                    h.createQuery("SELECT type, payload FROM feed_events WHERE position IS NULL ORDER BY id")
                            .map((rs, ctx) -> EventJson.read(rs.getString(1), rs.getString(2))).list(),
                    FeedPosition.of(h.createQuery("SELECT position FROM feed_head").mapTo(Long.class).one()),
                    stored));
        }
    }

    // ---- checking the consumer after a kill ---------------------------------------------------------

    /**
     * What the consumer was given over all children, and where it stood at each kill: the journal of
     * each child is checked against the feed and the stored position read after its kill. Not
     * thread-safe.
     */
    static final class Ledger {
        /** The stored position at the last check. */
        private long stored;
        /** The greatest position delivered so far. */
        private long reached;
        private final Map<Long, Integer> times = new HashMap<>();
        private final Map<Kind, Integer> kinds = new EnumMap<>(Kind.class);
        private int kills;
        private int deliveries;
        private int duplicates;
        private int inFlightKills;
        private int behindKills;

        /**
         * @param now the database after the child ended
         * @param journal the child's consumer journal
         * @param point where it was killed; null if it ended by itself
         */
        void check(Snapshot now, List<String> journal, KillPoint point, String context) {
            Map<Long, Long> ids = new HashMap<>();
            now.feed.forEach(e -> ids.put(e.position().value(), e.id()));
            long next = stored + 1;
            Long holding = null;
            Long acking = null;
            boolean unnumbered = false;
            for (String line : journal) {
                if (line.startsWith(PARTIAL)) {
                    continue; // the listener's write was cut off by the kill: it had not returned
                }
                String[] words = line.split(" ");
                switch (words[0]) {
                    case "delivered" -> {
                        long id = Long.parseLong(words[1]);
                        long position = Long.parseLong(words[2]);
                        if (position != next) {
                            fail(context + ": delivered position " + position + " where " + next + " was due: a"
                                    + " consumer resumes right after its stored position (" + stored + ") and goes on"
                                    + " in feed order, skipping nothing; journal " + journal);
                        }
                        if (!Long.valueOf(id).equals(ids.get(position))) {
                            fail(context + ": delivered event " + id + " at position " + position + ", where the"
                                    + " feed holds " + ids.get(position));
                        }
                        if (position <= reached) {
                            duplicates++;
                        }
                        times.merge(position, 1, Integer::sum);
                        deliveries++;
                        next++;
                    }
                    case "holding" -> holding = Long.parseLong(words[2]);
                    case "acking" -> acking = Long.parseLong(words[1]);
                    case "unnumbered" -> unnumbered = true;
                    default -> fail(context + ": unexpected line in the consumer's journal: " + line);
                }
            }
            long delivered = next - 1;
            long at = now.stored.value();
            if (at < stored) {
                fail(context + ": the stored position went back from " + stored + " to " + at);
            }
            if (at > delivered) {
                fail(context + ": the stored position " + at + " passed an event it never delivered: this child"
                        + " delivered up to " + delivered + "; journal " + journal);
            }
            reached = Math.max(reached, delivered);
            long inFlight = reached - at;
            if (inFlight > 1) {
                fail(context + ": " + inFlight + " delivered events past the stored position " + at + ", more than"
                        + " the one delivery whose acknowledgement can be under way at a kill");
            }
            if (point != null && point.kind() == Kind.ACK_HELD) {
                assertEquals(Long.valueOf(delivered), acking, context + ": the held acknowledgement is of the last"
                        + " event delivered");
                assertEquals(delivered - 1, at, context + ": the held acknowledgement did not commit");
            }
            if (point != null && point.kind() == Kind.LISTENER_HELD) {
                assertEquals(Long.valueOf(next), holding, context + ": the listener held the next event due");
                assertTrue(ids.containsKey(next), () -> context + ": the held event is committed to the feed");
            }
            if (point != null && point.kind() == Kind.NUMBERING_HELD) {
                assertTrue(unnumbered, () -> context + ": the child held the numbering after a commit");
                assertFalse(now.unnumbered.isEmpty(), () -> context + ": the held change's event is committed and"
                        + " not numbered");
            }
            if (point != null) {
                kills++;
                kinds.merge(point.kind(), 1, Integer::sum);
                inFlightKills += (int) inFlight;
                behindKills += now.head.isAfter(FeedPosition.of(reached)) || !now.unnumbered.isEmpty() ? 1 : 0;
            }
            stored = at;
        }

        /** At the end: every event of the feed was delivered at least once, and the duplicates are bounded. */
        void assertEveryEventDelivered(Snapshot end, List<Kind> drawn, String context) {
            assertEquals(List.of(), end.unnumbered, context + ": every committed event is numbered");
            assertEquals(end.head, FeedPosition.of(stored), context + ": the last child caught up");
            for (FeedEvent event : end.feed) {
                assertTrue(times.containsKey(event.position().value()),
                        () -> context + ": event at " + event.position().value() + " was never delivered: lost");
            }
            assertEquals(end.feed.size(), times.size(), context + ": nothing delivered that is not in the feed");
            assertTrue(duplicates <= inFlightKills, () -> context + ": " + duplicates + " duplicates, but only "
                    + inFlightKills + " kills left a delivered event unacknowledged");
            assertTrue(inFlightKills <= kills);
            for (Kind kind : drawn) {
                assertTrue(kinds.getOrDefault(kind, 0) > 0, () -> "no kill of kind " + kind + ": " + kinds);
            }
            assertTrue(behindKills > 0 && inFlightKills > 0, this::toString);
        }

        @Override
        public String toString() {
            return kills + " kills " + kinds + "; " + deliveries + " deliveries of " + times.size() + " events, "
                    + duplicates + " duplicates; at the kills: " + inFlightKills + " left a delivered event"
                    + " unacknowledged, " + behindKills + " left committed events undelivered";
        }
    }

    // ---- the model of what the child did -------------------------------------------------------------

    /** One member's memberships in the test's organization. Immutable. */
    record UserState(boolean member, boolean pending, SortedSet<String> workspaces) {
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

    /**
     * @param events where to add the event each change makes, described; or null
     * @return the state after the changes
     */
    private static Map<String, UserState> replay(Map<String, UserState> before, List<String> changes,
                                                 List<String> events) {
        Map<String, UserState> state = new TreeMap<>(before);
        for (String what : changes) {
            if (events != null) {
                events.add(expectedEvent(state, what));
            }
            apply(state, what);
        }
        return state;
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

    /** @return the event the change makes on {@code state}, as {@link #describe} writes it */
    private static String expectedEvent(Map<String, UserState> state, String what) {
        String[] words = what.split(" ");
        String user = words[words.length - 1];
        String email = user + "@example.com";
        return switch (words[0]) {
            case "ws-remove" -> "WorkspaceMemberRemoved " + words[1] + " " + user;
            case "ws-add" -> "WorkspaceMemberAdded " + words[1] + " " + user + " USER";
            case "org-remove" -> "OrganizationMemberRemoved " + user + " " + state.get(user).workspaces()
                    + " invitation " + state.get(user).pending();
            case "revoke" -> "InvitationRevoked " + email + " REVOKED";
            case "invite" -> "InvitationSent " + email + " MEMBER PENDING";
            case "accept" -> "InvitationAccepted " + email + " ACCEPTED " + user;
            default -> throw new IllegalArgumentException("unknown call " + what);
        };
    }

    /** @return what the event says, in the words of {@link #expectedEvent} */
    private static String describe(MembershipEvent event) {
        if (event instanceof MembershipEvent.WorkspaceMemberRemoved e) {
            return "WorkspaceMemberRemoved " + e.workspace().value() + " " + e.user().value();
        }
        if (event instanceof MembershipEvent.WorkspaceMemberAdded e) {
            return "WorkspaceMemberAdded " + e.member().workspace().value() + " " + e.member().user().value() + " "
                    + e.member().role();
        }
        if (event instanceof MembershipEvent.OrganizationMemberRemoved e) {
            SortedSet<String> workspaces = new TreeSet<>();
            e.workspaces().forEach(w -> workspaces.add(w.value()));
            return "OrganizationMemberRemoved " + e.user().value() + " " + workspaces + " invitation "
                    + e.revokedInvitation().isPresent();
        }
        if (event instanceof MembershipEvent.InvitationRevoked e) {
            return "InvitationRevoked " + e.invitation().email().value() + " " + e.invitation().storedStatus();
        }
        if (event instanceof MembershipEvent.InvitationSent e) {
            return "InvitationSent " + e.invitation().email().value() + " " + e.invitation().role() + " "
                    + e.invitation().storedStatus();
        }
        if (event instanceof MembershipEvent.InvitationAccepted e) {
            return "InvitationAccepted " + e.invitation().email().value() + " " + e.invitation().storedStatus() + " "
                    + e.user().value();
        }
        return event.getClass().getSimpleName() + ", which no change of the child makes";
    }

    /** What happened over all kills. Not thread-safe. */
    static final class Stats {
        long auditRows;
        int kills;
        int reportedCommits;
        int reportedRemovals;
        int underWayKept;
        int underWayLost;
        /** The event of every change that committed since the world was built, described, in commit order. */
        final List<String> expectedFeed = new ArrayList<>();

        Stats(long auditRows) {
            this.auditRows = auditRows;
        }

        @Override
        public String toString() {
            return kills + " kills, " + reportedCommits + " reported commits (" + reportedRemovals + " removals) all"
                    + " present, each with its audit row and its event; calls under way at the kill: " + underWayKept
                    + " had committed, " + underWayLost + " left nothing";
        }
    }

    // ---- the world ----------------------------------------------------------------------------------

    /** The organization the child works on, built once per database through the engine, and the feed's head then. */
    record World(OrganizationId organization, String admin, List<String> workspaces,
                 List<String> workspacesWithAdmin, Map<String, UserState> initial, long auditRows, long head) {}

    static World buildWorld(Target target) {
        try (JdbiStore store = target.open()) {
            Fixture f = Fixture.builder(store).rules(Presets.factory())
                    .organization("acme", org -> {
                        org.admin("alice").admin("amos");
                        MEMBERS.forEach(org::member);
                        org.workspace("w0", ws -> ws.admin("alice").member("u00").member("u01").member("u02"));
                        org.workspace("w1", ws -> ws.admin("amos").member("u00").member("u03").member("u04"));
                        org.workspace("w2", ws -> ws.admin("alice").admin("amos").member("u05"));
                    })
                    .build();
            List<String> workspaces = new ArrayList<>();
            for (String name : List.of("w0", "w1", "w2")) {
                workspaces.add(f.workspace(name).value());
            }
            Collections.sort(workspaces);
            World unread = new World(f.organization("acme"), "alice", workspaces, workspaces, Map.of(), 0, 0);
            return new World(unread.organization, "alice", workspaces, workspaces, storedState(store, unread),
                    auditRows(store), store.head().value());
        }
    }

    // ---- the child process --------------------------------------------------------------------------

    /**
     * A running {@link CrashingWriter}, its journal and its consumer's journal. Not thread-safe.
     *
     * <p>The child's standard output goes to a file, not a pipe. On Unix, {@code destroyForcibly()}
     * closes the parent's end of the child's pipes as soon as it has sent the signal, so lines the child
     * wrote just before the kill but the parent had not yet read were lost: the parent then saw a
     * committed change that no child had begun. A file keeps every write the child completed before
     * it died, which is exactly what the check needs.
     */
    static final class Child {
        private final Process process;
        private final Path journal;
        private final Path deliveries;
        private final Path errors;

        private Child(Process process, Path journal, Path deliveries, Path errors) {
            this.process = process;
            this.journal = journal;
            this.deliveries = deliveries;
            this.errors = errors;
        }

        /** @param options the child's {@code key=value} options; its consumer journal is added */
        static Child start(Target target, JdbiStore.Durability durability, long seed, int run, World world,
                           Path directory, List<String> options) throws IOException {
            String name = target.name() + "-" + durability + "-" + run;
            Path journal = directory.resolve("child-" + name + ".out");
            Path deliveries = directory.resolve("deliveries-" + name + ".out");
            Path errors = directory.resolve("child-" + name + ".err");
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                    "-cp", System.getProperty("java.class.path"), CrashingWriter.class.getName(),
                    target.argument(), durability.name(), Long.toString(seed), Integer.toString(run),
                    world.organization.value(), world.admin, String.join(",", MEMBERS), String.join(",", world.workspaces),
                    "deliveries=" + deliveries));
            command.addAll(options);
            Process process = new ProcessBuilder(command).redirectOutput(journal.toFile())
                    .redirectError(errors.toFile()).start();
            return new Child(process, journal, deliveries, errors);
        }

        /** Waits until {@code reached} holds for the child's journals. */
        void await(Predicate<Child> reached) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GUARD_SECONDS);
            while (!reached.test(this)) {
                if (!process.isAlive()) {
                    fail("the child ended on its own with " + process.exitValue() + ": " + readErrors()
                            + "\nafter " + journal() + "\nand " + deliveries());
                }
                if (System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    fail("the child reported too little for " + GUARD_SECONDS + " s (a hang guard, not a timing check)");
                }
                Thread.sleep(1);
            }
        }

        /** @return how many commits the child has reported */
        long commits() {
            return read(journal).stream().filter(line -> line.startsWith("committed ")).count();
        }

        /** @return how many events the consumer has journaled as delivered in this child */
        long delivered() {
            return read(deliveries).stream().filter(line -> line.startsWith("delivered ")).count();
        }

        /** @return whether the consumer's journal holds a line starting with {@code word} */
        boolean marked(String word) {
            return read(deliveries).stream().anyMatch(line -> line.startsWith(word + " "));
        }

        /** Sends SIGKILL; returns every line the child wrote, the one cut off by the kill marked {@link #PARTIAL}. */
        List<String> kill() throws Exception {
            process.destroyForcibly();
            assertTrue(process.waitFor(GUARD_SECONDS, TimeUnit.SECONDS), "the killed child did not end");
            int exit = process.exitValue();
            assertEquals(128 + 9, exit, () -> "the child was to die of SIGKILL, not " + exit + ": " + readErrors());
            return journal();
        }

        /** Waits for a child that ends by itself; returns its lines. */
        List<String> awaitExit() throws Exception {
            if (!process.waitFor(GUARD_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("the child did not end within " + GUARD_SECONDS + " s (a hang guard, not a timing check)");
            }
            int exit = process.exitValue();
            assertEquals(0, exit, () -> "the child was to end by itself, not with " + exit + ": " + readErrors());
            return journal();
        }

        private List<String> journal() {
            return read(journal);
        }

        /** @return the consumer's journal, the line cut off by the kill, if any, marked {@link #PARTIAL} */
        List<String> deliveries() {
            return read(deliveries);
        }

        private static List<String> read(Path file) {
            String text;
            try {
                text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + file, e);
            }
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
