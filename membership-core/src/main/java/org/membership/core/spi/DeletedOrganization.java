package org.membership.core.spi;

/**
 * What {@link StoreWrites#deleteOrganization} deleted, counted by kind of row.
 *
 * <p>Immutable and thread-safe.
 *
 * @param workspaces workspaces, the default one included
 * @param organizationMembers organization memberships
 * @param workspaceMembers explicit custom-workspace memberships
 * @param invitations invitations, whatever their status
 */
public record DeletedOrganization(int workspaces, int organizationMembers, int workspaceMembers, int invitations) {
    /** @throws IllegalArgumentException if a count is negative */
    public DeletedOrganization {
        if (workspaces < 0 || organizationMembers < 0 || workspaceMembers < 0 || invitations < 0) {
            throw new IllegalArgumentException("counts are never negative");
        }
    }
}
