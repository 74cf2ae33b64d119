package org.membership.api;

/**
 * Who may remove or demote an organization admin: whoever does not rank below one (the library's
 * default), or only an instance admin (Anthropic's Admin API, which refuses to remove organization
 * admins and gives them admin standing in every workspace).
 *
 * <p>An organization admin is a user whose {@link OrganizationRole} in the organization concerned
 * is {@link OrganizationRole#ADMIN}; a pending invitation, even as admin, does not make one. The
 * setting covers every change another actor makes to such a user's memberships: removing it from
 * a custom workspace, changing its role there (a demotion or any other change), and removing it
 * from the organization by email. It never covers an actor acting on itself, which
 * {@link SelfRemoval} governs.
 */
public enum OrganizationAdminRemoval {
    /**
     * Outranking alone decides: an organization admin, or its organization's admin key, may remove
     * or demote another organization admin, as it may anyone of its own level or below.
     */
    BY_ORGANIZATION_ADMINS,
    /**
     * Only an instance admin (a user flagged as one, or an instance key) removes or demotes an
     * organization admin; anyone else is refused with {@link Reason#ORGANIZATION_ADMIN_PROTECTED}.
     */
    BY_INSTANCE_ADMINS_ONLY
}
