package org.membership.jdbi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.membership.api.Command;
import org.membership.api.Email;
import org.membership.api.MembershipEvent;
import org.membership.api.OrganizationUserRemoval;
import org.membership.api.Reason;
import org.membership.api.WorkspaceRole;
import org.membership.tck.Fixture;

/** The engine over a SQLite file: a fixture world, a workspace removal and an organization removal, checked in the stored rows. */
final class EngineOnSqliteTest {
    @TempDir
    Path directory;
    private JdbiStore store;
    private Fixture f;

    @BeforeEach
    void build() {
        store = JdbiStore.sqlite(directory.resolve("membership.db"));
        f = Fixture.builder(store)
                .organization("acme", org -> org
                        .admin("alice")
                        .member("bob")
                        .member("erin")
                        .workspace("research", ws -> ws.admin("alice").member("bob", WorkspaceRole.DEVELOPER))
                        .workspace("design", ws -> ws.admin("alice").member("bob"))
                        .invitation("carol@example.com"))
                .organization("globex", org -> org
                        .admin("bob")
                        .workspace("labs", ws -> ws.admin("bob")))
                .build();
    }

    @AfterEach
    void close() {
        store.close();
    }

    // ---- removal from a workspace ----------------------------------------------------------

    @Test
    void removeWorkspaceMember_deletesTheRowAndAudits() {
        var outcome = f.membership().execute(f.actor("alice"),
                new Command.RemoveWorkspaceMember(f.workspace("research"), f.user("bob"), "left the project"));
        assertTrue(outcome.succeeded(), outcome.toString());
        assertEquals(List.of("alice"), rows("SELECT user_id FROM workspace_members WHERE workspace_id = ?",
                f.workspace("research").value()));
        assertEquals(java.util.stream.Stream.of(f.workspace("design").value(), f.workspace("labs").value()).sorted()
                .toList(),
                rows("SELECT workspace_id FROM workspace_members WHERE user_id = 'bob' ORDER BY workspace_id"));
        assertEquals(List.of("left the project"), rows("SELECT reason FROM audit_trail WHERE organization_id = ?"
                + " AND operation = 'REMOVE_WORKSPACE_MEMBER'", f.organization("acme").value()));
        var again = f.membership().execute(f.actor("alice"),
                new Command.RemoveWorkspaceMember(f.workspace("research"), f.user("bob")));
        assertEquals(Reason.MEMBER_NOT_FOUND, again.refusal().orElseThrow().reason());
    }

    // ---- removal from an organization by email ----------------------------------------------

    @Test
    void removeOrganizationUser_member_cascadesInOneTransactionAndOnlyInThatOrganization() {
        var outcome = f.membership().execute(f.organizationKey("acme"),
                new Command.RemoveOrganizationUser(f.organization("acme"), Email.of(" BOB@Example.COM "), "offboarded"));
        OrganizationUserRemoval.MemberRemoved removal = assertInstanceOf(OrganizationUserRemoval.MemberRemoved.class, outcome.orElseThrow());
        assertEquals(List.of(f.workspace("design"), f.workspace("research")).stream().sorted().toList(),
                removal.workspaces());
        assertEquals(List.of(f.organization("globex").value()),
                rows("SELECT organization_id FROM organization_members WHERE user_id = 'bob'"));
        assertEquals(List.of(f.workspace("labs").value()),
                rows("SELECT workspace_id FROM workspace_members WHERE user_id = 'bob'"));
        assertEquals(List.of("alice", "erin"), rows("SELECT user_id FROM organization_members"
                + " WHERE organization_id = ? ORDER BY user_id", f.organization("acme").value()));
        String cascade = rows("SELECT cascade_lines FROM audit_trail WHERE organization_id = ?"
                + " AND operation = 'REMOVE_ORGANIZATION_USER'", f.organization("acme").value()).get(0);
        assertTrue(cascade.contains("removed from workspace:" + f.workspace("design").value())
                && cascade.contains("removed from workspace:" + f.workspace("research").value()), cascade);
        assertEquals(1, f.events().size());
        assertTrue(f.events().get(0) instanceof MembershipEvent.OrganizationMemberRemoved, f.events().toString());
    }

    @Test
    void removeOrganizationUser_pendingInvitationOnly_revokesIt() {
        var outcome = f.membership().execute(f.organizationKey("acme"),
                new Command.RemoveOrganizationUser(f.organization("acme"), Email.of("Carol@example.com")));
        assertInstanceOf(OrganizationUserRemoval.InvitationRevoked.class, outcome.orElseThrow(), "the invitation is revoked, and no member removed");
        assertEquals(List.of("REVOKED"), rows("SELECT status FROM invitations WHERE id = ?",
                f.invitation("carol@example.com").value()));
        var again = f.membership().execute(f.organizationKey("acme"),
                new Command.RemoveOrganizationUser(f.organization("acme"), Email.of("carol@example.com")));
        assertEquals(404, again.refusal().orElseThrow().status());
    }

    private List<String> rows(String sql, Object... args) {
        return store.jdbi().withHandle(h -> {
            var query = h.createQuery(sql);
            for (int i = 0; i < args.length; i++) {
                query.bind(i, args[i]);
            }
            return query.mapTo(String.class).list();
        });
    }
}
