package org.membership.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What one change did, as a value: the typed part of an {@link AuditEntry}. Every change the library
 * makes records exactly one, built from the same facts as the {@link MembershipEvent}s it publishes,
 * so a host reads what happened without parsing prose. {@link #target()} and {@link #cascade()} render
 * it to text, here and nowhere else: the one place the audit trail's wording lives.
 *
 * <pre>{@code
 * if (entry.detail() instanceof AuditDetail.RemovedFromOrganization removed) {
 *     removed.workspaces();          // the custom workspaces the member left in the same change
 *     removed.revokedInvitation();   // and a pending invitation revoked with it
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface AuditDetail {
    /** @return whom or what the change was done to, as text (for example {@code "user:42 in workspace:7"}) */
    String target();

    /** @return what else the change did or recorded, one line each (for example {@code "removed from workspace:7"}) */
    List<String> cascade();

    /**
     * A user became known to the library.
     *
     * @param user the user
     * @param status its account's status
     * @param instanceAdmin whether it operates the whole installation
     */
    record UserRegistered(UserId user, UserStatus status, boolean instanceAdmin) implements AuditDetail {
        /** @throws NullPointerException if an argument is null */
        public UserRegistered {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(status, "status");
        }

        @Override
        public String target() {
            return "user:" + user.value();
        }

        @Override
        public List<String> cascade() {
            return List.of("status " + name(status) + (instanceAdmin ? ", instance admin" : ""));
        }
    }

    /**
     * A user's account changed status.
     *
     * @param user the user
     * @param from the status before
     * @param to the status after
     */
    record UserStatusChanged(UserId user, UserStatus from, UserStatus to) implements AuditDetail {
        /** @throws NullPointerException if an argument is null */
        public UserStatusChanged {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
        }

        @Override
        public String target() {
            return "user:" + user.value();
        }

        @Override
        public List<String> cascade() {
            return List.of("status " + name(from) + " -> " + name(to));
        }
    }

    /**
     * An organization was created, with its default workspace and its first admin.
     *
     * @param organization the organization
     * @param defaultWorkspace its default workspace
     * @param firstAdmin the user who became its admin
     */
    record OrganizationCreated(OrganizationId organization, WorkspaceId defaultWorkspace, UserId firstAdmin)
            implements AuditDetail {
        /** @throws NullPointerException if an argument is null */
        public OrganizationCreated {
            Objects.requireNonNull(organization, "organization");
            Objects.requireNonNull(defaultWorkspace, "defaultWorkspace");
            Objects.requireNonNull(firstAdmin, "firstAdmin");
        }

        @Override
        public String target() {
            return "organization:" + organization.value();
        }

        @Override
        public List<String> cascade() {
            return List.of("created default workspace:" + defaultWorkspace.value(), "added admin user:" + firstAdmin.value());
        }
    }

    /**
     * A custom workspace was created.
     *
     * @param workspace the workspace
     */
    record WorkspaceCreated(WorkspaceId workspace) implements AuditDetail {
        /** @throws NullPointerException if workspace is null */
        public WorkspaceCreated {
            Objects.requireNonNull(workspace, "workspace");
        }

        @Override
        public String target() {
            return "workspace:" + workspace.value();
        }

        @Override
        public List<String> cascade() {
            return List.of();
        }
    }

    /**
     * A member of the organization was added to a custom workspace.
     *
     * @param workspace the workspace
     * @param user the new member
     * @param role the role it was given
     */
    record AddedToWorkspace(WorkspaceId workspace, UserId user, WorkspaceRole role) implements AuditDetail {
        /** @throws NullPointerException if an argument is null */
        public AddedToWorkspace {
            Objects.requireNonNull(workspace, "workspace");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(role, "role");
        }

        @Override
        public String target() {
            return member(user, workspace);
        }

        @Override
        public List<String> cascade() {
            return List.of("role " + name(role));
        }
    }

    /**
     * A custom-workspace member's role changed.
     *
     * @param workspace the workspace
     * @param user the member
     * @param from the role before
     * @param to the role after
     */
    record RoleChanged(WorkspaceId workspace, UserId user, WorkspaceRole from, WorkspaceRole to) implements AuditDetail {
        /** @throws NullPointerException if an argument is null */
        public RoleChanged {
            Objects.requireNonNull(workspace, "workspace");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
        }

        @Override
        public String target() {
            return member(user, workspace);
        }

        @Override
        public List<String> cascade() {
            return List.of("role " + name(from) + " -> " + name(to));
        }
    }

    /**
     * A member was removed from a custom workspace.
     *
     * @param workspace the workspace
     * @param user the removed member
     */
    record RemovedFromWorkspace(WorkspaceId workspace, UserId user) implements AuditDetail {
        /** @throws NullPointerException if an argument is null */
        public RemovedFromWorkspace {
            Objects.requireNonNull(workspace, "workspace");
            Objects.requireNonNull(user, "user");
        }

        @Override
        public String target() {
            return member(user, workspace);
        }

        @Override
        public List<String> cascade() {
            return List.of();
        }
    }

    /**
     * An invitation was sent.
     *
     * @param invitation the invitation
     * @param email the invitee's email
     * @param role the role it offers
     */
    record InvitationSent(InvitationId invitation, Email email, OrganizationRole role) implements AuditDetail {
        /** @throws NullPointerException if an argument is null */
        public InvitationSent {
            Objects.requireNonNull(invitation, "invitation");
            Objects.requireNonNull(email, "email");
            Objects.requireNonNull(role, "role");
        }

        @Override
        public String target() {
            return "email:" + email.value();
        }

        @Override
        public List<String> cascade() {
            return List.of("invitation:" + invitation.value() + " as " + name(role));
        }
    }

    /**
     * An invitation was accepted and its invitee joined the organization.
     *
     * @param invitation the invitation
     * @param user the user who joined
     * @param role the role it joined with
     */
    record InvitationAccepted(InvitationId invitation, UserId user, OrganizationRole role) implements AuditDetail {
        /** @throws NullPointerException if an argument is null */
        public InvitationAccepted {
            Objects.requireNonNull(invitation, "invitation");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(role, "role");
        }

        @Override
        public String target() {
            return "user:" + user.value();
        }

        @Override
        public List<String> cascade() {
            return List.of("accepted invitation:" + invitation.value() + " as " + name(role));
        }
    }

    /**
     * A pending invitation was revoked: by {@link Operation#REVOKE_INVITATION}, or by
     * {@link Operation#REMOVE_ORGANIZATION_USER} when the email had no member.
     *
     * @param invitation the invitation
     * @param email the invitee's email
     */
    record InvitationRevoked(InvitationId invitation, Email email) implements AuditDetail {
        /** @throws NullPointerException if an argument is null */
        public InvitationRevoked {
            Objects.requireNonNull(invitation, "invitation");
            Objects.requireNonNull(email, "email");
        }

        @Override
        public String target() {
            return "email:" + email.value();
        }

        @Override
        public List<String> cascade() {
            return List.of("revoked invitation:" + invitation.value());
        }
    }

    /**
     * A member was removed from an organization, with its cascade, all in one change: by email
     * ({@link Operation#REMOVE_ORGANIZATION_USER}), by id ({@link Operation#REMOVE_ORGANIZATION_MEMBER}) or
     * by leaving ({@link Operation#LEAVE_ORGANIZATION}); the entry's action says which.
     *
     * @param email the email it was removed by; removed by id or leaving, the member's email at the time
     * @param user the removed member
     * @param workspaces the custom workspaces it was removed from, in workspace id order
     * @param revokedInvitation a pending invitation for the email revoked with it
     */
    record RemovedFromOrganization(Email email, UserId user, List<WorkspaceId> workspaces,
                                   Optional<InvitationId> revokedInvitation) implements AuditDetail {
        /** @throws NullPointerException if an argument, or a workspace, is null */
        public RemovedFromOrganization {
            Objects.requireNonNull(email, "email");
            Objects.requireNonNull(user, "user");
            workspaces = List.copyOf(workspaces);
            Objects.requireNonNull(revokedInvitation, "revokedInvitation");
        }

        @Override
        public String target() {
            return "email:" + email.value() + " user:" + user.value();
        }

        @Override
        public List<String> cascade() {
            List<String> lines = new ArrayList<>();
            workspaces.forEach(w -> lines.add("removed from workspace:" + w.value()));
            revokedInvitation.ifPresent(i -> lines.add("revoked invitation:" + i.value()));
            return List.copyOf(lines);
        }
    }

    /**
     * A user was added to an organization directly (no invitation).
     *
     * @param user the new member
     * @param role the role it was given
     * @param revokedInvitation a pending invitation for the user's email, revoked in the same change
     */
    record AddedToOrganization(UserId user, OrganizationRole role, Optional<InvitationId> revokedInvitation)
            implements AuditDetail {
        /** @throws NullPointerException if an argument is null */
        public AddedToOrganization {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(revokedInvitation, "revokedInvitation");
        }

        @Override
        public String target() {
            return "user:" + user.value();
        }

        @Override
        public List<String> cascade() {
            List<String> lines = new ArrayList<>(List.of("role " + name(role)));
            revokedInvitation.ifPresent(i -> lines.add("revoked invitation:" + i.value()));
            return List.copyOf(lines);
        }
    }

    /**
     * A member's organization role changed.
     *
     * @param user the member
     * @param from the role before
     * @param to the role after
     */
    record OrganizationRoleChanged(UserId user, OrganizationRole from, OrganizationRole to) implements AuditDetail {
        /** @throws NullPointerException if an argument is null */
        public OrganizationRoleChanged {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
        }

        @Override
        public String target() {
            return "user:" + user.value();
        }

        @Override
        public List<String> cascade() {
            return List.of("organization role " + name(from) + " -> " + name(to));
        }
    }

    /**
     * A user's email changed.
     *
     * @param user the user
     * @param from the email before
     * @param to the email after
     */
    record UserEmailChanged(UserId user, Email from, Email to) implements AuditDetail {
        /** @throws NullPointerException if an argument is null */
        public UserEmailChanged {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
        }

        @Override
        public String target() {
            return "user:" + user.value();
        }

        @Override
        public List<String> cascade() {
            return List.of("email " + from.value() + " -> " + to.value());
        }
    }

    /**
     * A workspace was renamed.
     *
     * @param workspace the workspace
     * @param from the name before
     * @param to the name after
     */
    record WorkspaceRenamed(WorkspaceId workspace, String from, String to) implements AuditDetail {
        /** @throws NullPointerException if an argument is null */
        public WorkspaceRenamed {
            Objects.requireNonNull(workspace, "workspace");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
        }

        @Override
        public String target() {
            return "workspace:" + workspace.value();
        }

        @Override
        public List<String> cascade() {
            return List.of("renamed from " + from + " to " + to);
        }
    }

    /**
     * A custom workspace was deleted, with every membership of it.
     *
     * @param workspace the deleted workspace
     * @param members the users whose memberships were deleted with it, in user id order
     */
    record WorkspaceDeleted(WorkspaceId workspace, List<UserId> members) implements AuditDetail {
        /** @throws NullPointerException if an argument, or a member, is null */
        public WorkspaceDeleted {
            Objects.requireNonNull(workspace, "workspace");
            members = List.copyOf(members);
        }

        @Override
        public String target() {
            return "workspace:" + workspace.value();
        }

        @Override
        public List<String> cascade() {
            List<String> lines = new ArrayList<>();
            members.forEach(m -> lines.add("removed user:" + m.value()));
            return List.copyOf(lines);
        }
    }

    /**
     * An organization was deleted with everything in it, recorded in the instance-level trail (the
     * organization's own trail outlives it in the store, but nobody can ask for it any more). The
     * cascade is counted, not listed: the deletion never loads a roster.
     *
     * @param organization the deleted organization
     * @param name its name
     * @param workspaces how many workspaces went with it, its default workspace included
     * @param members how many organization memberships
     * @param workspaceMemberships how many custom-workspace memberships
     * @param invitations how many invitations, whatever their status
     */
    record OrganizationDeleted(OrganizationId organization, String name, int workspaces, int members,
                               int workspaceMemberships, int invitations) implements AuditDetail {
        /** @throws NullPointerException if an argument is null */
        public OrganizationDeleted {
            Objects.requireNonNull(organization, "organization");
            Objects.requireNonNull(name, "name");
        }

        @Override
        public String target() {
            return "organization:" + organization.value();
        }

        @Override
        public List<String> cascade() {
            return List.of("named " + name, "deleted " + workspaces + " workspaces", "removed " + members + " members",
                    "removed " + workspaceMemberships + " workspace memberships", "deleted " + invitations + " invitations");
        }
    }

    /**
     * An entry written before the audit trail was typed (by a store at schema version 3 or earlier)
     * whose text is none of the forms the library wrote; kept exactly as it was written. The library
     * never writes one.
     *
     * @param target the stored target text
     * @param cascade the stored cascade lines
     */
    record Untyped(String target, List<String> cascade) implements AuditDetail {
        /** @throws NullPointerException if an argument, or a line, is null */
        public Untyped {
            Objects.requireNonNull(target, "target");
            cascade = List.copyOf(cascade);
        }
    }

    private static String member(UserId user, WorkspaceId workspace) {
        return "user:" + user.value() + " in workspace:" + workspace.value();
    }

    private static String name(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
