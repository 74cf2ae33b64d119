package org.membership.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.membership.api.UserId;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceMember;
import org.membership.api.WorkspaceRole;

/**
 * The floor: a workspace-member removal, its re-add, the dry run of the removal and the first page
 * of members, written by hand with plain JDBC on one connection, the way an expert would write them
 * — and deciding, reading and writing the same things as the library's real calls (see
 * {@code StatementCount} and {@code Planner}).
 *
 * <p>What a removal knows and does, on both sides: the actor's account (known and validated,
 * instance admin?), the workspace (exists, custom, its organization), the actor's organization role
 * and (short of organization admin) workspace role; the target's workspace membership, its account
 * (instance admin? validated?) and organization role, so that the target never outranks the actor;
 * the count of the workspace's usable admins only when the target is one (rule 6); then the
 * {@code DELETE} and the audit row with the very columns the library writes ({@code user:alice},
 * {@code REMOVE_WORKSPACE_MEMBER}, {@code user:m50 in workspace:w}, the reason, no cascade, and the
 * typed detail as JSON). The
 * re-add knows the actor's standing, the user's organization membership and that it is not yet in
 * the workspace, then inserts the row and its audit row (cascade {@code role user}). Here each fact
 * group is one joined query where the library makes one primary-key lookup per row, which is what an
 * expert does by hand.
 *
 * <p>On PostgreSQL the writes also lock the organization's row first ({@code FOR NO KEY UPDATE}, in
 * a statement of its own so that every later read sees the previous holder's commit) and share-lock
 * the accounts they count, as the library does; transactions use the driver's own
 * {@code setAutoCommit(false)}/{@code commit()}, which sends {@code BEGIN} with the first query
 * instead of a round trip of its own. On SQLite a write begins with {@code BEGIN IMMEDIATE}.
 *
 * <p>{@link Preparation#ONCE} prepares every statement once, when first used, and keeps it for the
 * connection's life: the floor. {@link Preparation#PER_CALL} prepares and closes every statement on
 * every call, as the README's earlier baseline did: a labelled reference, not the floor. With
 * {@code withEvent} every change also appends its event to the change feed's outbox, as the library
 * does in the same transaction: one row of the library's own {@code feed_events} table, with its
 * columns and its payload (the library's world has the table). That is the floor the library is
 * compared with since the change feed; without it, a labelled reference. On PostgreSQL it also
 * numbers the committed event with the library's sequencer right after the commit, as the library's
 * outbox protocol does (positions in commit order), in one round trip.
 *
 * <p>Not thread-safe: one instance per connection, used by one thread at a time.
 */
final class HandWrittenJdbc implements AutoCloseable {
    /** How statements are prepared. */
    enum Preparation {
        /** Once per connection, then reused: the floor. */
        ONCE,
        /** On every call, closed after it: a reference. */
        PER_CALL
    }

    /** Which database the connection is to. */
    enum Database { SQLITE, POSTGRESQL }

    static final int OK = 0;
    static final int REFUSED = 1;

    private static final int MEMBER = 1;
    private static final int WORKSPACE_ADMIN = 2;
    private static final int ORGANIZATION_ADMIN = 3;
    private static final int INSTANCE_ADMIN = 4;

    // ---- the statements ----------------------------------------------------------------------

    private static final String BEGIN_IMMEDIATE = "BEGIN IMMEDIATE";
    private static final String BEGIN_DEFERRED = "BEGIN DEFERRED";
    private static final String COMMIT = "COMMIT";
    private static final String ROLLBACK = "ROLLBACK";
    /** SQLite: the actor's account, the workspace and the actor's two roles, in one query. */
    private static final String ACTOR = "SELECT w.organization_id, w.kind, u.status, u.instance_admin, om.role, wm.role"
            + " FROM workspaces w JOIN users u ON u.id = ?"
            + " LEFT JOIN organization_members om ON om.organization_id = w.organization_id AND om.user_id = u.id"
            + " LEFT JOIN workspace_members wm ON wm.workspace_id = w.id AND wm.user_id = u.id"
            + " WHERE w.id = ?";
    /** PostgreSQL: the workspace, locking its organization's row; read before anything the lock orders. */
    private static final String LOCK_WORKSPACE_ORGANIZATION = "SELECT w.organization_id, w.kind FROM workspaces w"
            + " JOIN organizations o ON o.id = w.organization_id WHERE w.id = ? FOR NO KEY UPDATE OF o";
    /** PostgreSQL, after the lock: the actor's account and its two roles. */
    private static final String ACTOR_IN = "SELECT u.status, u.instance_admin, om.role, wm.role FROM users u"
            + " LEFT JOIN organization_members om ON om.organization_id = ? AND om.user_id = u.id"
            + " LEFT JOIN workspace_members wm ON wm.workspace_id = ? AND wm.user_id = u.id"
            + " WHERE u.id = ?";
    /** The target's workspace membership, organization role and account, in one query. */
    private static final String TARGET = "SELECT wm.role, om.role, u.instance_admin, u.status FROM workspace_members wm"
            + " JOIN organization_members om ON om.organization_id = wm.organization_id AND om.user_id = wm.user_id"
            + " JOIN users u ON u.id = wm.user_id"
            + " WHERE wm.workspace_id = ? AND wm.user_id = ?";
    private static final String USABLE_ADMINS = "workspace_members m JOIN users u ON u.id = m.user_id"
            + " WHERE m.workspace_id = ? AND m.role = 'ADMIN' AND u.status = 'VALIDATED'";
    private static final String COUNT_ADMINS = "SELECT count(*) FROM " + USABLE_ADMINS;
    private static final String COUNT_ADMINS_LOCKING = "SELECT count(*) FROM (SELECT 1 FROM " + USABLE_ADMINS
            + " FOR SHARE OF u) AS usable";
    private static final String DELETE = "DELETE FROM workspace_members WHERE workspace_id = ? AND user_id = ?";
    private static final String AUDIT = "INSERT INTO audit_trail"
            + " (organization_id, happened_at, actor, operation, target, reason, cascade_lines, detail)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    /** The user's organization role, and its workspace membership if any. */
    private static final String CANDIDATE = "SELECT om.role, wm.role FROM organization_members om"
            + " LEFT JOIN workspace_members wm ON wm.workspace_id = ? AND wm.user_id = om.user_id"
            + " WHERE om.organization_id = ? AND om.user_id = ?";
    private static final String INSERT = "INSERT INTO workspace_members"
            + " (workspace_id, user_id, organization_id, role, joined_at) VALUES (?, ?, ?, ?, ?)";
    /** The library's own outbox row (its table, its columns, its payload), so that the floor writes what the change feed writes. */
    private static final String EVENT = "INSERT INTO feed_events (aggregatetype, aggregateid, type, payload, happened_at)"
            + " VALUES ('organization', ?, ?, ?, ?)";
    /** PostgreSQL: the same row, its id returned for the numbering after commit. */
    private static final String EVENT_RETURNING = EVENT + " RETURNING id";
    /** PostgreSQL: the library's sequencer, which numbers committed events in commit order (its outbox protocol). */
    private static final String NUMBER = "SELECT feed_sequence(?)";
    /** The dry run in one statement: both standings and, for an admin target, the count; one snapshot. */
    private static final String DECISION = "SELECT w.organization_id, w.kind, a.status, a.instance_admin, aom.role, awm.role,"
            + " twm.role, tom.role, t.instance_admin, t.status,"
            + " CASE WHEN twm.role = 'ADMIN' AND t.status = 'VALIDATED' THEN (SELECT count(*) FROM workspace_members m"
            + " JOIN users u ON u.id = m.user_id WHERE m.workspace_id = w.id AND m.role = 'ADMIN' AND u.status = 'VALIDATED')"
            + " END"
            + " FROM workspaces w JOIN users a ON a.id = ?"
            + " LEFT JOIN organization_members aom ON aom.organization_id = w.organization_id AND aom.user_id = a.id"
            + " LEFT JOIN workspace_members awm ON awm.workspace_id = w.id AND awm.user_id = a.id"
            + " LEFT JOIN workspace_members twm ON twm.workspace_id = w.id AND twm.user_id = ?"
            + " LEFT JOIN organization_members tom ON tom.organization_id = twm.organization_id AND tom.user_id = twm.user_id"
            + " LEFT JOIN users t ON t.id = twm.user_id"
            + " WHERE w.id = ?";
    private static final String PAGE = "SELECT workspace_id, user_id, role, joined_at FROM workspace_members"
            + " WHERE workspace_id = ? ORDER BY user_id LIMIT ?";

    /*
     * The statements the library runs for the same removal and re-add (StatementCount), sent by
     * hand, prepared once: a probe of what the library's statement shape costs without its layers.
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

    private final Connection connection;
    private final Database database;
    private final Preparation preparation;
    private final boolean withEvent;
    private final Map<String, PreparedStatement> prepared = new HashMap<>();
    /** PostgreSQL: the id of the event the open transaction appended, numbered once it commits; 0 if none. */
    private long lastEvent;

    /**
     * @param connection in auto-commit mode (SQLite) or any mode (PostgreSQL: it is switched off);
     *                   owned from now on, closed by {@link #close()}
     * @param withEvent whether every change also writes one outbox row (the table is created if missing)
     */
    HandWrittenJdbc(Connection connection, Database database, Preparation preparation, boolean withEvent)
            throws SQLException {
        this.connection = connection;
        this.database = database;
        this.preparation = preparation;
        this.withEvent = withEvent;
        connection.setAutoCommit(database == Database.SQLITE);
    }

    @Override
    public void close() throws SQLException {
        for (PreparedStatement ps : prepared.values()) {
            ps.close();
        }
        connection.close();
    }

    // ---- statements and transactions -------------------------------------------------------------

    private PreparedStatement statement(String sql) throws SQLException {
        if (preparation == Preparation.PER_CALL) {
            return connection.prepareStatement(sql);
        }
        PreparedStatement ps = prepared.get(sql);
        if (ps == null) {
            ps = connection.prepareStatement(sql);
            prepared.put(sql, ps);
        }
        return ps;
    }

    /** Ends one use of a statement: closes it when prepared per call (and with it its result set). */
    private void done(PreparedStatement ps) throws SQLException {
        if (preparation == Preparation.PER_CALL) {
            ps.close();
        }
    }

    private void run(String sql) throws SQLException {
        PreparedStatement ps = statement(sql);
        ps.execute();
        done(ps);
    }

    private void beginWrite() throws SQLException {
        if (database == Database.SQLITE) {
            run(BEGIN_IMMEDIATE);
        }
        // PostgreSQL: auto-commit is off, so the driver begins the transaction with the first query.
    }

    private void commit() throws SQLException {
        if (database == Database.SQLITE) {
            run(COMMIT);
            return;
        }
        connection.commit();
        if (lastEvent != 0) {
            // As the library: number the committed event in a transaction of its own, one round trip in
            // auto-commit mode (switching it on and off between transactions sends nothing).
            connection.setAutoCommit(true);
            try {
                PreparedStatement ps = statement(NUMBER);
                ps.setLong(1, lastEvent);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                } finally {
                    done(ps);
                }
            } finally {
                lastEvent = 0;
                connection.setAutoCommit(false);
            }
        }
    }

    private int rollback() {
        lastEvent = 0;
        try {
            if (database == Database.SQLITE) {
                run(ROLLBACK);
            } else {
                connection.rollback();
            }
        } catch (SQLException ignored) {
            // No transaction was open.
        }
        return REFUSED;
    }

    // ---- standing --------------------------------------------------------------------------------

    /** The actor's organization and authority level in a workspace, as the decision needs them. */
    private record Standing(String organization, int level) {}

    private static final Standing NO_STANDING = new Standing(null, 0);

    /** The actor's level in a workspace (Authority.inWorkspace): 0 outside its organization or, short of admin, a custom workspace it is not in. */
    private static int actorLevel(boolean instanceAdmin, String organizationRole, String workspaceRole, String kind) {
        if (instanceAdmin) {
            return INSTANCE_ADMIN;
        }
        if (organizationRole == null) {
            return 0;
        }
        if ("ADMIN".equals(organizationRole)) {
            return ORGANIZATION_ADMIN;
        }
        if (!"CUSTOM".equals(kind)) {
            return MEMBER;
        }
        return workspaceRole == null ? 0 : "ADMIN".equals(workspaceRole) ? WORKSPACE_ADMIN : MEMBER;
    }

    /** A target member's level (Authority.ofMember): the highest its account and two roles give. */
    private static int targetLevel(boolean instanceAdmin, String organizationRole, String workspaceRole) {
        return instanceAdmin ? INSTANCE_ADMIN
                : "ADMIN".equals(organizationRole) ? ORGANIZATION_ADMIN
                : "ADMIN".equals(workspaceRole) ? WORKSPACE_ADMIN : MEMBER;
    }

    /**
     * @param lock whether to lock the organization (PostgreSQL writes)
     * @param custom whether the workspace must be a custom one
     * @return the actor's standing in the workspace; level 0 if it may not act there at all
     */
    private Standing standing(String actor, String workspace, boolean lock, boolean custom) throws SQLException {
        if (database == Database.POSTGRESQL && lock) {
            String organization;
            String kind;
            PreparedStatement ps = statement(LOCK_WORKSPACE_ORGANIZATION);
            ps.setString(1, workspace);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || custom && !"CUSTOM".equals(rs.getString(2))) {
                    return NO_STANDING;
                }
                organization = rs.getString(1);
                kind = rs.getString(2);
            } finally {
                done(ps);
            }
            ps = statement(ACTOR_IN);
            ps.setString(1, organization);
            ps.setString(2, workspace);
            ps.setString(3, actor);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || !"VALIDATED".equals(rs.getString(1))) {
                    return NO_STANDING;
                }
                return new Standing(organization, actorLevel(rs.getBoolean(2), rs.getString(3), rs.getString(4), kind));
            } finally {
                done(ps);
            }
        }
        PreparedStatement ps = statement(ACTOR);
        ps.setString(1, actor);
        ps.setString(2, workspace);
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next() || !"VALIDATED".equals(rs.getString(3)) || custom && !"CUSTOM".equals(rs.getString(2))) {
                return NO_STANDING;
            }
            return new Standing(rs.getString(1), actorLevel(rs.getBoolean(4), rs.getString(5), rs.getString(6), rs.getString(2)));
        } finally {
            done(ps);
        }
    }

    private static long now() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private void audit(String organization, long at, String actor, String operation, String target, String reason,
                       String cascade, String detail) throws SQLException {
        PreparedStatement ps = statement(AUDIT);
        ps.setString(1, organization);
        ps.setLong(2, at);
        ps.setString(3, "user:" + actor);
        ps.setString(4, operation);
        ps.setString(5, target);
        ps.setString(6, reason);
        ps.setString(7, cascade);
        ps.setString(8, detail);
        ps.executeUpdate();
        done(ps);
    }

    /** The audit row's typed detail, as the library stores it (schema version 4). */
    private static String removedDetail(String workspace, String user) {
        return "{\"type\":\"RemovedFromWorkspace\",\"workspace\":\"" + workspace + "\",\"user\":\"" + user + "\"}";
    }

    private static String addedDetail(String workspace, String user) {
        return "{\"type\":\"AddedToWorkspace\",\"workspace\":\"" + workspace + "\",\"user\":\"" + user
                + "\",\"role\":\"user\"}";
    }

    /** The outbox row of a removal ({@code WorkspaceMemberRemoved}) or re-add ({@code WorkspaceMemberAdded}), as the library writes it. */
    private void event(String organization, long at, String workspace, String user, boolean added) throws SQLException {
        if (!withEvent) {
            return;
        }
        String instant = Instant.ofEpochSecond(Math.floorDiv(at, 1_000_000_000L), Math.floorMod(at, 1_000_000_000L)).toString();
        PreparedStatement ps = statement(database == Database.POSTGRESQL ? EVENT_RETURNING : EVENT);
        ps.setString(1, organization);
        ps.setString(2, added ? "WorkspaceMemberAdded" : "WorkspaceMemberRemoved");
        ps.setString(3, added
                ? "{\"organization\":\"" + organization + "\",\"member\":{\"workspace\":\"" + workspace + "\",\"user\":\""
                        + user + "\",\"role\":\"user\",\"since\":\"" + instant + "\"},\"at\":\"" + instant + "\"}"
                : "{\"organization\":\"" + organization + "\",\"workspace\":\"" + workspace + "\",\"user\":\"" + user
                        + "\",\"at\":\"" + instant + "\"}");
        ps.setLong(4, at);
        if (database == Database.POSTGRESQL) {
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                lastEvent = rs.getLong(1);
            } finally {
                done(ps);
            }
        } else {
            ps.executeUpdate();
            done(ps);
        }
    }

    // ---- the operations --------------------------------------------------------------------------

    /** Removes {@code user} from {@code workspace} as {@code actor}: one write transaction. */
    int removeWorkspaceMember(String actor, String workspace, String user, String reason) throws SQLException {
        beginWrite();
        try {
            Standing standing = standing(actor, workspace, true, true);
            if (standing.level() < WORKSPACE_ADMIN || actor.equals(user)) {
                return rollback();
            }
            boolean usableAdmin;
            PreparedStatement ps = statement(TARGET);
            ps.setString(1, workspace);
            ps.setString(2, user);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return rollback();
                }
                String role = rs.getString(1);
                int level = targetLevel(rs.getBoolean(3), rs.getString(2), role);
                if (level > standing.level()) {
                    return rollback();
                }
                usableAdmin = "ADMIN".equals(role) && "VALIDATED".equals(rs.getString(4));
            } finally {
                done(ps);
            }
            if (usableAdmin && countAdmins(workspace) <= 1) {
                return rollback();
            }
            ps = statement(DELETE);
            ps.setString(1, workspace);
            ps.setString(2, user);
            ps.executeUpdate();
            done(ps);
            long at = now();
            audit(standing.organization(), at, actor, "REMOVE_WORKSPACE_MEMBER",
                    "user:" + user + " in workspace:" + workspace, reason, null, removedDetail(workspace, user));
            event(standing.organization(), at, workspace, user, false);
            commit();
            return OK;
        } catch (SQLException | RuntimeException e) {
            rollback();
            throw e;
        }
    }

    private int countAdmins(String workspace) throws SQLException {
        PreparedStatement ps = statement(database == Database.POSTGRESQL ? COUNT_ADMINS_LOCKING : COUNT_ADMINS);
        ps.setString(1, workspace);
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        } finally {
            done(ps);
        }
    }

    /** Adds {@code user} to {@code workspace} with the role USER as {@code actor}: one write transaction. */
    int addWorkspaceMember(String actor, String workspace, String user) throws SQLException {
        beginWrite();
        try {
            Standing standing = standing(actor, workspace, true, true);
            if (standing.level() < WORKSPACE_ADMIN) {
                return rollback();
            }
            PreparedStatement ps = statement(CANDIDATE);
            ps.setString(1, workspace);
            ps.setString(2, standing.organization());
            ps.setString(3, user);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getString(2) != null) {
                    return rollback();
                }
            } finally {
                done(ps);
            }
            long at = now();
            ps = statement(INSERT);
            ps.setString(1, workspace);
            ps.setString(2, user);
            ps.setString(3, standing.organization());
            ps.setString(4, "USER");
            ps.setLong(5, at);
            ps.executeUpdate();
            done(ps);
            audit(standing.organization(), at, actor, "ADD_WORKSPACE_MEMBER",
                    "user:" + user + " in workspace:" + workspace, "", "role user", addedDetail(workspace, user));
            event(standing.organization(), at, workspace, user, true);
            commit();
            return OK;
        } catch (SQLException | RuntimeException e) {
            rollback();
            throw e;
        }
    }

    /** May {@code actor} remove {@code user} from {@code workspace}? One read transaction (SQLite). */
    int checkRemoval(String actor, String workspace, String user) throws SQLException {
        requireSqlite();
        run(BEGIN_DEFERRED);
        try {
            Standing standing = standing(actor, workspace, false, true);
            if (standing.level() < WORKSPACE_ADMIN || actor.equals(user)) {
                return rollback();
            }
            boolean usableAdmin;
            PreparedStatement ps = statement(TARGET);
            ps.setString(1, workspace);
            ps.setString(2, user);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return rollback();
                }
                String role = rs.getString(1);
                if (targetLevel(rs.getBoolean(3), rs.getString(2), role) > standing.level()) {
                    return rollback();
                }
                usableAdmin = "ADMIN".equals(role) && "VALIDATED".equals(rs.getString(4));
            } finally {
                done(ps);
            }
            int decision = usableAdmin && countAdmins(workspace) <= 1 ? REFUSED : OK;
            run(ROLLBACK);
            return decision;
        } catch (SQLException | RuntimeException e) {
            rollback();
            throw e;
        }
    }

    /**
     * The same decision in a single statement in auto-commit mode (one statement is one snapshot):
     * a reference below the floor, since the library's reads are separate calls of its SPI.
     */
    int checkRemovalInOneStatement(String actor, String workspace, String user) throws SQLException {
        requireSqlite();
        PreparedStatement ps = statement(DECISION);
        ps.setString(1, actor);
        ps.setString(2, user);
        ps.setString(3, workspace);
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next() || !"VALIDATED".equals(rs.getString(3)) || !"CUSTOM".equals(rs.getString(2))) {
                return REFUSED;
            }
            int actorLevel = actorLevel(rs.getBoolean(4), rs.getString(5), rs.getString(6), rs.getString(2));
            String role = rs.getString(7);
            if (actorLevel < WORKSPACE_ADMIN || actor.equals(user) || role == null
                    || targetLevel(rs.getBoolean(9), rs.getString(8), role) > actorLevel) {
                return REFUSED;
            }
            rs.getInt(11);
            return !rs.wasNull() && rs.getInt(11) <= 1 ? REFUSED : OK;
        } finally {
            done(ps);
        }
    }

    /**
     * The first {@code limit} members of a custom workspace and the one after them (which tells the
     * library's page whether more follow), mapped to the API's values as the library's page holds them;
     * empty where the actor may not list them.
     */
    List<WorkspaceMember> firstPage(String actor, String workspace, int limit) throws SQLException {
        requireSqlite();
        run(BEGIN_DEFERRED);
        try {
            Standing standing = standing(actor, workspace, false, true);
            List<WorkspaceMember> page = new ArrayList<>(limit + 1);
            if (standing.level() >= MEMBER) {
                PreparedStatement ps = statement(PAGE);
                ps.setString(1, workspace);
                ps.setInt(2, limit + 1);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long nanos = rs.getLong(4);
                        page.add(new WorkspaceMember(WorkspaceId.of(rs.getString(1)), UserId.of(rs.getString(2)),
                                WorkspaceRole.valueOf(rs.getString(3)), Instant.ofEpochSecond(
                                        Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L))));
                    }
                } finally {
                    done(ps);
                }
            }
            run(ROLLBACK);
            return page;
        } catch (SQLException | RuntimeException e) {
            rollback();
            throw e;
        }
    }

    /** The library's 19 statements for a removal and re-add, by hand (SQLite); returns rows read or changed. */
    int libraryStatements(String organization, String actor, String workspace, String user) throws SQLException {
        requireSqlite();
        long now = now();
        String target = "user:" + user + " in workspace:" + workspace;
        int rows = 0;
        run(BEGIN_IMMEDIATE);
        rows += rows(LIBRARY_REMOVAL[0], actor);
        rows += rows(LIBRARY_REMOVAL[1], workspace);
        rows += rows(LIBRARY_REMOVAL[2], organization, actor);
        rows += rows(LIBRARY_REMOVAL[3], workspace, user);
        rows += rows(LIBRARY_REMOVAL[4], user);
        rows += rows(LIBRARY_REMOVAL[5], organization, user);
        rows += rows(LIBRARY_REMOVAL[6], workspace, user);
        rows += rows(LIBRARY_REMOVAL[7], organization, now, "user:" + actor, "REMOVE_WORKSPACE_MEMBER", target, "", null,
                removedDetail(workspace, user));
        run(COMMIT);
        run(BEGIN_IMMEDIATE);
        rows += rows(LIBRARY_READD[0], actor);
        rows += rows(LIBRARY_READD[1], workspace);
        rows += rows(LIBRARY_READD[2], organization, actor);
        rows += rows(LIBRARY_READD[3], organization, user);
        rows += rows(LIBRARY_READD[4], workspace, user);
        rows += rows(LIBRARY_READD[5], user, "USER", now, workspace);
        rows += rows(LIBRARY_READD[6], organization, now, "user:" + actor, "ADD_WORKSPACE_MEMBER", target, "", "role user",
                addedDetail(workspace, user));
        run(COMMIT);
        return rows;
    }

    /** Reads {@code count} users by primary key in one transaction: the cost of a statement by hand. */
    int pointReads(String user, int count) throws SQLException {
        int found = 0;
        if (database == Database.SQLITE) {
            run(BEGIN_DEFERRED);
        }
        for (int i = 0; i < count; i++) {
            found += rows(LIBRARY_REMOVAL[0], user);
        }
        if (database == Database.SQLITE) {
            run(ROLLBACK);
        } else {
            connection.rollback();
        }
        return found;
    }

    /** Runs one statement, reading every column of every row it returns; returns rows read or changed. */
    private int rows(String sql, Object... args) throws SQLException {
        PreparedStatement ps = statement(sql);
        try {
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
        } finally {
            done(ps);
        }
    }

    private void requireSqlite() {
        if (database != Database.SQLITE) {
            throw new UnsupportedOperationException("only on SQLite");
        }
    }
}
