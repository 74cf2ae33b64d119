package org.membership.api;

import java.util.List;
import java.util.Optional;

/**
 * What removing a user from an organization by email did, all in one atomic change: either an
 * active member was removed (with every custom-workspace membership of theirs in the organization,
 * and any pending invitation for the email), or only a pending invitation was revoked.
 *
 * <p>Immutable and thread-safe.
 *
 * @param removedMember the organization membership that was deleted, if the email was a member's
 * @param removedFromWorkspaces the custom workspaces the member was removed from
 * @param revokedInvitation the pending invitation that was revoked, if there was one
 */
public record OrganizationUserRemoval(Optional<OrganizationMember> removedMember,
                                      List<WorkspaceId> removedFromWorkspaces,
                                      Optional<Invitation> revokedInvitation) {
    /** @throws NullPointerException if a component is null */
    public OrganizationUserRemoval {
        java.util.Objects.requireNonNull(removedMember, "removedMember");
        removedFromWorkspaces = List.copyOf(removedFromWorkspaces);
        java.util.Objects.requireNonNull(revokedInvitation, "revokedInvitation");
    }
}
