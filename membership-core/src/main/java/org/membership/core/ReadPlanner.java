package org.membership.core;

import static org.membership.api.AuthorityLevel.NONE;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.membership.api.AuditEntry;
import org.membership.api.Command;
import org.membership.api.Invitation;
import org.membership.api.Memberships;
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationMember;
import org.membership.api.Page;
import org.membership.api.Reason;
import org.membership.api.Refusal;
import org.membership.api.Workspace;
import org.membership.api.WorkspaceKind;
import org.membership.api.WorkspaceMember;
import org.membership.core.spi.StoreTransaction;

/** Plans the reads: a workspace's members, an organization's invitations, a user's memberships, an audit trail. */
final class ReadPlanner {
    private static final Refusal USER_NOT_FOUND = Refusal.of(Reason.USER_NOT_FOUND);
    private static final Refusal MEMBER_NOT_FOUND = Refusal.of(Reason.MEMBER_NOT_FOUND);

    private ReadPlanner() {}

    static Plan<WorkspaceMember> workspaceMember(Request req, Command.GetWorkspaceMember c) {
        StoreTransaction tx = req.tx();
        Access.ToWorkspace access = new Access.ToWorkspace(req, c.workspace(), c.operation(), false, false);
        if (access.refusal != null) {
            return Plan.refuse(access.refusal);
        }
        Workspace ws = access.workspace;
        WorkspaceMember found = ws.kind() == WorkspaceKind.DEFAULT
                ? tx.organizationMember(ws.organization(), c.user())
                        .map(m -> Authority.asDefaultWorkspaceMember(ws, m)).orElse(null)
                : tx.workspaceMember(ws.id(), c.user()).orElse(null);
        Refusal r = Policies.exists(found, MEMBER_NOT_FOUND);
        return r != null ? Plan.refuse(r) : Plan.approve((t, change) -> found);
    }

    static Plan<Page<WorkspaceMember>> workspaceMembers(Request req, Command.ListWorkspaceMembers c) {
        Access.ToWorkspace access = new Access.ToWorkspace(req, c.workspace(), c.operation(), false, false);
        if (access.refusal != null) {
            return Plan.refuse(access.refusal);
        }
        Workspace ws = access.workspace;
        return Plan.approve((t, change) -> {
            List<WorkspaceMember> fetched = ws.kind() == WorkspaceKind.DEFAULT
                    ? t.organizationMembers(ws.organization(), Paging.slice(c.page())).stream()
                            .map(m -> Authority.asDefaultWorkspaceMember(ws, m)).toList()
                    : t.workspaceMembers(ws.id(), Paging.slice(c.page()));
            return Paging.page(fetched, c.page(), m -> m.user().value());
        });
    }

    static Plan<Page<Invitation>> invitations(Request req, Command.ListInvitations c) {
        Access.ToOrganization access = new Access.ToOrganization(req, c.organization(), c.operation(), false, false);
        if (access.refusal != null) {
            return Plan.refuse(access.refusal);
        }
        return Plan.approve((t, change) -> Paging.page(
                t.pendingInvitations(c.organization(), req.now(), Paging.slice(c.page())), c.page(), i -> i.id().value()));
    }

    static Plan<Memberships> memberships(Request req, Command.ListMemberships c) {
        StoreTransaction tx = req.tx();
        Caller caller = req.caller();
        boolean self = caller.is(c.user());
        Refusal r;
        if (!self && (r = Access.instanceLevel(req, c.operation())) != null) {
            return Plan.refuse(r);
        }
        if ((r = Policies.exists(tx.user(c.user()).orElse(null), USER_NOT_FOUND)) != null) {
            return Plan.refuse(r);
        }
        List<OrganizationMember> organizations = tx.organizationMembershipsOf(c.user());
        List<WorkspaceMember> workspaces = tx.workspaceMembershipsOf(c.user());
        if (!self && !caller.instance()) {
            // Reachable only where a host lowered the level below instance admin. Rule 3 still
            // holds: the caller sees the memberships its own organizations hold, and a user who
            // shares none with it is not found. (One workspace read per listed membership: this
            // is the rare configuration, not the hot path.)
            organizations = organizations.stream()
                    .filter(m -> Authority.inOrganization(tx, caller, m.organization()) != NONE).toList();
            Set<OrganizationId> visible = organizations.stream().map(OrganizationMember::organization)
                    .collect(Collectors.toSet());
            workspaces = workspaces.stream().filter(m -> tx.workspace(m.workspace())
                    .map(w -> visible.contains(w.organization())).orElse(false)).toList();
            if (organizations.isEmpty()) {
                return Plan.refuse(USER_NOT_FOUND);
            }
        }
        Memberships memberships = new Memberships(c.user(), organizations, workspaces);
        return Plan.approve((t, change) -> memberships);
    }

    static Plan<Page<AuditEntry>> auditTrail(Request req, Command.ListAuditTrail c) {
        if (c.organization().isPresent()) {
            Access.ToOrganization access = new Access.ToOrganization(req, c.organization().get(), c.operation(),
                    false, false);
            if (access.refusal != null) {
                return Plan.refuse(access.refusal);
            }
        } else {
            Refusal r = Access.instanceLevel(req, c.operation());
            if (r != null) {
                return Plan.refuse(r);
            }
        }
        return Plan.approve((t, change) -> Paging.page(t.auditTrail(c.organization(), Paging.slice(c.page())),
                c.page(), e -> Long.toString(e.sequence())));
    }
}
