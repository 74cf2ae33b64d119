package org.membership.api;

/**
 * A member's role in a workspace. Only {@link #ADMIN} manages the workspace's members; the other
 * roles are carried for the host (Anthropic's user, developer, restricted developer and billing).
 */
public enum WorkspaceRole {
    /** May use the workspace. */
    USER,
    /** May use the workspace and manage its resources. */
    DEVELOPER,
    /** A developer with restricted rights. */
    RESTRICTED_DEVELOPER,
    /** May see and manage billing. */
    BILLING,
    /** Manages the workspace's members. */
    ADMIN;

    /**
     * @param field the field name to report
     * @param value a role name in any case, with or without the {@code workspace_} prefix
     * @return the role
     * @throws InvalidInputException naming the field if the value is not a role
     */
    public static WorkspaceRole parse(String field, String value) {
        Inputs.required(field, value);
        String v = value.strip();
        if (v.regionMatches(true, 0, "workspace_", 0, "workspace_".length())) {
            v = v.substring("workspace_".length());
        }
        return Enums.parse(WorkspaceRole.class, field, v);
    }
}
