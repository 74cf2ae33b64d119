package org.membership.inmemory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.membership.api.Actor;
import org.membership.api.Command;
import org.membership.api.MembershipEvent;
import org.membership.api.Operation;
import org.membership.api.PageRequest;
import org.membership.api.Reason;
import org.membership.api.WorkspaceMember;
import org.membership.api.WorkspaceRole;
import org.membership.tck.Fixture;

final class InMemoryFixtureTest {

    private final Fixture f = Fixture.builder(new InMemoryStore())
            .organization("acme", org -> org
                    .admin("alice")
                    .member("bob")
                    .member("erin")
                    .workspace("research", ws -> ws.admin("alice").member("bob", WorkspaceRole.DEVELOPER))
                    .invitation("carol@example.com"))
            .build();

    @Test
    void build_createsDeclaredMembers() {
        var page = f.membership().execute(f.actor("alice"),
                new Command.ListWorkspaceMembers(f.workspace("research"), PageRequest.first())).orElseThrow();
        assertEquals(List.of("alice", "bob"), page.items().stream().map(m -> m.user().value()).toList());
        var defaults = f.membership().execute(f.actor("bob"),
                new Command.ListWorkspaceMembers(f.workspace("acme"), PageRequest.first())).orElseThrow();
        assertEquals(List.of("alice", "bob", "erin"), defaults.items().stream().map(m -> m.user().value()).toList());
        var invitations = f.membership().execute(f.actor("alice"),
                new Command.ListInvitations(f.organization("acme"), PageRequest.first())).orElseThrow();
        assertEquals("carol@example.com", invitations.items().get(0).email().value());
        assertTrue(f.events().isEmpty(), "building publishes nothing the test sees");
    }

    @Test
    void remove_byWorkspaceAdmin_removesAndPublishes() {
        var outcome = f.membership().execute(f.actor("alice"),
                new Command.RemoveWorkspaceMember(f.workspace("research"), f.user("bob"), "left"));
        WorkspaceMember removed = outcome.orElseThrow();
        assertEquals(f.user("bob"), removed.user());
        assertEquals(List.of(new MembershipEvent.WorkspaceMemberRemoved(f.organization("acme"),
                f.workspace("research"), f.user("bob"), f.clock().instant())), f.events());
        var again = f.membership().execute(f.actor("alice"),
                new Command.RemoveWorkspaceMember(f.workspace("research"), f.user("bob"), "left"));
        assertEquals(Reason.MEMBER_NOT_FOUND, again.refusal().orElseThrow().reason());
    }

    @Test
    void build_refusedStep_saysWhy() {
        var builder = Fixture.builder(new InMemoryStore()).organization("x", org -> org.admin("a")
                .workspace("w", ws -> ws.member("stranger")));
        var e = assertThrows(IllegalStateException.class, builder::build);
        assertTrue(e.getMessage().contains("User not found"), e.getMessage());
    }

    @Test
    void build_addsMembersDirectly_oneCommandEach_noInvitationsLeftBehind() {
        var trail = f.membership().execute(Actor.instanceKey("ops"),
                Command.ListAuditTrail.of(f.organization("acme"), PageRequest.first(PageRequest.MAX_LIMIT))).orElseThrow();
        assertEquals(List.of(Operation.CREATE_ORGANIZATION, Operation.ADD_ORGANIZATION_MEMBER, Operation.ADD_ORGANIZATION_MEMBER,
                        Operation.CREATE_WORKSPACE, Operation.ADD_WORKSPACE_MEMBER, Operation.ADD_WORKSPACE_MEMBER,
                        Operation.INVITE_TO_ORGANIZATION),
                trail.items().stream().map(e -> e.action()).toList(), "bob and erin joined directly, carol is invited");
    }

    @Test
    void listener_hearsEveryChangeAfterTheBuild_andNothingOfTheBuild() {
        List<MembershipEvent> heard = new ArrayList<>();
        Fixture g = Fixture.builder(new InMemoryStore()).listener(heard::add)
                .organization("acme", org -> org.admin("alice").member("bob"))
                .build();
        assertEquals(List.of(), heard, "building publishes nothing to the host's listener");
        g.membership().execute(g.actor("alice"), new Command.RemoveOrganizationMember(g.organization("acme"), g.user("bob")))
                .orElseThrow();
        assertEquals(g.events(), heard, "the listener hears what the fixture records");
        assertEquals(1, heard.size());
        assertTrue(heard.get(0) instanceof MembershipEvent.OrganizationMemberRemoved, heard::toString);
    }
}
