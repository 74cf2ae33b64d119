package org.membership.api;

import java.time.Instant;

/**
 * A user's membership of a workspace. For a default workspace it is derived from the organization
 * membership (organization admins are workspace admins there, members are users).
 *
 * <p>Immutable and thread-safe.
 *
 * @param workspace the workspace
 * @param user the member
 * @param role the workspace role
 * @param since when the membership began
 */
public record WorkspaceMember(WorkspaceId workspace, UserId user, WorkspaceRole role, Instant since) {
    /** @throws InvalidInputException naming the first missing field */
    public WorkspaceMember {
        Inputs.required("workspace_id", workspace);
        Inputs.required("user_id", user);
        Inputs.required("role", role);
        Inputs.required("since", since);
    }

    /**
     * @param newRole the new role
     * @return a copy with {@code newRole}
     */
    public WorkspaceMember withRole(WorkspaceRole newRole) {
        return new WorkspaceMember(workspace, user, newRole, since);
    }
}
