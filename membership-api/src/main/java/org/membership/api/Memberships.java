package org.membership.api;

import java.util.List;

/**
 * Everything one user belongs to: its organizations and its custom-workspace memberships. Each
 * organization membership implies membership of that organization's default workspace
 * ({@link Organization#defaultWorkspace()}), which is not listed separately.
 *
 * <p>Immutable and thread-safe.
 *
 * @param user the user
 * @param organizations the user's organization memberships, ordered by organization id
 * @param workspaces the user's custom-workspace memberships, ordered by workspace id
 */
public record Memberships(UserId user, List<OrganizationMember> organizations, List<WorkspaceMember> workspaces) {
    /** @throws InvalidInputException naming the first missing field */
    public Memberships {
        Inputs.required("user_id", user);
        organizations = List.copyOf(Inputs.required("organizations", organizations));
        workspaces = List.copyOf(Inputs.required("workspaces", workspaces));
    }
}
