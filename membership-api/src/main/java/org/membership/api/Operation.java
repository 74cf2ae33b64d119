package org.membership.api;

import static org.membership.api.AuthorityLevel.INSTANCE_ADMIN;
import static org.membership.api.AuthorityLevel.MEMBER;
import static org.membership.api.AuthorityLevel.NONE;
import static org.membership.api.AuthorityLevel.ORGANIZATION_ADMIN;
import static org.membership.api.AuthorityLevel.WORKSPACE_ADMIN;

/**
 * Every operation of the library, as named in rules ({@link MembershipRules}), the audit trail and
 * events. Each {@link Command} reports its operation, and each operation declares, once, what varies
 * between operations: whether it only reads ({@link #isRead()}), what it acts in ({@link #scope()}),
 * and the minimum authority it needs unless a host's rules say otherwise ({@link #defaultAuthority()}).
 *
 * <p>Immutable and thread-safe.
 */
public enum Operation {
    /** Make a user known to the library. */
    REGISTER_USER(Kind.CHANGE, Scope.INSTANCE, INSTANCE_ADMIN),
    /** Validate or disable a user's account. */
    CHANGE_USER_STATUS(Kind.CHANGE, Scope.INSTANCE, INSTANCE_ADMIN),
    /** Create an organization with its default workspace and first admin. */
    CREATE_ORGANIZATION(Kind.CHANGE, Scope.INSTANCE, INSTANCE_ADMIN),
    /** Create a custom workspace. */
    CREATE_WORKSPACE(Kind.CHANGE, Scope.ORGANIZATION, ORGANIZATION_ADMIN),
    /** Add an organization member to a custom workspace. */
    ADD_WORKSPACE_MEMBER(Kind.CHANGE, Scope.WORKSPACE, WORKSPACE_ADMIN),
    /** Change a workspace member's role. */
    CHANGE_WORKSPACE_ROLE(Kind.CHANGE, Scope.WORKSPACE, WORKSPACE_ADMIN),
    /** Remove a member from a custom workspace. */
    REMOVE_WORKSPACE_MEMBER(Kind.CHANGE, Scope.WORKSPACE, WORKSPACE_ADMIN),
    /** Read one workspace member. */
    GET_WORKSPACE_MEMBER(Kind.READ, Scope.WORKSPACE, MEMBER),
    /** List a workspace's members, one page at a time. */
    LIST_WORKSPACE_MEMBERS(Kind.READ, Scope.WORKSPACE, MEMBER),
    /** Read the actor's own authority in a workspace, and which operations there it reaches. */
    GET_WORKSPACE_AUTHORITY(Kind.READ, Scope.WORKSPACE, NONE),
    /** Invite an email to an organization. */
    INVITE_TO_ORGANIZATION(Kind.CHANGE, Scope.ORGANIZATION, ORGANIZATION_ADMIN),
    /** Accept an invitation addressed to the actor's email. */
    ACCEPT_INVITATION(Kind.CHANGE, Scope.ORGANIZATION, NONE),
    /** Revoke a pending invitation. */
    REVOKE_INVITATION(Kind.CHANGE, Scope.ORGANIZATION, ORGANIZATION_ADMIN),
    /** List an organization's pending invitations, one page at a time. */
    LIST_INVITATIONS(Kind.READ, Scope.ORGANIZATION, ORGANIZATION_ADMIN),
    /** Remove a user from an organization by email: the membership and its cascade, or a pending invitation. */
    REMOVE_ORGANIZATION_USER(Kind.CHANGE, Scope.ORGANIZATION, ORGANIZATION_ADMIN),
    /** List everything a user belongs to. */
    LIST_MEMBERSHIPS(Kind.READ, Scope.INSTANCE, INSTANCE_ADMIN),
    /** Read an organization's audit trail (or the instance-level one), one page at a time. */
    LIST_AUDIT_TRAIL(Kind.READ, Scope.ORGANIZATION, ORGANIZATION_ADMIN),
    /**
     * Add an existing user to an organization directly, with a role (provisioning: no invitation). The
     * host's own provisioning (its instance key) by default: it makes someone a member without their
     * consent, which an invitation asks for.
     */
    ADD_ORGANIZATION_MEMBER(Kind.CHANGE, Scope.ORGANIZATION, INSTANCE_ADMIN),
    /** Change a member's organization role: promote to admin or demote to member. */
    CHANGE_ORGANIZATION_ROLE(Kind.CHANGE, Scope.ORGANIZATION, ORGANIZATION_ADMIN),
    /** Remove a member from an organization by user id, with its cascade. */
    REMOVE_ORGANIZATION_MEMBER(Kind.CHANGE, Scope.ORGANIZATION, ORGANIZATION_ADMIN),
    /** Leave an organization: the actor removes itself, as far as the host's self-removal rule allows. */
    LEAVE_ORGANIZATION(Kind.CHANGE, Scope.ORGANIZATION, NONE),
    /** Read one organization member, with its account. */
    GET_ORGANIZATION_MEMBER(Kind.READ, Scope.ORGANIZATION, MEMBER),
    /** List an organization's members with their roles and accounts, one page at a time. */
    LIST_ORGANIZATION_MEMBERS(Kind.READ, Scope.ORGANIZATION, MEMBER),
    /** Read one invitation, whatever its status. */
    GET_INVITATION(Kind.READ, Scope.ORGANIZATION, ORGANIZATION_ADMIN),
    /** Read a user's account by id: the authority measured is the actor's in the organizations the two share. */
    GET_USER(Kind.READ, Scope.ORGANIZATION, ORGANIZATION_ADMIN),
    /** Find a user's account by email, in any case: measured as {@link #GET_USER} is. */
    FIND_USER_BY_EMAIL(Kind.READ, Scope.ORGANIZATION, ORGANIZATION_ADMIN),
    /** Change a user's email (the host has verified the new address). */
    CHANGE_USER_EMAIL(Kind.CHANGE, Scope.INSTANCE, INSTANCE_ADMIN),
    /** Rename a workspace. */
    RENAME_WORKSPACE(Kind.CHANGE, Scope.WORKSPACE, WORKSPACE_ADMIN),
    /** Delete a custom workspace with all its memberships. */
    DELETE_WORKSPACE(Kind.CHANGE, Scope.WORKSPACE, ORGANIZATION_ADMIN),
    /** Delete an organization with every workspace, membership and invitation it has. */
    DELETE_ORGANIZATION(Kind.CHANGE, Scope.ORGANIZATION, INSTANCE_ADMIN);

    /** What an operation acts in, and so where the actor's authority is measured. */
    public enum Scope {
        /** A workspace: the actor's authority there counts its workspace role. */
        WORKSPACE,
        /** An organization: the actor's organization role (or its organization key) counts. */
        ORGANIZATION,
        /** No one organization: only instance authority counts. */
        INSTANCE
    }

    /** Whether an operation only reads or may change what is stored. */
    private enum Kind { READ, CHANGE }

    private final Kind kind;
    private final Scope scope;
    private final AuthorityLevel defaultAuthority;

    Operation(Kind kind, Scope scope, AuthorityLevel defaultAuthority) {
        this.kind = kind;
        this.scope = scope;
        this.defaultAuthority = defaultAuthority;
    }

    /** @return what the operation acts in: a workspace, an organization, or no one organization */
    public Scope scope() {
        return scope;
    }

    /**
     * @return whether the operation only reads: it runs in a read transaction, never writes, and has
     *         no audit entry, no event and no feed position; otherwise it runs in a write transaction
     */
    public boolean isRead() {
        return kind == Kind.READ;
    }

    /** @return the minimum authority level the operation needs under {@link MembershipRules#defaults()} */
    public AuthorityLevel defaultAuthority() {
        return defaultAuthority;
    }
}
