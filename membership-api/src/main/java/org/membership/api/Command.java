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
     * {@link Operation#LIST_AUDIT_TRAIL} authority there); without, the instance-level trail of user
     * changes (needs instance authority).
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
}
