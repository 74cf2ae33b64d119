package org.membership.core;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.membership.api.Command;
import org.membership.api.MembershipEvent;
import org.membership.api.OrganizationMember;
import org.membership.api.Reason;
import org.membership.api.Refusal;
import org.membership.api.SelfRemoval;
import org.membership.api.Workspace;
import org.membership.api.WorkspaceMember;
import org.membership.api.WorkspaceRole;
import org.membership.core.spi.StoreTransaction;

/** Plans the changes to a custom workspace's members: adding one, changing a role, removing one. */
final class WorkspaceMemberPlanner {
    private static final Refusal USER_NOT_FOUND = Refusal.of(Reason.USER_NOT_FOUND);
    private static final Refusal MEMBER_NOT_FOUND = Refusal.of(Reason.MEMBER_NOT_FOUND);
    private static final Refusal ALREADY_MEMBER = Refusal.of(Reason.ALREADY_MEMBER);

    private WorkspaceMemberPlanner() {}

    static Plan<WorkspaceMember> remove(Request req, Command.RemoveWorkspaceMember c) {
        StoreTransaction tx = req.tx();
        Caller caller = req.caller();
        boolean self = caller.is(c.user());
        boolean leaving = self && req.rules().selfRemoval() == SelfRemoval.ALLOWED_WHILE_ANOTHER_ADMIN_REMAINS;
        Access.ToWorkspace access = new Access.ToWorkspace(req, c.workspace(), c.operation(), true, leaving);
        Refusal r;
        if ((r = access.refusal) != null || (r = Policies.customWorkspaceOnly(access.workspace)) != null) {
            return Plan.refuse(r);
        }
        Workspace ws = access.workspace;
        WorkspaceMember target = tx.workspaceMember(ws.id(), c.user()).orElse(null);
        if ((r = Policies.exists(target, MEMBER_NOT_FOUND)) != null
                || (r = Policies.noSelfRemoval(req.rules().selfRemoval(), self)) != null
                || (!self && (r = Policies.mayActOn(req.rules().organizationAdminRemoval(), access.level,
                        Authority.ofMember(tx, ws.organization(), target))) != null)
                || (r = LastAdmin.keepsWorkspaceAdmin(tx, target)) != null) {
            return Plan.refuse(r);
        }
        return Plan.approve((t, change) -> {
            t.deleteWorkspaceMember(ws.id(), target.user());
            change.audit(t, Optional.of(ws.organization()), member(target), c.reason(), List.of());
            change.publish(new MembershipEvent.WorkspaceMemberRemoved(ws.organization(), ws.id(), target.user(), change.now));
            return target;
        });
    }

    static Plan<WorkspaceMember> changeRole(Request req, Command.ChangeWorkspaceRole c) {
        StoreTransaction tx = req.tx();
        Caller caller = req.caller();
        Access.ToWorkspace access = new Access.ToWorkspace(req, c.workspace(), c.operation(), true, false);
        Refusal r;
        if ((r = access.refusal) != null || (r = Policies.customWorkspaceOnly(access.workspace)) != null) {
            return Plan.refuse(r);
        }
        Workspace ws = access.workspace;
        boolean self = caller.is(c.user());
        WorkspaceMember target = tx.workspaceMember(ws.id(), c.user()).orElse(null);
        if ((r = Policies.exists(target, MEMBER_NOT_FOUND)) != null
                || (r = Policies.noSelfRemoval(req.rules().selfRemoval(), self && isDemotion(target, c.role()))) != null
                || (!self && (r = Policies.mayActOn(req.rules().organizationAdminRemoval(), access.level,
                        Authority.ofMember(tx, ws.organization(), target))) != null)
                || (r = Policies.grantWithinAuthority(access.level, Authority.of(c.role()))) != null) {
            return Plan.refuse(r);
        }
        if (target.role() == c.role()) {
            return Plan.approve((t, change) -> target);
        }
        if ((r = LastAdmin.keepsWorkspaceAdmin(tx, target)) != null) {
            return Plan.refuse(r);
        }
        WorkspaceMember changed = target.withRole(c.role());
        return Plan.approve((t, change) -> {
            t.updateWorkspaceMember(changed);
            change.audit(t, Optional.of(ws.organization()), member(target), "",
                    List.of("role " + name(target.role()) + " -> " + name(c.role())));
            change.publish(new MembershipEvent.WorkspaceRoleChanged(ws.organization(), ws.id(), target.user(),
                    target.role(), c.role(), change.now));
            return changed;
        });
    }

    static Plan<WorkspaceMember> add(Request req, Command.AddWorkspaceMember c) {
        StoreTransaction tx = req.tx();
        Access.ToWorkspace access = new Access.ToWorkspace(req, c.workspace(), c.operation(), true, false);
        Refusal r;
        if ((r = access.refusal) != null || (r = Policies.customWorkspaceOnly(access.workspace)) != null) {
            return Plan.refuse(r);
        }
        Workspace ws = access.workspace;
        OrganizationMember inOrganization = tx.organizationMember(ws.organization(), c.user()).orElse(null);
        if ((r = Policies.exists(inOrganization, USER_NOT_FOUND)) != null
                || (tx.workspaceMember(ws.id(), c.user()).isPresent() && (r = ALREADY_MEMBER) != null)
                || (r = Policies.grantWithinAuthority(access.level, Authority.of(c.role()))) != null) {
            return Plan.refuse(r);
        }
        return Plan.approve((t, change) -> {
            WorkspaceMember added = new WorkspaceMember(ws.id(), c.user(), c.role(), change.now);
            t.insertWorkspaceMember(added);
            change.audit(t, Optional.of(ws.organization()), member(added), "", List.of("role " + name(c.role())));
            change.publish(new MembershipEvent.WorkspaceMemberAdded(ws.organization(), added, change.now));
            return added;
        });
    }

    /** Stepping down from admin is the change that can lock someone out; other role changes cannot. */
    private static boolean isDemotion(WorkspaceMember member, WorkspaceRole to) {
        return member.role() == WorkspaceRole.ADMIN && to != WorkspaceRole.ADMIN;
    }

    private static String member(WorkspaceMember m) {
        return "user:" + m.user().value() + " in workspace:" + m.workspace().value();
    }

    private static String name(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
