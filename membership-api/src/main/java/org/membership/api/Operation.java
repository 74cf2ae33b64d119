package org.membership.api;

/**
 * Every operation of the library, as named in rules ({@link MembershipRules}), the audit trail and
 * events. Each {@link Command} reports its operation.
 */
public enum Operation {
    /** Make a user known to the library. */
    REGISTER_USER,
    /** Validate or disable a user's account. */
    CHANGE_USER_STATUS,
    /** Create an organization with its default workspace and first admin. */
    CREATE_ORGANIZATION,
    /** Create a custom workspace. */
    CREATE_WORKSPACE,
    /** Add an organization member to a custom workspace. */
    ADD_WORKSPACE_MEMBER,
    /** Change a workspace member's role. */
    CHANGE_WORKSPACE_ROLE,
    /** Remove a member from a custom workspace. */
    REMOVE_WORKSPACE_MEMBER,
    /** Read one workspace member. */
    GET_WORKSPACE_MEMBER,
    /** List a workspace's members, one page at a time. */
    LIST_WORKSPACE_MEMBERS,
    /** Invite an email to an organization. */
    INVITE_TO_ORGANIZATION,
    /** Accept an invitation addressed to the actor's email. */
    ACCEPT_INVITATION,
    /** Revoke a pending invitation. */
    REVOKE_INVITATION,
    /** List an organization's pending invitations, one page at a time. */
    LIST_INVITATIONS,
    /** Remove a user from an organization by email: the membership and its cascade, or a pending invitation. */
    REMOVE_ORGANIZATION_USER,
    /** List everything a user belongs to. */
    LIST_MEMBERSHIPS,
    /** Read an organization's audit trail, one page at a time. */
    LIST_AUDIT_TRAIL
}
