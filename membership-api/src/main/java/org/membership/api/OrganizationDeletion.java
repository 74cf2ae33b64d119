package org.membership.api;

import java.util.Objects;

/**
 * What deleting an organization did, in one atomic change: the organization is gone, and with it
 * every workspace, membership and invitation it had. The counts say how many rows went; the rows
 * themselves are not listed, so that deleting an organization costs the same few statements whatever
 * its size. Its audit trail and its events in the change feed are kept.
 *
 * <p>Immutable and thread-safe.
 *
 * @param organization the organization as it was
 * @param workspaces how many workspaces were deleted, its default workspace included
 * @param members how many organization memberships were deleted
 * @param workspaceMemberships how many explicit custom-workspace memberships were deleted
 * @param invitations how many invitations were deleted, whatever their status
 */
public record OrganizationDeletion(Organization organization, int workspaces, int members, int workspaceMemberships,
                                   int invitations) {
    /**
     * @throws NullPointerException if organization is null
     * @throws IllegalArgumentException if a count is negative
     */
    public OrganizationDeletion {
        Objects.requireNonNull(organization, "organization");
        if (workspaces < 0 || members < 0 || workspaceMemberships < 0 || invitations < 0) {
            throw new IllegalArgumentException("counts are never negative");
        }
    }
}
