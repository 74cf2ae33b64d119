package org.membership.jdbi;

/**
 * Every SQL statement the store runs, with the table prefix applied once. Each one names the
 * index it relies on (QUERY-PLANS.md shows the plans).
 */
final class Statements {
    /** A keyset-sliced list read: first page, after a key, before a key (the last one descending). */
    record Sliced(String first, String after, String before) {}

    private static final String USER = "SELECT id, email, status, instance_admin FROM ${p}users";
    private static final String ORGANIZATION = "SELECT id, name, default_workspace, created_at FROM ${p}organizations";
    private static final String WORKSPACE = "SELECT id, organization_id, name, kind, created_at FROM ${p}workspaces";
    private static final String ORGANIZATION_MEMBER =
            "SELECT organization_id, user_id, role, joined_at FROM ${p}organization_members";
    private static final String WORKSPACE_MEMBER =
            "SELECT workspace_id, user_id, role, joined_at FROM ${p}workspace_members";
    private static final String INVITATION =
            "SELECT id, organization_id, email, role, status, created_at, expires_at FROM ${p}invitations";
    private static final String AUDIT = "SELECT seq, happened_at, actor, operation, organization_id, target, reason,"
            + " cascade_lines, detail FROM ${p}audit_trail";
    /*
     * On SQLite the sequence is the row id, and for a large organization the planner may walk the
     * whole trail by row id and filter; naming the index keeps every page an index range.
     */
    private static final String SQLITE_AUDIT_INDEX = " INDEXED BY ${p}audit_trail_organization";

    final String prefix;
    final String lockOrganization;
    final String lockUser;
    /**
     * PostgreSQL assigns audit sequence numbers at insert, not at commit. Organization trails are
     * appended under the organization's lock, so their numbers commit in order; the instance trail
     * (user changes) has no such row, so its appends take a transaction-scoped advisory lock and a
     * reader paging by sequence can never skip an entry that commits late. SQLite needs nothing:
     * BEGIN IMMEDIATE already serializes every writer.
     */
    final String lockInstanceTrail;
    // primary keys
    final String user;
    final String organization;
    final String workspace;
    final String invitation;
    final String organizationMember;
    final String workspaceMember;
    /** A user's standing in a workspace (StoreReads.standing): the four primary-key lookups above in one statement; no row for an unknown user. */
    final String standing;
    /** The same for a workspace the transaction has read already: the account and both memberships. */
    final String memberStanding;
    // users_email
    final String userByEmail;
    // organization_members_role, workspace_members_role, then each admin's account by the users primary key
    final String countOrganizationAdmins;
    final String countWorkspaceAdmins;
    // the same in a write transaction: on PostgreSQL they also share-lock the accounts they count
    final String countOrganizationAdminsLocking;
    final String countWorkspaceAdminsLocking;
    // invitations_pending_email
    final String pendingInvitation;
    // primary keys, invitations_pending, audit_trail_organization (on PostgreSQL the trail's primary key)
    final Sliced organizationMembers;
    final Sliced workspaceMembers;
    final Sliced pendingInvitations;
    final Sliced auditTrail;
    // workspace_members_organization_user, organization_members_user, workspace_members_user
    final String workspaceMembershipsIn;
    final String organizationMembershipsOf;
    final String workspaceMembershipsOf;

    final String insertUser;
    final String updateUserStatus;
    final String insertOrganization;
    final String insertWorkspace;
    final String insertOrganizationMember;
    final String deleteOrganizationMember;
    final String insertWorkspaceMember;
    final String updateWorkspaceMember;
    final String deleteWorkspaceMember;
    final String deleteWorkspaceMembershipsIn;
    final String insertInvitation;
    final String updateInvitationStatus;
    // invitations_pending_expiry
    final String expireInvitations;
    final String appendAudit;

    // ---- the change feed (see V3__change_feed.sql of each dialect) ----
    // feed_events' primary key (SQLite: the position is the id); PostgreSQL: feed_events_position
    final String appendEvent;
    final String changes;
    final String head;
    /** PostgreSQL only: numbers committed events; its one parameter is an event id whose position to return. */
    final String numberEvents;
    // feed_events in position order: the oldest events, then a prefix of them deleted
    final String oldestEvents;
    final String pruneEvents;
    // feed_consumers' and feed_parked's primary keys
    final String consumer;
    final String consumerLocking;
    final String consumers;
    final String insertConsumer;
    final String updateConsumer;
    final String deleteConsumer;
    final String deleteParked;
    final String park;
    final String parked;

    // ---- managing organizations directly (V5__organization_management.sql) ----
    // a page of members with their accounts: the primary key, or organization_members_role (SQLite: it
    // ends with user_id) / organization_members_role_user (PostgreSQL) for one role; each account by key
    final Sliced organizationUsers;
    final Sliced organizationUsersWithRole;
    // primary keys
    final String updateOrganizationRole;
    final String updateUserEmail;
    final String updateWorkspaceName;
    // a workspace's members by its primary key, then the workspace
    final String deleteWorkspaceMembers;
    final String deleteWorkspace;
    // an organization's rows, each kind by one statement on an index of the organization:
    // workspace_members_organization_user, organization_members' primary key, invitations_organization,
    // workspaces_organization, then its own row
    final String deleteOrganizationWorkspaceMembers;
    final String deleteOrganizationMembers;
    final String deleteOrganizationInvitations;
    final String deleteOrganizationWorkspaces;
    final String deleteOrganization;

    Statements(Dialect dialect, String prefix) {
        this.prefix = prefix;
        this.lockOrganization = dialect.lockOrganization == null ? null : t(dialect.lockOrganization);
        this.lockUser = dialect.lockUser == null ? null : t(dialect.lockUser);
        this.lockInstanceTrail = dialect == Dialect.POSTGRESQL
                ? t("SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtext('${p}audit_trail'))) AS locked") : null;
        this.user = t(USER + " WHERE id = ?");
        this.organization = t(ORGANIZATION + " WHERE id = ?");
        this.workspace = t(WORKSPACE + " WHERE id = ?");
        this.invitation = t(INVITATION + " WHERE id = ?");
        this.organizationMember = t(ORGANIZATION_MEMBER + " WHERE organization_id = ? AND user_id = ?");
        this.workspaceMember = t(WORKSPACE_MEMBER + " WHERE workspace_id = ? AND user_id = ?");
        // Every join by primary key; an unknown user yields no row (then the workspace is read alone).
        // the ids are the arguments: not read back
        this.standing = t("SELECT u.email, u.status, u.instance_admin, w.organization_id, w.name, w.kind, w.created_at,"
                + " om.role, om.joined_at, wm.role, wm.joined_at"
                + " FROM ${p}users u"
                + " LEFT JOIN ${p}workspaces w ON w.id = ?"
                + " LEFT JOIN ${p}organization_members om ON om.organization_id = w.organization_id AND om.user_id = u.id"
                + " LEFT JOIN ${p}workspace_members wm ON wm.workspace_id = w.id AND wm.user_id = u.id"
                + " WHERE u.id = ?");
        this.memberStanding = t("SELECT u.email, u.status, u.instance_admin, om.role, om.joined_at, wm.role, wm.joined_at"
                + " FROM ${p}users u"
                + " LEFT JOIN ${p}organization_members om ON om.organization_id = ? AND om.user_id = u.id"
                + " LEFT JOIN ${p}workspace_members wm ON wm.workspace_id = ? AND wm.user_id = u.id"
                + " WHERE u.id = ?");
        this.userByEmail = t(USER + " WHERE email = ?");
        String organizationAdmins = "${p}organization_members m JOIN ${p}users u ON u.id = m.user_id"
                + " WHERE m.organization_id = ? AND m.role = 'ADMIN' AND u.status = 'VALIDATED'";
        String workspaceAdmins = "${p}workspace_members m JOIN ${p}users u ON u.id = m.user_id"
                + " WHERE m.workspace_id = ? AND m.role = 'ADMIN' AND u.status = 'VALIDATED'";
        this.countOrganizationAdmins = t("SELECT count(*) FROM " + organizationAdmins);
        this.countWorkspaceAdmins = t("SELECT count(*) FROM " + workspaceAdmins);
        this.countOrganizationAdminsLocking = t(countLocking(dialect, organizationAdmins));
        this.countWorkspaceAdminsLocking = t(countLocking(dialect, workspaceAdmins));
        this.pendingInvitation = t(INVITATION + " WHERE organization_id = ? AND email = ? AND status = 'PENDING'");
        this.organizationMembers = sliced(ORGANIZATION_MEMBER + " WHERE organization_id = ?", "user_id");
        this.workspaceMembers = sliced(WORKSPACE_MEMBER + " WHERE workspace_id = ?", "user_id");
        this.pendingInvitations = sliced(INVITATION + " WHERE organization_id = ? AND status = 'PENDING' AND expires_at > ?", "id");
        this.auditTrail = sliced(AUDIT + (dialect == Dialect.SQLITE ? SQLITE_AUDIT_INDEX : "")
                + " WHERE organization_id = ?", "seq");
        this.workspaceMembershipsIn = t(WORKSPACE_MEMBER + " WHERE organization_id = ? AND user_id = ? ORDER BY workspace_id");
        this.organizationMembershipsOf = t(ORGANIZATION_MEMBER + " WHERE user_id = ? ORDER BY organization_id");
        this.workspaceMembershipsOf = t(WORKSPACE_MEMBER + " WHERE user_id = ? ORDER BY workspace_id");
        this.insertUser = t("INSERT INTO ${p}users (id, email, status, instance_admin) VALUES (?, ?, ?, ?)");
        this.updateUserStatus = t("UPDATE ${p}users SET status = ? WHERE id = ?");
        this.insertOrganization = t("INSERT INTO ${p}organizations (id, name, default_workspace, created_at) VALUES (?, ?, ?, ?)");
        this.insertWorkspace = t("INSERT INTO ${p}workspaces (id, organization_id, name, kind, created_at) VALUES (?, ?, ?, ?, ?)");
        this.insertOrganizationMember = t("INSERT INTO ${p}organization_members"
                + " (organization_id, user_id, role, joined_at) VALUES (?, ?, ?, ?)");
        this.deleteOrganizationMember = t("DELETE FROM ${p}organization_members WHERE organization_id = ? AND user_id = ?");
        this.insertWorkspaceMember = t("INSERT INTO ${p}workspace_members"
                + " (workspace_id, user_id, organization_id, role, joined_at)"
                + " SELECT id, ?, organization_id, ?, ? FROM ${p}workspaces WHERE id = ?");
        this.updateWorkspaceMember = t("UPDATE ${p}workspace_members SET role = ?, joined_at = ? WHERE workspace_id = ? AND user_id = ?");
        this.deleteWorkspaceMember = t("DELETE FROM ${p}workspace_members WHERE workspace_id = ? AND user_id = ?");
        this.deleteWorkspaceMembershipsIn = t("DELETE FROM ${p}workspace_members"
                + " WHERE organization_id = ? AND user_id = ? RETURNING workspace_id");
        this.insertInvitation = t("INSERT INTO ${p}invitations"
                + " (id, organization_id, email, role, status, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
        this.updateInvitationStatus = t("UPDATE ${p}invitations SET status = ? WHERE id = ?");
        this.expireInvitations = t("UPDATE ${p}invitations SET status = 'EXPIRED'"
                + " WHERE organization_id = ? AND status = 'PENDING' AND expires_at <= ?");
        this.appendAudit = t("INSERT INTO ${p}audit_trail"
                + " (organization_id, happened_at, actor, operation, target, reason, cascade_lines, detail)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq");

        this.appendEvent = t("INSERT INTO ${p}feed_events (aggregatetype, aggregateid, type, payload, happened_at)"
                + " VALUES (?, ?, ?, ?, ?) RETURNING id");
        String position = dialect == Dialect.SQLITE ? "id" : "position";
        this.changes = t("SELECT id, " + position + ", type, payload FROM ${p}feed_events WHERE " + position + " > ?"
                + " ORDER BY " + position + " LIMIT ?");
        this.numberEvents = dialect == Dialect.POSTGRESQL ? t("SELECT ${p}feed_sequence(?)") : null;
        // SQLite: the AUTOINCREMENT counter, which pruning never lowers (max(id) would, once the feed is empty)
        this.head = dialect == Dialect.SQLITE
                ? t("SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = '${p}feed_events'), 0)")
                : t("SELECT ${p}feed_sequence(NULL)");
        this.oldestEvents = t("SELECT " + position + ", happened_at FROM ${p}feed_events"
                + (dialect == Dialect.POSTGRESQL ? " WHERE position IS NOT NULL" : "") + " ORDER BY " + position + " LIMIT ?");
        this.pruneEvents = t("DELETE FROM ${p}feed_events WHERE " + position + " <= ?");
        String consumer = "SELECT name, position, owner, lease_until FROM ${p}feed_consumers";
        this.consumer = t(consumer + " WHERE name = ?");
        this.consumerLocking = t(consumer + " WHERE name = ?" + (dialect == Dialect.POSTGRESQL ? " FOR UPDATE" : ""));
        this.consumers = t(consumer + " ORDER BY name");
        this.insertConsumer = t("INSERT INTO ${p}feed_consumers (name, position, owner, lease_until) VALUES (?, ?, ?, ?)");
        this.updateConsumer = t("UPDATE ${p}feed_consumers SET position = ?, owner = ?, lease_until = ? WHERE name = ?");
        this.deleteConsumer = t("DELETE FROM ${p}feed_consumers WHERE name = ?");
        this.deleteParked = t("DELETE FROM ${p}feed_parked WHERE consumer = ?");
        this.park = t("INSERT INTO ${p}feed_parked (consumer, position, event_id, type, payload, attempts, error, parked_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (consumer, position) DO UPDATE SET"
                + " attempts = excluded.attempts, error = excluded.error, parked_at = excluded.parked_at");
        this.parked = t("SELECT position, event_id, type, payload, attempts, error, parked_at FROM ${p}feed_parked"
                + " WHERE consumer = ? ORDER BY position LIMIT ?");

        this.organizationUsers = sliced(ORGANIZATION_USER + " WHERE m.organization_id = ?", "m.user_id");
        // SQLite would walk the primary key and filter on the role, which for the few admins of a large
        // organization is a walk of its roster: the role index (which ends with user_id) is named
        this.organizationUsersWithRole = sliced((dialect == Dialect.SQLITE
                ? ORGANIZATION_USER.replace(" m JOIN", " m INDEXED BY ${p}organization_members_role JOIN") : ORGANIZATION_USER)
                + " WHERE m.organization_id = ? AND m.role = ?", "m.user_id");
        this.updateOrganizationRole = t("UPDATE ${p}organization_members SET role = ? WHERE organization_id = ? AND user_id = ?");
        this.updateUserEmail = t("UPDATE ${p}users SET email = ? WHERE id = ?");
        this.updateWorkspaceName = t("UPDATE ${p}workspaces SET name = ? WHERE id = ?");
        this.deleteWorkspaceMembers = t("DELETE FROM ${p}workspace_members WHERE workspace_id = ? RETURNING user_id");
        this.deleteWorkspace = t("DELETE FROM ${p}workspaces WHERE id = ?");
        this.deleteOrganizationWorkspaceMembers = t("DELETE FROM ${p}workspace_members WHERE organization_id = ?");
        this.deleteOrganizationMembers = t("DELETE FROM ${p}organization_members WHERE organization_id = ?");
        this.deleteOrganizationInvitations = t("DELETE FROM ${p}invitations WHERE organization_id = ?");
        this.deleteOrganizationWorkspaces = t("DELETE FROM ${p}workspaces WHERE organization_id = ?");
        this.deleteOrganization = t("DELETE FROM ${p}organizations WHERE id = ?");
    }

    /** The statements of managing organizations directly, in a section of their own. */
    private static final String ORGANIZATION_USER = "SELECT m.organization_id, m.user_id, m.role, m.joined_at,"
            + " u.id, u.email, u.status, u.instance_admin FROM ${p}organization_members m JOIN ${p}users u ON u.id = m.user_id";

    /*
     * PostgreSQL's side of lockUser (the locking protocol, in the SPI's package documentation): the
     * admin counts of a write take FOR SHARE on every account they count, which conflicts with
     * lockUser's FOR NO KEY UPDATE of the user's row.
     *  - A count that reaches the account after the lock was granted waits for the status change to
     *    end; READ COMMITTED then re-checks the row's latest version against the WHERE clause, so a
     *    disabled admin drops out of the count.
     *  - A count that took its share lock first holds it to commit, so lockUser waits, and the status
     *    change's reads under its lock see what that transaction changed.
     * PostgreSQL rejects a locking clause beside an aggregate, hence the count over a subquery, and
     * any locking clause in a read-only transaction: reads (dry runs among them) count from their
     * snapshot without it. SQLite's BEGIN IMMEDIATE already serializes every writer, so its counts
     * lock nothing. The one cycle the protocol allows surfaces as a deadlock (40P01), which
     * Dialect.isRetryable has the store run again with fresh reads.
     */
    private static String countLocking(Dialect dialect, String admins) {
        return dialect == Dialect.POSTGRESQL
                ? "SELECT count(*) FROM (SELECT 1 FROM " + admins + " FOR SHARE OF u) AS usable"
                : "SELECT count(*) FROM " + admins;
    }

    /** @return {@code sql} with the table prefix in place of every {@code ${p}} */
    String t(String sql) {
        return sql.replace("${p}", prefix == null ? "" : prefix);
    }

    private Sliced sliced(String select, String key) {
        return new Sliced(t(select + " ORDER BY " + key + " LIMIT ?"),
                t(select + " AND " + key + " > ? ORDER BY " + key + " LIMIT ?"),
                t(select + " AND " + key + " < ? ORDER BY " + key + " DESC LIMIT ?"));
    }
}
