package org.membership.core;

import java.util.List;
import java.util.Optional;
import org.membership.api.AuditDetail;
import org.membership.api.AuthorityLevel;
import org.membership.api.Command;
import org.membership.api.MembershipEvent;
import org.membership.api.MembershipRules;
import org.membership.api.Operation;
import org.membership.api.OrganizationMember;
import org.membership.api.Reason;
import org.membership.api.Refusal;
import org.membership.api.SelfRemoval;
import org.membership.api.UserId;
import org.membership.api.UserStatus;
import org.membership.api.Workspace;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceMember;
import org.membership.api.WorkspaceRole;
import org.membership.core.Access.Exemption;
import org.membership.core.Access.Locking;
import org.membership.core.spi.StoreReads;
import org.membership.core.spi.WorkspaceStanding;

/**
 * Plans the changes to a custom workspace's members: adding one, changing a role, removing one. Each
 * command's policies below, in order, are the precedence of its refusals. Stateless; thread-safe.
 */
final class WorkspaceMemberPlanner {
    private static final Refusal USER_NOT_FOUND = Refusal.of(Reason.USER_NOT_FOUND);
    private static final Refusal MEMBER_NOT_FOUND = Refusal.of(Reason.MEMBER_NOT_FOUND);
    private static final Refusal ALREADY_MEMBER = Refusal.of(Reason.ALREADY_MEMBER);

    private WorkspaceMemberPlanner() {}

    /** Removing a member from a custom workspace (P1, P2, F, A). */
    private static final List<Policy<MemberChange>> REMOVE = List.of(
            Policy.check("the workspace: found, in scope, locked, and the caller may remove there, unless leaving (rules 1, 3)",
                    f -> f.access.get().refusal()),
            Policy.check("custom workspaces only (rule 7)", f -> Policies.customWorkspaceOnly(f.workspace())),
            Policy.check("the user is a member of the workspace (rule 8)",
                    f -> Policies.exists(f.target.get(), MEMBER_NOT_FOUND)),
            Policy.check("nobody removes itself, unless the host lets it leave (rule 5)",
                    f -> Policies.noSelfRemoval(f.rules().selfRemoval(), f.self)),
            Policy.check("nobody removes higher authority, nor a protected organization admin (rule 2)",
                    f -> f.self ? Optional.empty() : f.mayActOnTarget()),
            Policy.check("the workspace keeps a usable admin (rule 6)",
                    f -> LastAdmin.keepsWorkspaceAdmin(f.reads(), f.member(), f.usable())));

    /** Changing a custom-workspace member's role (A). */
    private static final List<Policy<MemberChange>> CHANGE_ROLE = List.of(
            Policy.check("the workspace: found, in scope, locked, and the caller may change roles there (rules 1, 3)",
                    f -> f.access.get().refusal()),
            Policy.check("custom workspaces only (rule 7)", f -> Policies.customWorkspaceOnly(f.workspace())),
            Policy.check("the user is a member of the workspace (rule 8)",
                    f -> Policies.exists(f.target.get(), MEMBER_NOT_FOUND)),
            Policy.check("nobody demotes itself from admin, unless the host lets it leave (rule 5)",
                    f -> Policies.noSelfRemoval(f.rules().selfRemoval(), f.self && f.isDemotion())),
            Policy.check("nobody changes higher authority, nor a protected organization admin (rule 2)",
                    f -> f.self ? Optional.empty() : f.mayActOnTarget()),
            Policy.check("nobody grants a role above its own level (rule 1)",
                    f -> Policies.grantWithinAuthority(f.level(), Authority.of(f.role.orElseThrow()))),
            Policy.check("an unchanged role changes nothing; a changed one leaves the workspace a usable admin (rule 6)",
                    f -> f.unchanged() ? Optional.empty() : LastAdmin.keepsWorkspaceAdmin(f.reads(), f.member(), f.usable())));

    /** Adding a member of the organization to a custom workspace (A). */
    private static final List<Policy<MemberChange>> ADD = List.of(
            Policy.check("the workspace: found, in scope, locked, and the caller may add there (rules 1, 3)",
                    f -> f.access.get().refusal()),
            Policy.check("custom workspaces only (rule 7)", f -> Policies.customWorkspaceOnly(f.workspace())),
            Policy.check("the user is a member of the workspace's organization; anyone else is not found (rule 3)",
                    f -> Policies.exists(f.inOrganization.get(), USER_NOT_FOUND)),
            Policy.check("the user is not a member of the workspace already",
                    f -> Policies.when(f.target.get().isPresent(), ALREADY_MEMBER)),
            Policy.check("nobody grants a role above its own level (rule 1)",
                    f -> Policies.grantWithinAuthority(f.level(), Authority.of(f.role.orElseThrow()))));

    static Plan<WorkspaceMember> remove(Request r, Command.RemoveWorkspaceMember c) {
        boolean self = r.caller().is(c.user());
        boolean leaving = self && r.rules().selfRemoval() == SelfRemoval.ALLOWED_WHILE_ANOTHER_ADMIN_REMAINS;
        MemberChange facts = new MemberChange(r, c.workspace(), c.user(), Optional.empty(), c.operation(),
                leaving ? Exemption.LEAVING : Exemption.NONE);
        return Plan.decide(REMOVE, facts, f -> {
            Workspace ws = f.workspace();
            WorkspaceMember target = f.member();
            return (t, change) -> {
                t.deleteWorkspaceMember(ws.id(), target.user());
                change.audit(t, Optional.of(ws.organization()), new AuditDetail.RemovedFromWorkspace(ws.id(), target.user()),
                        c.reason());
                change.publish(new MembershipEvent.WorkspaceMemberRemoved(ws.organization(), ws.id(), target.user(),
                        change.now));
                return target;
            };
        });
    }

    static Plan<WorkspaceMember> changeRole(Request r, Command.ChangeWorkspaceRole c) {
        MemberChange facts = new MemberChange(r, c.workspace(), c.user(), Optional.of(c.role()), c.operation(), Exemption.NONE);
        return Plan.decide(CHANGE_ROLE, facts, f -> {
            WorkspaceMember target = f.member();
            if (f.unchanged()) {
                return (t, change) -> target;
            }
            Workspace ws = f.workspace();
            WorkspaceMember changed = target.withRole(c.role());
            return (t, change) -> {
                t.updateWorkspaceMember(changed);
                change.audit(t, Optional.of(ws.organization()),
                        new AuditDetail.RoleChanged(ws.id(), target.user(), target.role(), c.role()), "");
                change.publish(new MembershipEvent.WorkspaceRoleChanged(ws.organization(), ws.id(), target.user(),
                        target.role(), c.role(), change.now));
                return changed;
            };
        });
    }

    static Plan<WorkspaceMember> add(Request r, Command.AddWorkspaceMember c) {
        MemberChange facts = new MemberChange(r, c.workspace(), c.user(), Optional.of(c.role()), c.operation(), Exemption.NONE);
        return Plan.decide(ADD, facts, f -> {
            Workspace ws = f.workspace();
            return (t, change) -> {
                WorkspaceMember added = new WorkspaceMember(ws.id(), c.user(), c.role(), change.now);
                t.insertWorkspaceMember(added);
                change.audit(t, Optional.of(ws.organization()), new AuditDetail.AddedToWorkspace(ws.id(), c.user(), c.role()),
                        "");
                change.publish(new MembershipEvent.WorkspaceMemberAdded(ws.organization(), added, change.now));
                return added;
            };
        });
    }

    /** What a change to one user's membership of a workspace has found so far, each fact read when first asked. */
    private static final class MemberChange {
        private final Request request;
        final boolean self;
        /** The role the command gives; empty for a removal. */
        final Optional<WorkspaceRole> role;
        final Once<Gate<Access.ToWorkspace>> access;
        /** The user's account and memberships, in one read once the workspace is locked. */
        final Once<WorkspaceStanding> standing;
        /** The user's explicit membership of the workspace. */
        final Once<Optional<WorkspaceMember>> target;
        /** The user's membership of the workspace's organization. */
        final Once<Optional<OrganizationMember>> inOrganization;

        MemberChange(Request r, WorkspaceId workspaceId, UserId user, Optional<WorkspaceRole> role, Operation operation,
                     Exemption exemption) {
            this.request = r;
            this.self = r.caller().is(user);
            this.role = role;
            this.access = Once.of(() -> Access.workspace(r, workspaceId, operation, Locking.LOCKED, exemption));
            this.standing = Once.of(() -> r.reads().standing(user, workspaceId));
            this.target = Once.of(() -> standing.get().workspaceMember());
            this.inOrganization = Once.of(() -> standing.get().organizationMember());
        }

        StoreReads reads() {
            return request.reads();
        }

        MembershipRules rules() {
            return request.rules();
        }

        Workspace workspace() {
            return access.get().found().workspace();
        }

        AuthorityLevel level() {
            return access.get().found().level();
        }

        /** @return the member, once a policy has found it */
        WorkspaceMember member() {
            return target.get().orElseThrow(() -> new IllegalStateException("no policy found the member"));
        }

        /** Stepping down from admin is the change that can lock someone out; other role changes cannot. */
        boolean isDemotion() {
            return member().role() == WorkspaceRole.ADMIN && role.orElseThrow() != WorkspaceRole.ADMIN;
        }

        boolean unchanged() {
            return role.map(r -> member().role() == r).orElse(false);
        }

        Optional<Refusal> mayActOnTarget() {
            return Policies.mayActOn(rules().organizationAdminRemoval(), level(), Authority.ofMember(standing.get(), member()));
        }

        /** @return whether the member's account is validated: only such an admin counts for rule 6 */
        boolean usable() {
            return standing.get().user().map(u -> u.status() == UserStatus.VALIDATED).orElse(false);
        }
    }

}
