package org.membership.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The commands' convenience constructors mean exactly their full forms. */
final class CommandTest {
    private static final WorkspaceId WS = WorkspaceId.of("ws");
    private static final UserId BOB = UserId.of("bob");

    @Test
    void removals_withoutAReason_haveAnEmptyOne() {
        assertEquals(new Command.RemoveWorkspaceMember(WS, BOB, ""), new Command.RemoveWorkspaceMember(WS, BOB));
        assertEquals(new Command.RemoveOrganizationUser(OrganizationId.of("acme"), Email.of("bob@x.com"), ""),
                new Command.RemoveOrganizationUser(OrganizationId.of("acme"), Email.of("Bob@X.com")));
        assertEquals(new Command.RevokeInvitation(InvitationId.of("i"), ""), new Command.RevokeInvitation(InvitationId.of("i")));
    }

    @Test
    void removals_withoutAReason_stillNameAMissingField() {
        assertEquals("user_id", assertThrows(InvalidInputException.class,
                () -> new Command.RemoveWorkspaceMember(WS, null)).field());
        assertEquals("email", assertThrows(InvalidInputException.class,
                () -> new Command.RemoveOrganizationUser(OrganizationId.of("acme"), null)).field());
        assertEquals("invitation_id", assertThrows(InvalidInputException.class,
                () -> new Command.RevokeInvitation(null)).field());
    }
}
