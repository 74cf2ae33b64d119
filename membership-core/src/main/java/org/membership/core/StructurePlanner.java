package org.membership.core;

import java.util.List;
import java.util.Optional;
import org.membership.api.AuditDetail;
import org.membership.api.Command;
import org.membership.api.MembershipEvent;
import org.membership.api.Organization;
import org.membership.api.OrganizationDeletion;
import org.membership.api.UserId;
import org.membership.api.Workspace;
import org.membership.api.WorkspaceDeletion;
import org.membership.core.Access.Exemption;
import org.membership.core.Access.Locking;
import org.membership.core.spi.DeletedOrganization;

/**
 * Plans the changes to what organizations are made of: renaming a workspace, deleting a custom
 * workspace, deleting an organization. Each command's policies below, in order, are the precedence of
 * its refusals. Stateless; thread-safe.
 */
final class StructurePlanner {
    private StructurePlanner() {}

    /** Renaming a workspace. */
    private static final List<Policy<Gate<Access.ToWorkspace>>> RENAME = List.of(
            Policy.check("the workspace: found, in scope, locked, and the caller may rename it (rules 1, 3)", Gate::refusal));

    /** Deleting a custom workspace. */
    private static final List<Policy<Gate<Access.ToWorkspace>>> DELETE_WORKSPACE = List.of(
            Policy.check("the workspace: found, in scope, locked, and the caller may delete it (rules 1, 3)", Gate::refusal),
            Policy.check("custom workspaces only: a default workspace goes with its organization (rule 7)",
                    g -> Policies.customWorkspaceOnly(g.found().workspace())));

    /** Deleting an organization. */
    private static final List<Policy<Gate<Access.ToOrganization>>> DELETE_ORGANIZATION = List.of(
            Policy.check("the organization: found, in scope, locked, and the caller may delete it (rules 1, 3)", Gate::refusal));

    static Plan<Workspace> rename(Request r, Command.RenameWorkspace c) {
        Gate<Access.ToWorkspace> access = Access.workspace(r, c.workspace(), c.operation(), Locking.LOCKED, Exemption.NONE);
        return Plan.decide(RENAME, access, g -> {
            Workspace before = g.found().workspace();
            if (before.name().equals(c.name())) {
                return (t, change) -> before;
            }
            Workspace renamed = new Workspace(before.id(), before.organization(), c.name(), before.kind(), before.createdAt());
            return (t, change) -> {
                t.updateWorkspaceName(before.id(), c.name());
                change.audit(t, Optional.of(before.organization()),
                        new AuditDetail.WorkspaceRenamed(before.id(), before.name(), c.name()), "");
                change.publish(new MembershipEvent.WorkspaceRenamed(before.organization(), before.id(), before.name(),
                        c.name(), change.now));
                return renamed;
            };
        });
    }

    static Plan<WorkspaceDeletion> deleteWorkspace(Request r, Command.DeleteWorkspace c) {
        Gate<Access.ToWorkspace> access = Access.workspace(r, c.workspace(), c.operation(), Locking.LOCKED, Exemption.NONE);
        return Plan.decide(DELETE_WORKSPACE, access, g -> {
            Workspace workspace = g.found().workspace();
            return (t, change) -> {
                List<UserId> members = t.deleteWorkspace(workspace.id());
                change.audit(t, Optional.of(workspace.organization()),
                        new AuditDetail.WorkspaceDeleted(workspace.id(), members), c.reason());
                change.publish(new MembershipEvent.WorkspaceDeleted(workspace.organization(), workspace.id(), members,
                        change.now));
                return new WorkspaceDeletion(workspace, members);
            };
        });
    }

    /*
     * Deleting an organization never loads its rosters: the store deletes each kind of row with one
     * statement on an index of the organization (the locking protocol's organization lock held, so no
     * change of the organization can interleave), and reports how many rows went. The audit entry
     * goes to the instance-level trail, since the organization's own trail could no longer be asked
     * for; that trail and the organization's events stay in the store.
     */

    static Plan<OrganizationDeletion> deleteOrganization(Request r, Command.DeleteOrganization c) {
        Gate<Access.ToOrganization> access = Access.organization(r, c.organization(), c.operation(), Locking.LOCKED,
                Exemption.NONE);
        return Plan.decide(DELETE_ORGANIZATION, access, g -> {
            Organization organization = g.found().organization();
            return (t, change) -> {
                DeletedOrganization rows = t.deleteOrganization(organization.id());
                change.audit(t, Optional.empty(), new AuditDetail.OrganizationDeleted(organization.id(), organization.name(),
                        rows.workspaces(), rows.organizationMembers(), rows.workspaceMembers(), rows.invitations()), c.reason());
                change.publish(new MembershipEvent.OrganizationDeleted(organization, change.now));
                return new OrganizationDeletion(organization, rows.workspaces(), rows.organizationMembers(),
                        rows.workspaceMembers(), rows.invitations());
            };
        });
    }
}
