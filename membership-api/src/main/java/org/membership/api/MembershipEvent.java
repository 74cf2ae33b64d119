package org.membership.api;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Something that happened, published to {@link MembershipListener}s after it committed and kept in
 * the {@link ChangeFeed}, written in the same transaction as the change. The events that take access
 * away ({@link WorkspaceMemberRemoved}, {@link OrganizationMemberRemoved}, {@link WorkspaceRoleChanged},
 * {@link OrganizationRoleChanged}, {@link UserStatusChanged}, {@link WorkspaceDeleted},
 * {@link OrganizationDeleted}) are the ones a host must act on.
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface MembershipEvent {
    /** @return when it happened */
    Instant at();

    /** @return the organization it belongs to; empty for instance-level events (accounts) */
    Optional<OrganizationId> scope();

    /** @param user the new user @param at when */
    record UserRegistered(User user, Instant at) implements MembershipEvent {
        /** @throws NullPointerException if an argument is null */
        public UserRegistered {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(at, "at");
        }

        @Override
        public Optional<OrganizationId> scope() {
            return Optional.empty();
        }
    }

    /** @param user the user @param from the old status @param to the new status @param at when */
    record UserStatusChanged(UserId user, UserStatus from, UserStatus to, Instant at) implements MembershipEvent {
        /** @throws NullPointerException if an argument is null */
        public UserStatusChanged {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(at, "at");
        }

        @Override
        public Optional<OrganizationId> scope() {
            return Optional.empty();
        }
    }

    /** @param organization the new organization @param firstAdmin its first admin @param at when */
    record OrganizationCreated(Organization organization, UserId firstAdmin, Instant at) implements MembershipEvent {
        /** @throws NullPointerException if an argument is null */
        public OrganizationCreated {
            Objects.requireNonNull(organization, "organization");
            Objects.requireNonNull(firstAdmin, "firstAdmin");
            Objects.requireNonNull(at, "at");
        }

        @Override
        public Optional<OrganizationId> scope() {
            return Optional.of(organization.id());
        }
    }

    /** @param workspace the new workspace @param at when */
    record WorkspaceCreated(Workspace workspace, Instant at) implements MembershipEvent {
        /** @throws NullPointerException if an argument is null */
        public WorkspaceCreated {
            Objects.requireNonNull(workspace, "workspace");
            Objects.requireNonNull(at, "at");
        }

        @Override
        public Optional<OrganizationId> scope() {
            return Optional.of(workspace.organization());
        }
    }

    /** @param organization the owner @param member the new membership @param at when */
    record WorkspaceMemberAdded(OrganizationId organization, WorkspaceMember member, Instant at)
            implements MembershipEvent {
        /** @throws NullPointerException if an argument is null */
        public WorkspaceMemberAdded {
            Objects.requireNonNull(organization, "organization");
            Objects.requireNonNull(member, "member");
            Objects.requireNonNull(at, "at");
        }

        @Override
        public Optional<OrganizationId> scope() {
            return Optional.of(organization);
        }
    }

    /**
     * @param organization the owner @param workspace the workspace @param user the member
     * @param from the old role @param to the new role @param at when
     */
    record WorkspaceRoleChanged(OrganizationId organization, WorkspaceId workspace, UserId user,
                                WorkspaceRole from, WorkspaceRole to, Instant at) implements MembershipEvent {
        /** @throws NullPointerException if an argument is null */
        public WorkspaceRoleChanged {
            Objects.requireNonNull(organization, "organization");
            Objects.requireNonNull(workspace, "workspace");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(at, "at");
        }

        @Override
        public Optional<OrganizationId> scope() {
            return Optional.of(organization);
        }
    }

    /** @param organization the owner @param workspace the workspace @param user the removed user @param at when */
    record WorkspaceMemberRemoved(OrganizationId organization, WorkspaceId workspace, UserId user, Instant at)
            implements MembershipEvent {
        /** @throws NullPointerException if an argument is null */
        public WorkspaceMemberRemoved {
            Objects.requireNonNull(organization, "organization");
            Objects.requireNonNull(workspace, "workspace");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(at, "at");
        }

        @Override
        public Optional<OrganizationId> scope() {
            return Optional.of(organization);
        }
    }

    /** @param invitation the new invitation @param at when */
    record InvitationSent(Invitation invitation, Instant at) implements MembershipEvent {
        /** @throws NullPointerException if an argument is null */
        public InvitationSent {
            Objects.requireNonNull(invitation, "invitation");
            Objects.requireNonNull(at, "at");
        }

        @Override
        public Optional<OrganizationId> scope() {
            return Optional.of(invitation.organization());
        }
    }

    /** @param invitation the accepted invitation @param user who joined @param at when */
    record InvitationAccepted(Invitation invitation, UserId user, Instant at) implements MembershipEvent {
        /** @throws NullPointerException if an argument is null */
        public InvitationAccepted {
            Objects.requireNonNull(invitation, "invitation");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(at, "at");
        }

        @Override
        public Optional<OrganizationId> scope() {
            return Optional.of(invitation.organization());
        }
    }

    /** @param invitation the revoked invitation @param at when */
    record InvitationRevoked(Invitation invitation, Instant at) implements MembershipEvent {
        /** @throws NullPointerException if an argument is null */
        public InvitationRevoked {
            Objects.requireNonNull(invitation, "invitation");
            Objects.requireNonNull(at, "at");
        }

        @Override
        public Optional<OrganizationId> scope() {
            return Optional.of(invitation.organization());
        }
    }

    /**
     * A user left an organization, with everything that went with it.
     *
     * @param organization the organization
     * @param user the removed user
     * @param workspaces the custom workspaces the user was removed from, in the same change
     * @param revokedInvitation a pending invitation for the user's email revoked in the same change
     * @param at when
     */
    record OrganizationMemberRemoved(OrganizationId organization, UserId user, List<WorkspaceId> workspaces,
                                     Optional<InvitationId> revokedInvitation, Instant at) implements MembershipEvent {
        /** @throws NullPointerException if an argument, or a workspace, is null */
        public OrganizationMemberRemoved {
            Objects.requireNonNull(organization, "organization");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(revokedInvitation, "revokedInvitation");
            Objects.requireNonNull(at, "at");
            workspaces = List.copyOf(workspaces);
        }

        @Override
        public Optional<OrganizationId> scope() {
            return Optional.of(organization);
        }
    }

    /**
     * A user was added to an organization directly (no invitation).
     *
     * @param member the new membership
     * @param revokedInvitation a pending invitation for the user's email, revoked in the same change
     * @param at when
     */
    record OrganizationMemberAdded(OrganizationMember member, Optional<InvitationId> revokedInvitation, Instant at)
            implements MembershipEvent {
        /** @throws NullPointerException if an argument is null */
        public OrganizationMemberAdded {
            Objects.requireNonNull(member, "member");
            Objects.requireNonNull(revokedInvitation, "revokedInvitation");
            Objects.requireNonNull(at, "at");
        }

        @Override
        public Optional<OrganizationId> scope() {
            return Optional.of(member.organization());
        }
    }

    /**
     * A member's organization role changed; a demotion takes organization-admin access away.
     *
     * @param organization the organization @param user the member
     * @param from the old role @param to the new role @param at when
     */
    record OrganizationRoleChanged(OrganizationId organization, UserId user, OrganizationRole from, OrganizationRole to,
                                   Instant at) implements MembershipEvent {
        /** @throws NullPointerException if an argument is null */
        public OrganizationRoleChanged {
            Objects.requireNonNull(organization, "organization");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(at, "at");
        }

        @Override
        public Optional<OrganizationId> scope() {
            return Optional.of(organization);
        }
    }

    /** @param user the user @param from the old email @param to the new email @param at when */
    record UserEmailChanged(UserId user, Email from, Email to, Instant at) implements MembershipEvent {
        /** @throws NullPointerException if an argument is null */
        public UserEmailChanged {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(at, "at");
        }

        @Override
        public Optional<OrganizationId> scope() {
            return Optional.empty();
        }
    }

    /**
     * A workspace was renamed.
     *
     * @param organization the owner @param workspace the workspace
     * @param from the old name @param to the new name @param at when
     */
    record WorkspaceRenamed(OrganizationId organization, WorkspaceId workspace, String from, String to, Instant at)
            implements MembershipEvent {
        /** @throws NullPointerException if an argument is null */
        public WorkspaceRenamed {
            Objects.requireNonNull(organization, "organization");
            Objects.requireNonNull(workspace, "workspace");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(at, "at");
        }

        @Override
        public Optional<OrganizationId> scope() {
            return Optional.of(organization);
        }
    }

    /**
     * A custom workspace was deleted, with every membership of it: every access to it ends.
     *
     * @param organization the owner
     * @param workspace the deleted workspace
     * @param members the users whose memberships went with it, in user id order
     * @param at when
     */
    record WorkspaceDeleted(OrganizationId organization, WorkspaceId workspace, List<UserId> members, Instant at)
            implements MembershipEvent {
        /** @throws NullPointerException if an argument, or a member, is null */
        public WorkspaceDeleted {
            Objects.requireNonNull(organization, "organization");
            Objects.requireNonNull(workspace, "workspace");
            members = List.copyOf(members);
            Objects.requireNonNull(at, "at");
        }

        @Override
        public Optional<OrganizationId> scope() {
            return Optional.of(organization);
        }
    }

    /**
     * An organization was deleted with every workspace, membership and invitation: every access to
     * anything of it ends. Its members are not listed (the deletion never loads a roster); a host
     * drops whatever it keeps for the organization.
     *
     * @param organization the deleted organization, as it was
     * @param at when
     */
    record OrganizationDeleted(Organization organization, Instant at) implements MembershipEvent {
        /** @throws NullPointerException if an argument is null */
        public OrganizationDeleted {
            Objects.requireNonNull(organization, "organization");
            Objects.requireNonNull(at, "at");
        }

        @Override
        public Optional<OrganizationId> scope() {
            return Optional.of(organization.id());
        }
    }
}
