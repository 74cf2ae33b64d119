package org.membership.api;

/**
 * How much an actor may do in one workspace or organization, lowest first. Each operation needs a
 * minimum level ({@link MembershipRules#requiredAuthority(Operation)}) and nobody may remove or
 * demote someone whose level in that scope is higher than their own.
 */
public enum AuthorityLevel {
    /** No standing at all. */
    NONE,
    /** A member of the workspace (every organization member is one of its default workspace). */
    MEMBER,
    /** An admin of this workspace. */
    WORKSPACE_ADMIN,
    /** An admin of the organization that owns the workspace, or that organization's admin key. */
    ORGANIZATION_ADMIN,
    /** An operator of the whole installation, or an instance-scoped key. */
    INSTANCE_ADMIN;

    /**
     * @param other the level to compare with
     * @return whether this level is at least {@code other}
     */
    public boolean atLeast(AuthorityLevel other) {
        return compareTo(other) >= 0;
    }
}
