package org.membership.api;

import java.util.List;
import java.util.Objects;

/**
 * What deleting a custom workspace did, in one atomic change: the workspace is gone, and with it
 * every explicit membership of it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param workspace the workspace as it was
 * @param members the users whose memberships were deleted with it, in user id order
 */
public record WorkspaceDeletion(Workspace workspace, List<UserId> members) {
    /** @throws NullPointerException if an argument, or a member, is null */
    public WorkspaceDeletion {
        Objects.requireNonNull(workspace, "workspace");
        members = List.copyOf(members);
    }
}
