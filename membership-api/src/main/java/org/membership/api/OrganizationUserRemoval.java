package org.membership.api;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What removing a user from an organization by email did, all in one atomic change: either an
 * active member was removed ({@link MemberRemoved}: with every custom-workspace membership of theirs
 * in the organization, and any pending invitation for the email), or, the email being no member's,
 * only its pending invitation was revoked ({@link InvitationRevoked}). Never neither: that is the
 * refusal {@link Reason#NEITHER_MEMBER_NOR_INVITATION}.
 *
 * <pre>{@code
 * if (removal instanceof OrganizationUserRemoval.MemberRemoved removed) {
 *     sessions.endAll(removed.member().user());
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface OrganizationUserRemoval {
    /**
     * An active member was removed.
     *
     * @param member the organization membership that was deleted
     * @param workspaces the custom workspaces the member was removed from, in workspace id order
     * @param revokedInvitation a pending invitation for the email, revoked in the same change
     */
    record MemberRemoved(OrganizationMember member, List<WorkspaceId> workspaces, Optional<Invitation> revokedInvitation)
            implements OrganizationUserRemoval {
        /** @throws NullPointerException if an argument, or a workspace, is null */
        public MemberRemoved {
            Objects.requireNonNull(member, "member");
            workspaces = List.copyOf(workspaces);
            Objects.requireNonNull(revokedInvitation, "revokedInvitation");
        }
    }

    /**
     * The email was no member's: its pending invitation was revoked.
     *
     * @param invitation the invitation, as it now is (revoked)
     */
    record InvitationRevoked(Invitation invitation) implements OrganizationUserRemoval {
        /** @throws NullPointerException if invitation is null */
        public InvitationRevoked {
            Objects.requireNonNull(invitation, "invitation");
        }
    }
}
