package org.membership.api;

import java.util.Optional;

/**
 * Everything an actor can ask the library to do or to read. Every command can be executed
 * ({@link Membership#execute}) or asked as a dry run ({@link Membership#check}).
 *
 * <p>Constructing a command validates it: a missing or malformed field throws
 * {@link InvalidInputException} naming the field, so invalid input never reaches a store.
 *
 * <p>Immutable and thread-safe.
 *
 * @param <R> the result of a successful execution
 */
public sealed interface Command<R> {
    /** @return the operation this command performs */
    Operation operation();

    /**
     * Makes a host's account known to the library. Needs {@link Operation#REGISTER_USER} authority.
     *
     * @param user the account
     */
    record RegisterUser(User user) implements Command<User> {
        /** @throws InvalidInputException if the user is missing */
        public RegisterUser {
            Inputs.required("user", user);
        }

        @Override
        public Operation operation() {
            return Operation.REGISTER_USER;
        }
    }

    /**
     * Validates or disables an account. Disabling makes the user unauthenticated everywhere.
     *
     * @param user the account
     * @param status the new status
     */
    record ChangeUserStatus(UserId user, UserStatus status) implements Command<User> {
        /** @throws InvalidInputException naming the first missing field */
        public ChangeUserStatus {
            Inputs.required("user_id", user);
            Inputs.required("status", status);
        }

        @Override
        public Operation operation() {
            return Operation.CHANGE_USER_STATUS;
        }
    }

    /**
     * Creates an organization, its default workspace, and its first admin's membership.
     *
     * @param name the display name
     * @param firstAdmin an existing user who becomes its admin
     */
    record CreateOrganization(String name, UserId firstAdmin) implements Command<Organization> {
        /** @throws InvalidInputException naming the first invalid field */
        public CreateOrganization {
            name = Inputs.text("name", name, Inputs.MAX_NAME_LENGTH, false);
            Inputs.required("first_admin", firstAdmin);
        }

        @Override
        public Operation operation() {
            return Operation.CREATE_ORGANIZATION;
        }
    }

    /**
     * Creates a custom workspace in an organization.
     *
     * @param organization the owner
     * @param name the display name
     */
    record CreateWorkspace(OrganizationId organization, String name) implements Command<Workspace> {
        /** @throws InvalidInputException naming the first invalid field */
        public CreateWorkspace {
            Inputs.required("organization_id", organization);
            name = Inputs.text("name", name, Inputs.MAX_NAME_LENGTH, false);
        }

        @Override
        public Operation operation() {
            return Operation.CREATE_WORKSPACE;
        }
    }

    /**
     * Adds a member of the workspace's organization to a custom workspace.
     *
     * @param workspace the workspace
     * @param user the user to add
     * @param role the role to give
     */
    record AddWorkspaceMember(WorkspaceId workspace, UserId user, WorkspaceRole role)
            implements Command<WorkspaceMember> {
        /** @throws InvalidInputException naming the first missing field */
        public AddWorkspaceMember {
            Inputs.required("workspace_id", workspace);
            Inputs.required("user_id", user);
            Inputs.required("role", role);
        }

        @Override
        public Operation operation() {
            return Operation.ADD_WORKSPACE_MEMBER;
        }
    }

    /**
     * Changes a custom-workspace member's role.
     *
     * @param workspace the workspace
     * @param user the member
     * @param role the new role
     */
    record ChangeWorkspaceRole(WorkspaceId workspace, UserId user, WorkspaceRole role)
            implements Command<WorkspaceMember> {
        /** @throws InvalidInputException naming the first missing field */
        public ChangeWorkspaceRole {
            Inputs.required("workspace_id", workspace);
            Inputs.required("user_id", user);
            Inputs.required("role", role);
        }

        @Override
        public Operation operation() {
            return Operation.CHANGE_WORKSPACE_ROLE;
        }
    }

    /**
     * Removes a member from a custom workspace, at once and for good (P1, P2, F, A).
     *
     * @param workspace the workspace
     * @param user the member to remove
     * @param reason why, for the audit trail; may be empty
     */
    record RemoveWorkspaceMember(WorkspaceId workspace, UserId user, String reason)
            implements Command<WorkspaceMember> {
        /** @throws InvalidInputException naming the first invalid field */
        public RemoveWorkspaceMember {
            Inputs.required("workspace_id", workspace);
            Inputs.required("user_id", user);
            reason = Inputs.text("reason", reason, Inputs.MAX_REASON_LENGTH, true);
        }

        /**
         * A removal with no reason given.
         *
         * @param workspace the workspace
         * @param user the member to remove
         * @throws InvalidInputException naming the first missing field
         */
        public RemoveWorkspaceMember(WorkspaceId workspace, UserId user) {
            this(workspace, user, "");
        }

        @Override
        public Operation operation() {
            return Operation.REMOVE_WORKSPACE_MEMBER;
        }
    }

    /**
     * Reads one workspace member.
     *
     * @param workspace the workspace
     * @param user the member
     */
    record GetWorkspaceMember(WorkspaceId workspace, UserId user) implements Command<WorkspaceMember> {
        /** @throws InvalidInputException naming the first missing field */
        public GetWorkspaceMember {
            Inputs.required("workspace_id", workspace);
            Inputs.required("user_id", user);
        }

        @Override
        public Operation operation() {
            return Operation.GET_WORKSPACE_MEMBER;
        }
    }

    /**
     * Lists a workspace's members by user id, one page at a time.
     *
     * @param workspace the workspace
     * @param page which page
     */
    record ListWorkspaceMembers(WorkspaceId workspace, PageRequest page) implements Command<Page<WorkspaceMember>> {
        /** @throws InvalidInputException naming the first missing field */
        public ListWorkspaceMembers {
            Inputs.required("workspace_id", workspace);
            Inputs.required("page", page);
        }

        @Override
        public Operation operation() {
            return Operation.LIST_WORKSPACE_MEMBERS;
        }
    }

    /**
     * Reads the actor's own authority in a workspace, and which operations there it reaches: "what may
     * I do here?", without a dry run of something the host does not mean to do. Needs
     * {@link Operation#GET_WORKSPACE_AUTHORITY} authority (none, by default); a workspace outside the
     * actor's organizations is not found, as one that does not exist.
     *
     * @param workspace the workspace
     */
    record GetWorkspaceAuthority(WorkspaceId workspace) implements Command<WorkspaceAuthority> {
        /** @throws InvalidInputException if the workspace is missing */
        public GetWorkspaceAuthority {
            Inputs.required("workspace_id", workspace);
        }

        @Override
        public Operation operation() {
            return Operation.GET_WORKSPACE_AUTHORITY;
        }
    }

    /**
     * Invites an email to an organization with a role.
     *
     * @param organization the organization
     * @param email the invitee's email
     * @param role the role on accepting
     */
    record InviteToOrganization(OrganizationId organization, Email email, OrganizationRole role)
            implements Command<Invitation> {
        /** @throws InvalidInputException naming the first missing field */
        public InviteToOrganization {
            Inputs.required("organization_id", organization);
            Inputs.required("email", email);
            Inputs.required("role", role);
        }

        @Override
        public Operation operation() {
            return Operation.INVITE_TO_ORGANIZATION;
        }
    }

    /**
     * Accepts an invitation. The actor must be a validated user whose email is the invitation's.
     *
     * @param invitation the invitation
     */
    record AcceptInvitation(InvitationId invitation) implements Command<OrganizationMember> {
        /** @throws InvalidInputException if the id is missing */
        public AcceptInvitation {
            Inputs.required("invitation_id", invitation);
        }

        @Override
        public Operation operation() {
            return Operation.ACCEPT_INVITATION;
        }
    }

    /**
     * Revokes a pending invitation.
     *
     * @param invitation the invitation
     * @param reason why, for the audit trail; may be empty
     */
    record RevokeInvitation(InvitationId invitation, String reason) implements Command<Invitation> {
        /** @throws InvalidInputException naming the first invalid field */
        public RevokeInvitation {
            Inputs.required("invitation_id", invitation);
            reason = Inputs.text("reason", reason, Inputs.MAX_REASON_LENGTH, true);
        }

        /**
         * A revocation with no reason given.
         *
         * @param invitation the invitation
         * @throws InvalidInputException if the id is missing
         */
        public RevokeInvitation(InvitationId invitation) {
            this(invitation, "");
        }

        @Override
        public Operation operation() {
            return Operation.REVOKE_INVITATION;
        }
    }

    /**
     * Lists an organization's pending (unexpired) invitations by id, one page at a time.
     *
     * @param organization the organization
     * @param page which page
     */
    record ListInvitations(OrganizationId organization, PageRequest page) implements Command<Page<Invitation>> {
        /** @throws InvalidInputException naming the first missing field */
        public ListInvitations {
            Inputs.required("organization_id", organization);
            Inputs.required("page", page);
        }

        @Override
        public Operation operation() {
            return Operation.LIST_INVITATIONS;
        }
    }

    /**
     * Removes a user from an organization by email (X): an active member loses the membership, every
     * custom-workspace membership in the organization and any pending invitation, atomically; if
     * there is only a pending invitation, it is revoked.
     *
     * @param organization the organization
     * @param email the user's or invitee's email, in any case
     * @param reason why, for the audit trail; may be empty
     */
    record RemoveOrganizationUser(OrganizationId organization, Email email, String reason)
            implements Command<OrganizationUserRemoval> {
        /** @throws InvalidInputException naming the first invalid field */
        public RemoveOrganizationUser {
            Inputs.required("organization_id", organization);
            Inputs.required("email", email);
            reason = Inputs.text("reason", reason, Inputs.MAX_REASON_LENGTH, true);
        }

        /**
         * A removal with no reason given.
         *
         * @param organization the organization
         * @param email the user's or invitee's email, in any case
         * @throws InvalidInputException naming the first missing field
         */
        public RemoveOrganizationUser(OrganizationId organization, Email email) {
            this(organization, email, "");
        }

        @Override
        public Operation operation() {
            return Operation.REMOVE_ORGANIZATION_USER;
        }
    }

    /**
     * Lists everything a user belongs to. A user may always list its own memberships.
     *
     * @param user the user
     */
    record ListMemberships(UserId user) implements Command<Memberships> {
        /** @throws InvalidInputException if the id is missing */
        public ListMemberships {
            Inputs.required("user_id", user);
        }

        @Override
        public Operation operation() {
            return Operation.LIST_MEMBERSHIPS;
        }
    }

    /**
     * Reads an audit trail in the order it was written, one page at a time; page ids are the
     * entries' sequence numbers. With an organization, that organization's trail (needs
     * {@link Operation#LIST_AUDIT_TRAIL} authority there); without, the instance-level trail of changes
     * to accounts and of deleted organizations (needs instance authority).
     *
     * @param organization whose trail, or empty for the instance-level trail
     * @param page which page
     */
    record ListAuditTrail(Optional<OrganizationId> organization, PageRequest page) implements Command<Page<AuditEntry>> {
        /** @throws InvalidInputException naming the first invalid field */
        public ListAuditTrail {
            Inputs.required("organization_id", organization);
            Inputs.required("page", page);
            page.afterId().ifPresent(v -> Inputs.sequence("after_id", v));
            page.beforeId().ifPresent(v -> Inputs.sequence("before_id", v));
        }

        /**
         * @param organization the organization
         * @param page which page
         * @return the command reading that organization's trail
         */
        public static ListAuditTrail of(OrganizationId organization, PageRequest page) {
            return new ListAuditTrail(Optional.of(Inputs.required("organization_id", organization)), page);
        }

        /**
         * @param page which page
         * @return the command reading the instance-level trail
         */
        public static ListAuditTrail ofInstance(PageRequest page) {
            return new ListAuditTrail(Optional.empty(), page);
        }

        @Override
        public Operation operation() {
            return Operation.LIST_AUDIT_TRAIL;
        }
    }

    // ---- managing organizations directly (provisioning, SCIM, admin consoles) ------------------

    /**
     * Adds an existing user to an organization directly, with a role: provisioning, with no invitation
     * for the user to accept. A pending invitation for the user's email in that organization is
     * revoked in the same change: the user is a member now, and the invitation (whose role may differ
     * from the one given here) could never be accepted. Needs {@link Operation#ADD_ORGANIZATION_MEMBER}
     * authority (the host's instance key by default, since an invitation asks the user's consent and
     * this does not); below instance authority, a user who belongs only to organizations outside the
     * actor's is not found, exactly as an unknown id is (rule 3).
     *
     * @param organization the organization
     * @param user the user to add
     * @param role the role to give
     */
    record AddOrganizationMember(OrganizationId organization, UserId user, OrganizationRole role)
            implements Command<OrganizationMember> {
        /** @throws InvalidInputException naming the first missing field */
        public AddOrganizationMember {
            Inputs.required("organization_id", organization);
            Inputs.required("user_id", user);
            Inputs.required("role", role);
        }

        @Override
        public Operation operation() {
            return Operation.ADD_ORGANIZATION_MEMBER;
        }
    }

    /**
     * Changes a member's organization role: promotes a member to admin, or demotes an admin to member.
     * Nobody grants a role above its own level or changes someone who outranks it (rule 2), a demotion
     * leaves the organization a usable admin (rule 6), and a self-demotion follows the self-removal
     * rule (rule 5). The member's custom-workspace roles are left as they are.
     *
     * @param organization the organization
     * @param user the member
     * @param role the new role
     */
    record ChangeOrganizationRole(OrganizationId organization, UserId user, OrganizationRole role)
            implements Command<OrganizationMember> {
        /** @throws InvalidInputException naming the first missing field */
        public ChangeOrganizationRole {
            Inputs.required("organization_id", organization);
            Inputs.required("user_id", user);
            Inputs.required("role", role);
        }

        @Override
        public Operation operation() {
            return Operation.CHANGE_ORGANIZATION_ROLE;
        }
    }

    /**
     * Removes a member from an organization by user id, as {@link RemoveOrganizationUser} does by
     * email: the membership, every custom-workspace membership of it in the organization and a pending
     * invitation for the member's email, atomically. An actor removing itself follows the self-removal
     * rule.
     *
     * @param organization the organization
     * @param user the member to remove
     * @param reason why, for the audit trail; may be empty
     */
    record RemoveOrganizationMember(OrganizationId organization, UserId user, String reason)
            implements Command<OrganizationUserRemoval.MemberRemoved> {
        /** @throws InvalidInputException naming the first invalid field */
        public RemoveOrganizationMember {
            Inputs.required("organization_id", organization);
            Inputs.required("user_id", user);
            reason = Inputs.text("reason", reason, Inputs.MAX_REASON_LENGTH, true);
        }

        /**
         * A removal with no reason given.
         *
         * @param organization the organization
         * @param user the member to remove
         * @throws InvalidInputException naming the first missing field
         */
        public RemoveOrganizationMember(OrganizationId organization, UserId user) {
            this(organization, user, "");
        }

        @Override
        public Operation operation() {
            return Operation.REMOVE_ORGANIZATION_MEMBER;
        }
    }

    /**
     * Leaves an organization: the actor, a user, removes its own membership with its cascade, as
     * {@link RemoveOrganizationMember} would. Refused ({@link Reason#SELF_REMOVAL}) unless the host's
     * rules let actors leave ({@link SelfRemoval#ALLOWED_WHILE_ANOTHER_ADMIN_REMAINS}), and then only
     * while the organization and every custom workspace the actor administers keep a usable admin.
     *
     * @param organization the organization to leave
     * @param reason why, for the audit trail; may be empty
     */
    record LeaveOrganization(OrganizationId organization, String reason)
            implements Command<OrganizationUserRemoval.MemberRemoved> {
        /** @throws InvalidInputException naming the first invalid field */
        public LeaveOrganization {
            Inputs.required("organization_id", organization);
            reason = Inputs.text("reason", reason, Inputs.MAX_REASON_LENGTH, true);
        }

        /**
         * Leaving with no reason given.
         *
         * @param organization the organization to leave
         * @throws InvalidInputException if the organization is missing
         */
        public LeaveOrganization(OrganizationId organization) {
            this(organization, "");
        }

        @Override
        public Operation operation() {
            return Operation.LEAVE_ORGANIZATION;
        }
    }

    /**
     * Reads one organization member with its account.
     *
     * @param organization the organization
     * @param user the member
     */
    record GetOrganizationMember(OrganizationId organization, UserId user) implements Command<OrganizationUser> {
        /** @throws InvalidInputException naming the first missing field */
        public GetOrganizationMember {
            Inputs.required("organization_id", organization);
            Inputs.required("user_id", user);
        }

        @Override
        public Operation operation() {
            return Operation.GET_ORGANIZATION_MEMBER;
        }
    }

    /**
     * Lists an organization's members with their roles and accounts by user id, one page at a time,
     * all of them or only those with one role.
     *
     * @param organization the organization
     * @param role only members with this role; empty for every member
     * @param page which page
     */
    record ListOrganizationMembers(OrganizationId organization, Optional<OrganizationRole> role, PageRequest page)
            implements Command<Page<OrganizationUser>> {
        /** @throws InvalidInputException naming the first missing field */
        public ListOrganizationMembers {
            Inputs.required("organization_id", organization);
            Inputs.required("role", role);
            Inputs.required("page", page);
        }

        /**
         * Every member, whatever its role.
         *
         * @param organization the organization
         * @param page which page
         * @throws InvalidInputException naming the first missing field
         */
        public ListOrganizationMembers(OrganizationId organization, PageRequest page) {
            this(organization, Optional.empty(), page);
        }

        @Override
        public Operation operation() {
            return Operation.LIST_ORGANIZATION_MEMBERS;
        }
    }

    /**
     * Reads one invitation as stored, whatever its status ({@link Invitation#statusAt} says whether a
     * stored-pending one has lapsed). Another organization's invitation is not found.
     *
     * @param invitation the invitation
     */
    record GetInvitation(InvitationId invitation) implements Command<Invitation> {
        /** @throws InvalidInputException if the id is missing */
        public GetInvitation {
            Inputs.required("invitation_id", invitation);
        }

        @Override
        public Operation operation() {
            return Operation.GET_INVITATION;
        }
    }

    /**
     * Reads a user's account by id. A user may always read its own. Anyone else below instance
     * authority reaches only users of organizations it belongs to, with the authority it has there
     * (the highest, over the organizations the two share); any other user is not found, exactly as an
     * unknown id (rule 3).
     *
     * @param user the user
     */
    record GetUser(UserId user) implements Command<User> {
        /** @throws InvalidInputException if the id is missing */
        public GetUser {
            Inputs.required("user_id", user);
        }

        @Override
        public Operation operation() {
            return Operation.GET_USER;
        }
    }

    /**
     * Finds a user's account by email, in any case, with the scope of {@link GetUser}.
     *
     * @param email the email
     */
    record FindUserByEmail(Email email) implements Command<User> {
        /** @throws InvalidInputException if the email is missing */
        public FindUserByEmail {
            Inputs.required("email", email);
        }

        @Override
        public Operation operation() {
            return Operation.FIND_USER_BY_EMAIL;
        }
    }

    /**
     * Changes a user's email, which no other user may have (compared case-insensitively). The host
     * verifies the new address first: invitations are matched by email, so this is an instance-level
     * change by default. Pending invitations keep the email they were sent to.
     *
     * @param user the user
     * @param email the new email
     */
    record ChangeUserEmail(UserId user, Email email) implements Command<User> {
        /** @throws InvalidInputException naming the first missing field */
        public ChangeUserEmail {
            Inputs.required("user_id", user);
            Inputs.required("email", email);
        }

        @Override
        public Operation operation() {
            return Operation.CHANGE_USER_EMAIL;
        }
    }

    /**
     * Renames a workspace, default or custom.
     *
     * @param workspace the workspace
     * @param name the new display name
     */
    record RenameWorkspace(WorkspaceId workspace, String name) implements Command<Workspace> {
        /** @throws InvalidInputException naming the first invalid field */
        public RenameWorkspace {
            Inputs.required("workspace_id", workspace);
            name = Inputs.text("name", name, Inputs.MAX_NAME_LENGTH, false);
        }

        @Override
        public Operation operation() {
            return Operation.RENAME_WORKSPACE;
        }
    }

    /**
     * Deletes a custom workspace with every membership of it, atomically; the memberships it took
     * with it are in the audit entry and the event. A default workspace follows its organization and
     * cannot be deleted on its own (rule 7).
     *
     * @param workspace the workspace
     * @param reason why, for the audit trail; may be empty
     */
    record DeleteWorkspace(WorkspaceId workspace, String reason) implements Command<WorkspaceDeletion> {
        /** @throws InvalidInputException naming the first invalid field */
        public DeleteWorkspace {
            Inputs.required("workspace_id", workspace);
            reason = Inputs.text("reason", reason, Inputs.MAX_REASON_LENGTH, true);
        }

        /**
         * A deletion with no reason given.
         *
         * @param workspace the workspace
         * @throws InvalidInputException if the workspace is missing
         */
        public DeleteWorkspace(WorkspaceId workspace) {
            this(workspace, "");
        }

        @Override
        public Operation operation() {
            return Operation.DELETE_WORKSPACE;
        }
    }

    /**
     * Deletes an organization with every workspace, membership and invitation it has, atomically, in a
     * bounded number of statements whatever its size. Its audit trail and its events stay in the store;
     * the deletion itself is recorded in the instance-level audit trail, which outlives the
     * organization. Needs instance authority by default.
     *
     * @param organization the organization
     * @param reason why, for the audit trail; may be empty
     */
    record DeleteOrganization(OrganizationId organization, String reason) implements Command<OrganizationDeletion> {
        /** @throws InvalidInputException naming the first invalid field */
        public DeleteOrganization {
            Inputs.required("organization_id", organization);
            reason = Inputs.text("reason", reason, Inputs.MAX_REASON_LENGTH, true);
        }

        /**
         * A deletion with no reason given.
         *
         * @param organization the organization
         * @throws InvalidInputException if the organization is missing
         */
        public DeleteOrganization(OrganizationId organization) {
            this(organization, "");
        }

        @Override
        public Operation operation() {
            return Operation.DELETE_ORGANIZATION;
        }
    }
}
