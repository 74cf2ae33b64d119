package org.membership.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.membership.api.Command;
import org.membership.api.Invitation;
import org.membership.api.InvitationStatus;
import org.membership.api.MembershipEvent;
import org.membership.api.Organization;
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationMember;
import org.membership.api.OrganizationRole;
import org.membership.api.OrganizationUserRemoval;
import org.membership.api.Reason;
import org.membership.api.Refusal;
import org.membership.api.SelfRemoval;
import org.membership.api.User;
import org.membership.api.UserStatus;
import org.membership.api.Workspace;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceKind;
import org.membership.api.WorkspaceMember;
import org.membership.core.spi.StoreTransaction;

/** Plans the changes to organizations: creating one or a workspace in it, and removing a user by email. */
final class OrganizationPlanner {
    private static final Refusal USER_NOT_FOUND = Refusal.of(Reason.USER_NOT_FOUND);
    private static final Refusal NEITHER = Refusal.of(Reason.NEITHER_MEMBER_NOR_INVITATION);
    private static final String DEFAULT_WORKSPACE_NAME = "Default";

    private OrganizationPlanner() {}

    static Plan<OrganizationUserRemoval> removeUser(Request req, Command.RemoveOrganizationUser c) {
        StoreTransaction tx = req.tx();
        Caller caller = req.caller();
        Instant now = req.now();
        boolean self = caller.user() != null && caller.user().email().equals(c.email());
        boolean leaving = self && req.rules().selfRemoval() == SelfRemoval.ALLOWED_WHILE_ANOTHER_ADMIN_REMAINS;
        Access.ToOrganization access = new Access.ToOrganization(req, c.organization(), c.operation(), true, leaving);
        if (access.refusal != null) {
            return Plan.refuse(access.refusal);
        }
        OrganizationId org = c.organization();
        User user = tx.userByEmail(c.email()).orElse(null);
        OrganizationMember member = user == null ? null : tx.organizationMember(org, user.id()).orElse(null);
        Invitation invitation = tx.pendingInvitation(org, c.email())
                .filter(i -> i.statusAt(now) == InvitationStatus.PENDING).orElse(null);
        if (member == null && invitation == null) {
            return Plan.refuse(NEITHER);
        }
        if (member != null) {
            Refusal r;
            if ((r = Policies.noSelfRemoval(req.rules().selfRemoval(), self)) != null
                    || (!self && (r = Policies.mayActOn(req.rules().organizationAdminRemoval(), access.level,
                            Authority.ofMember(user, member))) != null)
                    || (r = Policies.keepsAUsableAdmin(usableAdmin(user, member),
                            usableAdmin(user, member) ? tx.countOrganizationAdmins(org) : 0)) != null) {
                return Plan.refuse(r);
            }
            boolean usable = user.status() == UserStatus.VALIDATED;
            for (WorkspaceMember inWorkspace : tx.workspaceMembershipsIn(org, user.id())) {
                if ((r = LastAdmin.keepsWorkspaceAdmin(tx, inWorkspace, usable)) != null) {
                    return Plan.refuse(r);
                }
            }
        }
        return Plan.approve((t, change) -> {
            List<WorkspaceId> workspaces = List.of();
            List<String> cascade = new ArrayList<>();
            if (member != null) {
                workspaces = t.deleteWorkspaceMembershipsIn(org, member.user());
                t.deleteOrganizationMember(org, member.user());
                workspaces.forEach(w -> cascade.add("removed from workspace:" + w.value()));
            }
            Optional<Invitation> revoked = Optional.ofNullable(invitation).map(i -> i.withStatus(InvitationStatus.REVOKED));
            if (invitation != null) {
                t.updateInvitationStatus(invitation.id(), InvitationStatus.REVOKED);
                cascade.add("revoked invitation:" + invitation.id().value());
            }
            String target = "email:" + c.email().value() + (member != null ? " user:" + member.user().value() : "");
            change.audit(t, Optional.of(org), target, c.reason(), cascade);
            if (member != null) {
                change.publish(new MembershipEvent.OrganizationMemberRemoved(org, member.user(), workspaces,
                        revoked.map(Invitation::id), change.now));
            } else {
                change.publish(new MembershipEvent.InvitationRevoked(revoked.get(), change.now));
            }
            return new OrganizationUserRemoval(Optional.ofNullable(member), workspaces, revoked);
        });
    }

    private static boolean usableAdmin(User user, OrganizationMember member) {
        return member.role() == OrganizationRole.ADMIN && user.status() == UserStatus.VALIDATED;
    }

    static Plan<Organization> create(Request req, Command.CreateOrganization c) {
        StoreTransaction tx = req.tx();
        Refusal r;
        User firstAdmin = null;
        if ((r = Access.instanceLevel(req, c.operation())) != null
                || (r = Policies.exists(firstAdmin = tx.user(c.firstAdmin()).orElse(null), USER_NOT_FOUND)) != null
                || (r = Policies.usableFirstAdmin(firstAdmin)) != null) {
            return Plan.refuse(r);
        }
        return Plan.approve((t, change) -> {
            OrganizationId id = new OrganizationId(change.newId());
            WorkspaceId defaultWorkspace = new WorkspaceId(change.newId());
            Organization organization = new Organization(id, c.name(), defaultWorkspace, change.now);
            Workspace workspace = new Workspace(defaultWorkspace, id, DEFAULT_WORKSPACE_NAME, WorkspaceKind.DEFAULT,
                    change.now);
            t.insertOrganization(organization);
            t.insertWorkspace(workspace);
            t.insertOrganizationMember(new OrganizationMember(id, c.firstAdmin(), OrganizationRole.ADMIN, change.now));
            change.audit(t, Optional.of(id), "organization:" + id.value(), "",
                    List.of("created default workspace:" + defaultWorkspace.value(),
                            "added admin user:" + c.firstAdmin().value()));
            change.publish(new MembershipEvent.OrganizationCreated(organization, c.firstAdmin(), change.now));
            change.publish(new MembershipEvent.WorkspaceCreated(workspace, change.now));
            return organization;
        });
    }

    static Plan<Workspace> createWorkspace(Request req, Command.CreateWorkspace c) {
        Access.ToOrganization access = new Access.ToOrganization(req, c.organization(), c.operation(), true, false);
        if (access.refusal != null) {
            return Plan.refuse(access.refusal);
        }
        return Plan.approve((t, change) -> {
            Workspace workspace = new Workspace(new WorkspaceId(change.newId()), c.organization(), c.name(),
                    WorkspaceKind.CUSTOM, change.now);
            t.insertWorkspace(workspace);
            change.audit(t, Optional.of(c.organization()), "workspace:" + workspace.id().value(), "", List.of());
            change.publish(new MembershipEvent.WorkspaceCreated(workspace, change.now));
            return workspace;
        });
    }
}
