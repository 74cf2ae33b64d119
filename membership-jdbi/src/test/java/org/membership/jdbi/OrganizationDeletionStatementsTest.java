package org.membership.jdbi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.membership.api.Actor;
import org.membership.api.Command;
import org.membership.api.OrganizationDeletion;
import org.membership.tck.Fixture;

/**
 * Deleting an organization costs the same statements whatever its size: the statements of deleting
 * an organization of 5 members with one workspace and of one with 400 members in three workspaces
 * and 100 invitations are the same list, and none of them reads a roster.
 *
 * <p>Not thread-safe; JUnit runs one test per instance.
 */
final class OrganizationDeletionStatementsTest {
    @TempDir
    Path directory;

    @Test
    void deleteOrganization_runsTheSameStatements_forAnOrganizationOf5AndOf400Members() {
        List<String> small = statementsOfDeleting(5, 1, 0);
        List<String> large = statementsOfDeleting(400, 3, 100);
        assertEquals(small, large, "the same statements at both sizes");
        assertTrue(small.stream().noneMatch(s -> s.startsWith("SELECT") && s.contains("FROM organization_members")
                && !s.contains("user_id = ?")), () -> "no statement reads the roster: " + small);
        assertTrue(small.size() <= 16, () -> "a small, fixed number of statements: " + small);
    }

    private List<String> statementsOfDeleting(int members, int workspaces, int invitations) {
        StatementTrap trap = new StatementTrap();
        try (JdbiStore store = JdbiStore.sqlite(directory.resolve("org-" + members + ".db"))) {
            store.statementHooks().add(trap);
            Fixture f = Fixture.builder(store).organization("acme", org -> {
                org.admin("admin");
                for (int m = 0; m < members; m++) {
                    org.member("m" + m);
                }
                for (int w = 0; w < workspaces; w++) {
                    int ws = w;
                    org.workspace("ws" + w, spec -> {
                        spec.admin("admin");
                        for (int m = ws; m < members; m += 2) {
                            spec.member("m" + m);
                        }
                    });
                }
                for (int i = 0; i < invitations; i++) {
                    org.invitation("invitee" + i + "@example.com");
                }
            }).build();
            trap.record();
            OrganizationDeletion deletion = f.membership().execute(Actor.instanceKey("ops"),
                    new Command.DeleteOrganization(f.organization("acme"))).orElseThrow();
            trap.disarm();
            assertEquals(members + 1, deletion.members());
            assertEquals(workspaces + 1, deletion.workspaces());
            assertEquals(invitations, deletion.invitations());
            return trap.statements();
        }
    }
}
