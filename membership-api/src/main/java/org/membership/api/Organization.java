package org.membership.api;

import java.time.Instant;

/**
 * An organization (company, tenant). Created together with its default workspace.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the organization's id
 * @param name its display name
 * @param defaultWorkspace the workspace every member belongs to
 * @param createdAt when it was created
 */
public record Organization(OrganizationId id, String name, WorkspaceId defaultWorkspace, Instant createdAt) {
    /** @throws InvalidInputException naming the first invalid field */
    public Organization {
        Inputs.required("organization_id", id);
        name = Inputs.text("name", name, Inputs.MAX_NAME_LENGTH, false);
        Inputs.required("default_workspace_id", defaultWorkspace);
        Inputs.required("created_at", createdAt);
    }
}
