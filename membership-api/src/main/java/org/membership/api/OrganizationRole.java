package org.membership.api;

/** A member's role in an organization. Admins manage members, workspaces and invitations. */
public enum OrganizationRole {
    /** An ordinary member: belongs to the organization's default workspace. */
    MEMBER,
    /** An organization admin: workspace-admin authority in every workspace of the organization. */
    ADMIN;

    /**
     * @param field the field name to report
     * @param value {@code member} or {@code admin}, in any case
     * @return the role
     * @throws InvalidInputException naming the field if the value is not a role
     */
    public static OrganizationRole parse(String field, String value) {
        return Enums.parse(OrganizationRole.class, field, value);
    }
}
