package org.membership.api;

import java.time.Instant;

/**
 * A workspace: belongs to exactly one organization for its whole life.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the workspace's id
 * @param organization the organization that owns it
 * @param name its display name
 * @param kind default (follows organization membership) or custom (explicit members)
 * @param createdAt when it was created
 */
public record Workspace(WorkspaceId id, OrganizationId organization, String name, WorkspaceKind kind,
                        Instant createdAt) {
    /** @throws InvalidInputException naming the first invalid field */
    public Workspace {
        Inputs.required("workspace_id", id);
        Inputs.required("organization_id", organization);
        name = Inputs.text("name", name, Inputs.MAX_NAME_LENGTH, false);
        Inputs.required("kind", kind);
        Inputs.required("created_at", createdAt);
    }
}
