package org.membership.inmemory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.membership.api.Actor;
import org.membership.api.Command;
import org.membership.api.Memberships;
import org.membership.api.OrganizationRole;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceMember;
import org.membership.api.WorkspaceRole;
import org.membership.tck.Fixture;

final class ListMembershipsTest {

    private final Fixture f = Fixture.builder(new InMemoryStore())
            .organization("acme", org -> org
                    .admin("alice")
                    .member("bob")
                    .workspace("research", ws -> ws.admin("alice").member("bob", WorkspaceRole.DEVELOPER)))
            .organization("globex", org -> org.admin("bob"))
            .build();

    // ---- organizations and custom workspaces ----------------------------------------------------

    @Test
    void listMemberships_listsOrganizationsAndCustomWorkspaces_defaultWorkspacesImplied() {
        Memberships bob = f.membership().execute(Actor.instanceKey("ops"), new Command.ListMemberships(f.user("bob")))
                .orElseThrow();

        assertEquals(List.of(f.organization("acme"), f.organization("globex")),
                bob.organizations().stream().map(m -> m.organization()).toList());
        assertEquals(List.of(OrganizationRole.MEMBER, OrganizationRole.ADMIN),
                bob.organizations().stream().map(m -> m.role()).toList());
        assertEquals(List.of(f.workspace("research")), bob.workspaces().stream().map(WorkspaceMember::workspace).toList(),
                "custom workspaces only: each organization membership implies its default workspace");
        assertEquals(WorkspaceRole.DEVELOPER, roleIn(bob, f.workspace("research")));
    }

    @Test
    void listMemberships_afterRemovalByEmail_dropsTheOrganizationAndItsWorkspaces() {
        f.membership().execute(f.actor("alice"),
                new Command.RemoveOrganizationUser(f.organization("acme"), Fixture.email("bob"), "left")).orElseThrow();

        Memberships bob = f.membership().execute(f.actor("bob"), new Command.ListMemberships(f.user("bob")))
                .orElseThrow();

        assertEquals(List.of(), bob.workspaces());
        assertEquals(List.of(f.organization("globex")), bob.organizations().stream().map(m -> m.organization()).toList());
    }

    private static WorkspaceRole roleIn(Memberships memberships, WorkspaceId workspace) {
        return memberships.workspaces().stream().filter(m -> m.workspace().equals(workspace)).findFirst()
                .orElseThrow().role();
    }

    // ---- a host that lets anyone list memberships ----------------------------------------------

    @Test
    void listMemberships_withLoweredLevel_showsOnlyTheCallersOrganizations() {
        Fixture open = Fixture.builder(new InMemoryStore())
                .rules(org.membership.api.MembershipRules.defaults().toBuilder()
                        .requireAuthority(org.membership.api.Operation.LIST_MEMBERSHIPS,
                                org.membership.api.AuthorityLevel.NONE).build())
                .organization("acme", org -> org.admin("alice").member("bob")
                        .workspace("research", ws -> ws.admin("alice").member("bob")))
                .organization("globex", org -> org.admin("gina").member("bob")
                        .workspace("secret", ws -> ws.admin("gina").member("bob")))
                .organization("initech", org -> org.admin("ivan"))
                .build();

        Memberships seenByAlice = open.membership().execute(open.actor("alice"),
                new Command.ListMemberships(open.user("bob"))).orElseThrow();
        assertEquals(List.of(open.organization("acme")),
                seenByAlice.organizations().stream().map(m -> m.organization()).toList());
        assertEquals(List.of(open.workspace("research")),
                seenByAlice.workspaces().stream().map(WorkspaceMember::workspace).toList());

        var strangerView = open.membership().execute(open.actor("ivan"), new Command.ListMemberships(open.user("bob")));
        var absentView = open.membership().execute(open.actor("ivan"),
                new Command.ListMemberships(org.membership.api.UserId.of("nobody")));
        assertEquals(absentView.refusal(), strangerView.refusal(), "a user in none of my organizations is not found");
        assertEquals(org.membership.api.Reason.USER_NOT_FOUND, strangerView.refusal().orElseThrow().reason());
    }
}
