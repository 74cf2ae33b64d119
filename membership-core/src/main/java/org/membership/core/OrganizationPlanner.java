package org.membership.core;

import java.util.List;
import java.util.Optional;
import org.membership.api.AuditDetail;
import org.membership.api.AuthorityLevel;
import org.membership.api.Command;
import org.membership.api.Invitation;
import org.membership.api.InvitationId;
import org.membership.api.InvitationStatus;
import org.membership.api.MembershipEvent;
import org.membership.api.MembershipRules;
import org.membership.api.Operation;
import org.membership.api.Organization;
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationMember;
import org.membership.api.OrganizationRole;
import org.membership.api.OrganizationUserRemoval;
import org.membership.api.Reason;
import org.membership.api.Refusal;
import org.membership.api.SelfRemoval;
import org.membership.api.User;
import org.membership.api.UserId;
import org.membership.api.UserStatus;
import org.membership.api.Workspace;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceKind;
import org.membership.api.WorkspaceMember;
import org.membership.core.Access.Exemption;
import org.membership.core.Access.Locking;

/**
 * Plans the changes to organizations: creating one or a workspace in it, and removing a user by
 * email. Each command's policies below, in order, are the precedence of its refusals. Stateless;
 * thread-safe.
 */
final class OrganizationPlanner {
    private static final Refusal USER_NOT_FOUND = Refusal.of(Reason.USER_NOT_FOUND);
    private static final Refusal NEITHER = Refusal.of(Reason.NEITHER_MEMBER_NOR_INVITATION);
    private static final String DEFAULT_WORKSPACE_NAME = "Default";

    private OrganizationPlanner() {}

    /**
     * Removing a user from an organization by email (X). The last four policies concern an active
     * member; a lone pending invitation is revoked once the first two pass.
     */
    private static final List<Policy<Removal>> REMOVE_USER = List.of(
            Policy.check("the organization: found, in scope, locked, and the caller may remove there, unless leaving (rules 1, 3)",
                    f -> f.access.get().refusal()),
            Policy.check("the email is a member's or a pending, unexpired invitation's (rule 9)",
                    f -> Policies.when(f.member.get().isEmpty() & f.invitation.get().isEmpty(), NEITHER)),
            Policy.check("a member: nobody removes itself, unless the host lets it leave (rule 5)",
                    f -> f.isMember() ? Policies.noSelfRemoval(f.rules().selfRemoval(), f.self) : Optional.empty()),
            Policy.check("a member: nobody removes higher authority, nor a protected organization admin (rule 2)",
                    f -> f.isMember() && !f.self ? f.mayActOnMember() : Optional.empty()),
            Policy.check("a member: the organization keeps a usable admin (rule 6)",
                    f -> f.isMember() ? f.keepsOrganizationAdmin() : Optional.empty()),
            Policy.check("a member: every custom workspace it leaves keeps a usable admin (rule 6)",
                    f -> f.isMember() ? f.keepsWorkspaceAdmins() : Optional.empty()));

    /** Creating an organization with its default workspace and first admin. */
    private static final List<Policy<Creation>> CREATE = List.of(
            Policy.check("the caller has instance-level authority (rule 1)", f -> Access.instanceLevel(f.request, f.operation)),
            Policy.check("the first admin is a known user", f -> Policies.exists(f.firstAdmin.get(), USER_NOT_FOUND)),
            Policy.check("the first admin's account is validated, so the organization starts with a usable admin (rule 6)",
                    f -> Policies.usableFirstAdmin(f.firstAdmin.get().orElseThrow())));

    /** Creating a custom workspace. */
    private static final List<Policy<Gate<Access.ToOrganization>>> CREATE_WORKSPACE = List.of(
            Policy.check("the organization: found, in scope, locked, and the caller may create there (rules 1, 3)",
                    Gate::refusal));

    static Plan<OrganizationUserRemoval> removeUser(Request r, Command.RemoveOrganizationUser c) {
        return Plan.decide(REMOVE_USER, new Removal(r, c), f -> {
            OrganizationId org = c.organization();
            Optional<OrganizationMember> member = f.member.get();
            Optional<Invitation> invitation = f.invitation.get();
            return (t, change) -> {
                List<WorkspaceId> workspaces = List.of();
                if (member.isPresent()) {
                    workspaces = t.deleteWorkspaceMembershipsIn(org, member.get().user());
                    t.deleteOrganizationMember(org, member.get().user());
                }
                Optional<Invitation> revoked = invitation.map(i -> i.withStoredStatus(InvitationStatus.REVOKED));
                if (invitation.isPresent()) {
                    t.updateInvitationStatus(invitation.get().id(), InvitationStatus.REVOKED);
                }
                if (member.isPresent()) {
                    UserId user = member.get().user();
                    Optional<InvitationId> alsoRevoked = revoked.map(Invitation::id);
                    change.audit(t, Optional.of(org),
                            new AuditDetail.RemovedFromOrganization(c.email(), user, workspaces, alsoRevoked), c.reason());
                    change.publish(new MembershipEvent.OrganizationMemberRemoved(org, user, workspaces, alsoRevoked,
                            change.now));
                } else {
                    Invitation lone = revoked.orElseThrow();
                    change.audit(t, Optional.of(org), new AuditDetail.InvitationRevoked(lone.id(), c.email()), c.reason());
                    change.publish(new MembershipEvent.InvitationRevoked(lone, change.now));
                }
                return member.isPresent()
                        ? new OrganizationUserRemoval.MemberRemoved(member.get(), workspaces, revoked)
                        : new OrganizationUserRemoval.InvitationRevoked(revoked.orElseThrow());
            };
        });
    }

    static Plan<Organization> create(Request r, Command.CreateOrganization c) {
        return Plan.decide(CREATE, new Creation(r, c), f -> (t, change) -> {
            OrganizationId id = new OrganizationId(change.newId());
            WorkspaceId defaultWorkspace = new WorkspaceId(change.newId());
            Organization organization = new Organization(id, c.name(), defaultWorkspace, change.now);
            Workspace workspace = new Workspace(defaultWorkspace, id, DEFAULT_WORKSPACE_NAME, WorkspaceKind.DEFAULT,
                    change.now);
            t.insertOrganization(organization);
            t.insertWorkspace(workspace);
            t.insertOrganizationMember(new OrganizationMember(id, c.firstAdmin(), OrganizationRole.ADMIN, change.now));
            change.audit(t, Optional.of(id), new AuditDetail.OrganizationCreated(id, defaultWorkspace, c.firstAdmin()), "");
            change.publish(new MembershipEvent.OrganizationCreated(organization, c.firstAdmin(), change.now));
            change.publish(new MembershipEvent.WorkspaceCreated(workspace, change.now));
            return organization;
        });
    }

    static Plan<Workspace> createWorkspace(Request r, Command.CreateWorkspace c) {
        Gate<Access.ToOrganization> access = Access.organization(r, c.organization(), c.operation(), Locking.LOCKED,
                Exemption.NONE);
        return Plan.decide(CREATE_WORKSPACE, access, f -> (t, change) -> {
            Workspace workspace = new Workspace(new WorkspaceId(change.newId()), c.organization(), c.name(),
                    WorkspaceKind.CUSTOM, change.now);
            t.insertWorkspace(workspace);
            change.audit(t, Optional.of(c.organization()), new AuditDetail.WorkspaceCreated(workspace.id()), "");
            change.publish(new MembershipEvent.WorkspaceCreated(workspace, change.now));
            return workspace;
        });
    }

    /** What removing a user by email has found so far, each fact read when first asked. */
    private static final class Removal {
        private final Request request;
        final boolean self;
        final Once<Gate<Access.ToOrganization>> access;
        final Once<Optional<User>> user;
        final Once<Optional<OrganizationMember>> member;
        /** The pending invitation for the email, if it has not expired. */
        final Once<Optional<Invitation>> invitation;

        Removal(Request r, Command.RemoveOrganizationUser c) {
            this.request = r;
            this.self = r.caller().user().map(u -> u.email().equals(c.email())).orElse(false);
            boolean leaving = self && r.rules().selfRemoval() == SelfRemoval.ALLOWED_WHILE_ANOTHER_ADMIN_REMAINS;
            // Removing oneself, where the host lets members leave, is leaving: the host's minimum to leave applies.
            this.access = Once.of(() -> Access.organization(r, c.organization(),
                    leaving ? Operation.LEAVE_ORGANIZATION : c.operation(), Locking.LOCKED, Exemption.NONE));
            this.user = Once.of(() -> r.reads().userByEmail(c.email()));
            this.member = Once.of(() -> user.get().flatMap(u -> r.reads().organizationMember(c.organization(), u.id())));
            this.invitation = Once.of(() -> r.reads().pendingInvitation(c.organization(), c.email())
                    .filter(i -> i.statusAt(r.now()) == InvitationStatus.PENDING));
        }

        MembershipRules rules() {
            return request.rules();
        }

        boolean isMember() {
            return member.get().isPresent();
        }

        private User memberAccount() {
            return user.get().orElseThrow(() -> new IllegalStateException("a member has an account"));
        }

        Optional<Refusal> mayActOnMember() {
            AuthorityLevel level = access.get().found().level();
            return Policies.mayActOn(rules().organizationAdminRemoval(), level,
                    Authority.ofMember(memberAccount(), member.get().orElseThrow()));
        }

        Optional<Refusal> keepsOrganizationAdmin() {
            OrganizationMember m = member.get().orElseThrow();
            boolean usableAdmin = m.role() == OrganizationRole.ADMIN && memberAccount().status() == UserStatus.VALIDATED;
            return Policies.keepsAUsableAdmin(usableAdmin,
                    usableAdmin ? request.reads().countOrganizationAdmins(m.organization()) : 0);
        }

        Optional<Refusal> keepsWorkspaceAdmins() {
            OrganizationMember m = member.get().orElseThrow();
            boolean usable = memberAccount().status() == UserStatus.VALIDATED;
            for (WorkspaceMember inWorkspace : request.reads().workspaceMembershipsIn(m.organization(), m.user())) {
                Optional<Refusal> refusal = LastAdmin.keepsWorkspaceAdmin(request.reads(), inWorkspace, usable);
                if (refusal.isPresent()) {
                    return refusal;
                }
            }
            return Optional.empty();
        }
    }

    /** What creating an organization has found: its first admin's account. */
    private static final class Creation {
        final Request request;
        final Operation operation;
        final Once<Optional<User>> firstAdmin;

        Creation(Request r, Command.CreateOrganization c) {
            this.request = r;
            this.operation = c.operation();
            this.firstAdmin = Once.of(() -> r.reads().user(c.firstAdmin()));
        }
    }
}
