package org.membership.core.spi;

import java.util.Objects;
import java.util.Optional;
import org.membership.api.OrganizationMember;
import org.membership.api.User;
import org.membership.api.Workspace;
import org.membership.api.WorkspaceMember;

/**
 * What one user's authority in one workspace rests on, as {@link StoreReads#standing} reads it: the
 * account, the workspace, and the user's memberships of the workspace's organization and of the
 * workspace itself. The engine reads an actor's standing to authenticate it and gate its command, and
 * a target's to decide what may be done to it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param user the user's account
 * @param workspace the workspace
 * @param organizationMember the user's membership of the workspace's organization; empty where the workspace is
 * @param workspaceMember the user's explicit membership of the workspace; empty where the workspace is
 */
public record WorkspaceStanding(Optional<User> user, Optional<Workspace> workspace,
                                Optional<OrganizationMember> organizationMember,
                                Optional<WorkspaceMember> workspaceMember) {
    /**
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if a membership is not of the workspace (or its organization), or there is one without a workspace
     */
    public WorkspaceStanding {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(workspace, "workspace");
        Objects.requireNonNull(organizationMember, "organizationMember");
        Objects.requireNonNull(workspaceMember, "workspaceMember");
        // Plain conditions, no lambdas: the engine builds one of these per standing it reads.
        if (organizationMember.isPresent() && (workspace.isEmpty()
                || !workspace.get().organization().equals(organizationMember.get().organization()))) {
            throw new IllegalArgumentException("organizationMember must be of the workspace's organization");
        }
        if (workspaceMember.isPresent() && (workspace.isEmpty()
                || !workspace.get().id().equals(workspaceMember.get().workspace()))) {
            throw new IllegalArgumentException("workspaceMember must be of the workspace");
        }
    }
}
