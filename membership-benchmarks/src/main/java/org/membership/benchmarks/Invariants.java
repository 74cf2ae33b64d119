package org.membership.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * What must hold after a concurrency harness has run, every removal having been followed by its
 * re-add: each organization and its custom workspace hold exactly the members they started with,
 * in the same roles, with a usable admin each; the audit trail holds exactly one row per change
 * the callers were told succeeded; no workspace membership lacks its organization membership.
 */
final class Invariants {
    private Invariants() {}

    /** One organization of a harness's world, as {@link JdbiBenchmark#populate} wrote it. */
    record Organization(String id, String workspace, String admin, String prefix, int members) {}

    /** @return every violation found, empty if none */
    static String check(Connection c, List<Organization> organizations, long changes) throws SQLException {
        List<String> broken = new ArrayList<>();
        for (Organization o : organizations) {
            expect(broken, c, o.id() + ": workspace members", o.members(), "SELECT count(*) FROM workspace_members"
                    + " WHERE workspace_id = ? AND role = 'USER' AND user_id LIKE ?", o.workspace(), o.prefix() + "%");
            expect(broken, c, o.id() + ": workspace rows", o.members() + 1,
                    "SELECT count(*) FROM workspace_members WHERE workspace_id = ?", o.workspace());
            expect(broken, c, o.id() + ": organization members", o.members() + 1,
                    "SELECT count(*) FROM organization_members WHERE organization_id = ?", o.id());
            expect(broken, c, o.id() + ": usable workspace admins", 1, "SELECT count(*) FROM workspace_members m"
                    + " JOIN users u ON u.id = m.user_id WHERE m.workspace_id = ? AND m.role = 'ADMIN'"
                    + " AND u.status = 'VALIDATED'", o.workspace());
            expect(broken, c, o.id() + ": usable organization admins", 1, "SELECT count(*) FROM organization_members m"
                    + " JOIN users u ON u.id = m.user_id WHERE m.organization_id = ? AND m.role = 'ADMIN'"
                    + " AND u.status = 'VALIDATED'", o.id());
        }
        expect(broken, c, "audit rows", changes, "SELECT count(*) FROM audit_trail");
        expect(broken, c, "workspace memberships without their organization membership", 0,
                "SELECT count(*) FROM workspace_members wm LEFT JOIN organization_members om"
                        + " ON om.organization_id = wm.organization_id AND om.user_id = wm.user_id WHERE om.user_id IS NULL");
        return String.join("; ", broken);
    }

    private static void expect(List<String> broken, Connection c, String what, long expected, String sql, Object... args)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long found = rs.getLong(1);
                if (found != expected) {
                    broken.add(what + ": " + found + ", expected " + expected);
                }
            }
        }
    }
}
