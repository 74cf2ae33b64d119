package org.membership.jdbi;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.membership.api.Email;
import org.membership.api.Invitation;
import org.membership.api.InvitationId;
import org.membership.api.InvitationStatus;
import org.membership.api.Organization;
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationMember;
import org.membership.api.OrganizationRole;
import org.membership.api.User;
import org.membership.api.UserId;
import org.membership.api.UserStatus;
import org.membership.api.Workspace;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceKind;
import org.membership.api.WorkspaceMember;
import org.membership.api.WorkspaceRole;

/**
 * The plans of the hot statements, on a database with a large organization: each must reach its rows
 * through an index (never a scan of a membership table, never a sort of a whole roster). The plans are
 * also written to {@code target/query-plans-<dialect>.md}, the source of QUERY-PLANS.md.
 */
abstract class QueryPlanContract {
    static final int MEMBERS = 1_000;
    static final int SIDE_ORGANIZATIONS = 20;

    abstract JdbiStore store();

    abstract String dialectName();

    /** @return the plan of {@code sql} with {@code args}, one line per row */
    abstract List<String> explain(String sql, Object... args);

    /**
     * @return why the plan is not acceptable, or null; sorting is acceptable only without a LIMIT (a
     *         user's own few memberships), never for a keyset page of a roster
     */
    abstract String badPlan(String sql, List<String> plan);

    /**
     * @return why the plan does not reach its rows by a range of {@code column} in {@code index} (after
     *         equality on the columns before it), or null
     */
    abstract String notARange(List<String> plan, String index, String column);

    /** Statements that must range over one index column rather than walk every row an equality finds. */
    private static final Map<String, String[]> RANGES = Map.of(
            "expire an organization's lapsed invitations", new String[] {"invitations_pending_expiry", "expires_at"});

    /**
     * Stores one organization of {@link #MEMBERS} members, all in one workspace, with invitations, and
     * {@link #SIDE_ORGANIZATIONS} smaller ones that share those users and the audit trail.
     */
    static void populate(JdbiStore store) {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        store.write(tx -> {
            OrganizationId big = OrganizationId.of("big");
            tx.insertOrganization(new Organization(big, "Big", WorkspaceId.of("big-default"), t));
            tx.insertWorkspace(new Workspace(WorkspaceId.of("big-default"), big, "Default", WorkspaceKind.DEFAULT, t));
            tx.insertWorkspace(new Workspace(WorkspaceId.of("big-ws"), big, "All hands", WorkspaceKind.CUSTOM, t));
            for (int k = 0; k < SIDE_ORGANIZATIONS; k++) {
                OrganizationId side = OrganizationId.of("side-" + k);
                tx.insertOrganization(new Organization(side, "Side", WorkspaceId.of("side-default-" + k), t));
                tx.insertWorkspace(new Workspace(WorkspaceId.of("side-default-" + k), side, "Default",
                        WorkspaceKind.DEFAULT, t));
                tx.insertWorkspace(new Workspace(WorkspaceId.of("side-ws-" + k), side, "Team", WorkspaceKind.CUSTOM, t));
            }
            for (int i = 0; i < MEMBERS; i++) {
                UserId user = UserId.of("user-" + i);
                tx.insertUser(new User(user, Email.of("user" + i + "@example.com"), UserStatus.VALIDATED, false));
                tx.insertOrganizationMember(new OrganizationMember(big, user,
                        i % 100 == 0 ? OrganizationRole.ADMIN : OrganizationRole.MEMBER, t));
                tx.insertWorkspaceMember(new WorkspaceMember(WorkspaceId.of("big-ws"), user,
                        i % 50 == 0 ? WorkspaceRole.ADMIN : WorkspaceRole.USER, t));
                tx.insertInvitation(new Invitation(InvitationId.of("inv-" + i), big,
                        Email.of("invitee" + i + "@example.com"), OrganizationRole.MEMBER,
                        i % 2 == 0 ? InvitationStatus.PENDING : InvitationStatus.REVOKED, t, t.plusSeconds(3600 + i)));
                // Every user also belongs to a smaller organization, and the audit trail is shared by all.
                OrganizationId side = OrganizationId.of("side-" + (i % SIDE_ORGANIZATIONS));
                tx.insertOrganizationMember(new OrganizationMember(side, user, OrganizationRole.MEMBER, t));
                tx.insertWorkspaceMember(new WorkspaceMember(WorkspaceId.of("side-ws-" + (i % SIDE_ORGANIZATIONS)),
                        user, WorkspaceRole.USER, t));
                for (OrganizationId scope : List.of(big, side)) {
                    tx.appendAudit(new org.membership.api.AuditEntry(0, t, "user:x",
                            org.membership.api.Operation.ADD_WORKSPACE_MEMBER, java.util.Optional.of(scope),
                            new org.membership.api.AuditDetail.AddedToWorkspace(WorkspaceId.of("ws"), user,
                                    WorkspaceRole.USER), ""));
                }
            }
            return null;
        });
    }

    /** The hot statements with typical arguments, by what they serve. */
    private Map<String, Object[]> hotStatements() {
        Statements s = store().statements();
        Map<String, Object[]> out = new LinkedHashMap<>();
        out.put("workspace member lookup|" + s.workspaceMember, args("big-ws", "user-7"));
        out.put("workspace admin count|" + s.countWorkspaceAdmins, args("big-ws"));
        out.put("organization admin count|" + s.countOrganizationAdmins, args("big"));
        if (!s.countWorkspaceAdminsLocking.equals(s.countWorkspaceAdmins)) {
            out.put("workspace admin count in a write, share-locking the accounts|" + s.countWorkspaceAdminsLocking, args("big-ws"));
            out.put("organization admin count in a write, share-locking the accounts|" + s.countOrganizationAdminsLocking,
                    args("big"));
        }
        out.put("organization member lookup|" + s.organizationMember, args("big", "user-7"));
        out.put("a user's standing in a workspace (account, workspace, both memberships)|" + s.standing,
                args("big-ws", "user-7"));
        out.put("the same where the transaction has read the workspace (account, both memberships)|" + s.memberStanding,
                args("big", "big-ws", "user-7"));
        out.put("user by email|" + s.userByEmail, args("user7@example.com"));
        out.put("pending invitation by email|" + s.pendingInvitation, args("big", "invitee8@example.com"));
        out.put("workspace members, first page|" + s.workspaceMembers.first(), args("big-ws", 20));
        out.put("workspace members, after a key|" + s.workspaceMembers.after(), args("big-ws", "user-5", 20));
        out.put("workspace members, before a key|" + s.workspaceMembers.before(), args("big-ws", "user-5", 20));
        out.put("organization members, after a key|" + s.organizationMembers.after(), args("big", "user-5", 20));
        out.put("pending invitations, after a key|" + s.pendingInvitations.after(),
                args("big", 0L, "inv-5", 20));
        out.put("audit trail, before a key|" + s.auditTrail.before(), args("big", 1500L, 20));
        out.put("a user's workspaces in one organization|" + s.workspaceMembershipsIn, args("big", "user-7"));
        out.put("a user's organizations|" + s.organizationMembershipsOf, args("user-7"));
        out.put("a user's workspaces|" + s.workspaceMembershipsOf, args("user-7"));
        out.put("remove from a workspace|" + s.deleteWorkspaceMember, args("big-ws", "user-7"));
        out.put("cascade: remove from every workspace of the organization|" + s.deleteWorkspaceMembershipsIn,
                args("big", "user-7"));
        out.put("cascade: remove the organization membership|" + s.deleteOrganizationMember, args("big", "user-7"));
        out.put("add to a workspace|" + s.insertWorkspaceMember, args("user-7", "USER", 0L, "big-ws"));
        out.put("revoke an invitation|" + s.updateInvitationStatus, args("REVOKED", "inv-8"));
        // A few of big's 500 pending invitations have lapsed: the sweep must touch those, not all 500.
        out.put("expire an organization's lapsed invitations|" + s.expireInvitations,
                args("big", JdbiTransaction.nanos(Instant.parse("2026-01-01T01:00:10Z"))));
        // managing organizations directly (schema version 5)
        out.put("organization members with their accounts, first page|" + s.organizationUsers.first(), args("big", 20));
        out.put("organization members with their accounts, after a key|" + s.organizationUsers.after(),
                args("big", "user-5", 20));
        out.put("organization members with their accounts, before a key|" + s.organizationUsers.before(),
                args("big", "user-5", 20));
        out.put("organization members with one role (the many: members), after a key|" + s.organizationUsersWithRole.after(),
                args("big", "MEMBER", "user-5", 20));
        out.put("organization members with one role (the few: admins), first page|" + s.organizationUsersWithRole.first(),
                args("big", "ADMIN", 20));
        out.put("change an organization role|" + s.updateOrganizationRole, args("ADMIN", "big", "user-7"));
        out.put("change a user's email|" + s.updateUserEmail, args("new7@example.com", "user-7"));
        out.put("rename a workspace|" + s.updateWorkspaceName, args("Renamed", "big-ws"));
        out.put("delete a workspace: its memberships|" + s.deleteWorkspaceMembers, args("big-ws"));
        out.put("delete a workspace: its row|" + s.deleteWorkspace, args("big-ws"));
        out.put("delete an organization: its workspace memberships|" + s.deleteOrganizationWorkspaceMembers, args("big"));
        out.put("delete an organization: its memberships|" + s.deleteOrganizationMembers, args("big"));
        out.put("delete an organization: its invitations, whatever their status|" + s.deleteOrganizationInvitations,
                args("big"));
        out.put("delete an organization: its workspaces|" + s.deleteOrganizationWorkspaces, args("big"));
        out.put("delete an organization: its row|" + s.deleteOrganization, args("big"));
        if (s.lockOrganization != null) {
            out.put("lock the organization|" + s.lockOrganization, args("big"));
        }
        if (s.lockUser != null) {
            out.put("lock a user|" + s.lockUser, args("user-7"));
        }
        return out;
    }

    private static Object[] args(Object... args) {
        return args;
    }

    @Test
    void hotStatements_useIndexes_neverScanAMembershipTable() throws IOException {
        List<String> failures = new ArrayList<>();
        StringBuilder doc = new StringBuilder();
        for (Map.Entry<String, Object[]> e : hotStatements().entrySet()) {
            String[] nameAndSql = e.getKey().split("\\|", 2);
            List<String> plan = explain(nameAndSql[1], e.getValue());
            String bad = badPlan(nameAndSql[1], plan);
            // a page of one role's few members may sort them after an exact index probe of the role: that
            // sorts the role's members (a few admins), never the roster; the many (members) must not sort
            if (nameAndSql[0].contains("(the few: admins)") && "a sort of every matching row".equals(bad)
                    && plan.stream().anyMatch(line -> line.contains("Index Cond:") && line.contains("role = "))) {
                bad = null;
            }
            String[] range = RANGES.get(nameAndSql[0]);
            if (bad == null && range != null) {
                bad = notARange(plan, range[0], range[1]);
            }
            // the admin counts count usable admins: each admin's account by the users primary key
            if (bad == null && nameAndSql[0].contains("admin count")
                    && plan.stream().noneMatch(line -> line.contains("users_pkey") || line.contains("u USING PRIMARY KEY"))) {
                bad = "the admins' accounts are not looked up by the users primary key";
            }
            if (bad != null) {
                failures.add(nameAndSql[0] + ": " + bad + "\n  " + nameAndSql[1] + "\n  " + String.join("\n  ", plan));
            }
            doc.append("### ").append(nameAndSql[0]).append("\n\n```sql\n").append(nameAndSql[1])
                    .append("\n```\n```\n").append(String.join("\n", plan)).append("\n```\n\n");
        }
        Path out = Path.of("target", "query-plans-" + dialectName() + ".md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, doc);
        assertTrue(failures.isEmpty(), String.join("\n\n", failures));
    }
}
