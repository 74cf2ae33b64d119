package org.membership.core;

import static org.membership.api.AuthorityLevel.NONE;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.membership.api.AuditEntry;
import org.membership.api.AuthorityLevel;
import org.membership.api.Command;
import org.membership.api.Invitation;
import org.membership.api.Memberships;
import org.membership.api.Operation;
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationMember;
import org.membership.api.Page;
import org.membership.api.Reason;
import org.membership.api.Refusal;
import org.membership.api.Workspace;
import org.membership.api.WorkspaceKind;
import org.membership.api.WorkspaceAuthority;
import org.membership.api.WorkspaceMember;
import org.membership.core.Access.Exemption;
import org.membership.core.Access.Locking;
import org.membership.core.spi.StoreReads;

/**
 * Plans the reads: a workspace's members, the caller's own authority there, an organization's
 * invitations, a user's memberships, an audit trail. Reads take no lock. Each command's policies
 * below, in order, are the precedence of its refusals; a list read reads its page only once every
 * policy passed, and a dry run never does. Stateless; thread-safe.
 */
final class ReadPlanner {
    private static final Refusal USER_NOT_FOUND = Refusal.of(Reason.USER_NOT_FOUND);
    private static final Refusal MEMBER_NOT_FOUND = Refusal.of(Reason.MEMBER_NOT_FOUND);

    private ReadPlanner() {}

    /** Reading one workspace member. */
    private static final List<Policy<MemberRead>> GET_MEMBER = List.of(
            Policy.check("the workspace: found, in scope, and the caller may read there (rules 1, 3)",
                    f -> f.access.get().refusal()),
            Policy.check("the user is a member: of the organization, for a default workspace; explicitly, for a custom one (rule 8)",
                    f -> Policies.exists(f.member.get(), MEMBER_NOT_FOUND)));

    /** Listing a workspace's members. */
    private static final List<Policy<Gate<Access.ToWorkspace>>> LIST_MEMBERS = List.of(
            Policy.check("the workspace: found, in scope, and the caller may read there (rules 1, 3)", Gate::refusal));

    /** Reading one's own authority in a workspace. */
    private static final List<Policy<Gate<Access.ToWorkspace>>> AUTHORITY = List.of(
            Policy.check("the workspace: found, in scope, and the caller may ask there (rules 1, 3)", Gate::refusal));

    /** Listing an organization's pending invitations, or reading its audit trail. */
    private static final List<Policy<Gate<Access.ToOrganization>>> ORGANIZATION_READ = List.of(
            Policy.check("the organization: found, in scope, and the caller may read there (rules 1, 3)", Gate::refusal));

    /** Reading the instance-level audit trail. */
    private static final List<Policy<Request>> INSTANCE_TRAIL = List.of(
            Policy.check("the caller has instance-level authority (rule 1)",
                    r -> Access.instanceLevel(r, Operation.LIST_AUDIT_TRAIL)));

    /** Listing everything a user belongs to. */
    private static final List<Policy<MembershipsRead>> MEMBERSHIPS = List.of(
            Policy.check("the user itself, or a caller with the authority to list anyone's (rule 1)",
                    f -> f.self ? Optional.empty() : Access.instanceLevel(f.request, f.command.operation())),
            Policy.check("the user is known", f -> Policies.exists(f.request.reads().user(f.command.user()), USER_NOT_FOUND)),
            Policy.check("a caller below instance authority (a host lowered the level) sees only its own"
                    + " organizations' memberships, and a user who shares none with it is not found (rule 3)",
                    f -> Policies.when(f.memberships.get().organizations().isEmpty() && f.filtered(), USER_NOT_FOUND)));

    static Plan<WorkspaceMember> workspaceMember(Request r, Command.GetWorkspaceMember c) {
        return Plan.answer(GET_MEMBER, new MemberRead(r, c), f -> {
            WorkspaceMember found = f.member.get().orElseThrow();
            return reads -> found;
        });
    }

    static Plan<Page<WorkspaceMember>> workspaceMembers(Request r, Command.ListWorkspaceMembers c) {
        Gate<Access.ToWorkspace> access = Access.workspace(r, c.workspace(), c.operation(), Locking.UNLOCKED,
                Exemption.NONE);
        return Plan.answer(LIST_MEMBERS, access, a -> {
            Workspace ws = a.found().workspace();
            return reads -> {
                List<WorkspaceMember> fetched = ws.kind() == WorkspaceKind.DEFAULT
                        ? reads.organizationMembers(ws.organization(), Paging.slice(c.page())).stream()
                                .map(m -> Authority.asDefaultWorkspaceMember(ws, m)).toList()
                        : reads.workspaceMembers(ws.id(), Paging.slice(c.page()));
                return Paging.page(fetched, c.page(), m -> m.user().value());
            };
        });
    }

    static Plan<WorkspaceAuthority> workspaceAuthority(Request r, Command.GetWorkspaceAuthority c) {
        Gate<Access.ToWorkspace> access = Access.workspace(r, c.workspace(), c.operation(), Locking.UNLOCKED,
                Exemption.NONE);
        return Plan.answer(AUTHORITY, access, a -> {
            AuthorityLevel level = a.found().level();
            Set<Operation> permitted = EnumSet.noneOf(Operation.class);
            for (Operation operation : Operation.values()) {
                if (operation.scope() == Operation.Scope.WORKSPACE && level.atLeast(r.rules().requiredAuthority(operation))) {
                    permitted.add(operation);
                }
            }
            WorkspaceAuthority authority = new WorkspaceAuthority(c.workspace(), level, permitted);
            return reads -> authority;
        });
    }

    static Plan<Page<Invitation>> invitations(Request r, Command.ListInvitations c) {
        Gate<Access.ToOrganization> access = Access.organization(r, c.organization(), c.operation(), Locking.UNLOCKED,
                Exemption.NONE);
        return Plan.answer(ORGANIZATION_READ, access, a -> reads -> Paging.page(
                reads.pendingInvitations(c.organization(), r.now(), Paging.slice(c.page())), c.page(), i -> i.id().value()));
    }

    static Plan<Memberships> memberships(Request r, Command.ListMemberships c) {
        return Plan.answer(MEMBERSHIPS, new MembershipsRead(r, c), f -> {
            Memberships memberships = f.memberships.get();
            return reads -> memberships;
        });
    }

    static Plan<Page<AuditEntry>> auditTrail(Request r, Command.ListAuditTrail c) {
        Plan.Answer<Page<AuditEntry>> page = reads -> Paging.page(
                reads.auditTrail(c.organization(), Paging.slice(c.page())), c.page(), e -> Long.toString(e.sequence()));
        if (c.organization().isEmpty()) {
            return Plan.answer(INSTANCE_TRAIL, r, f -> page);
        }
        Gate<Access.ToOrganization> access = Access.organization(r, c.organization().get(), c.operation(),
                Locking.UNLOCKED, Exemption.NONE);
        return Plan.answer(ORGANIZATION_READ, access, a -> page);
    }

    /** What reading one workspace member has found so far, each fact read when first asked. */
    private static final class MemberRead {
        final Once<Gate<Access.ToWorkspace>> access;
        final Once<Optional<WorkspaceMember>> member;

        MemberRead(Request r, Command.GetWorkspaceMember c) {
            this.access = Once.of(() -> Access.workspace(r, c.workspace(), c.operation(), Locking.UNLOCKED,
                    Exemption.NONE));
            this.member = Once.of(() -> {
                Workspace ws = access.get().found().workspace();
                return ws.kind() == WorkspaceKind.DEFAULT
                        ? r.reads().organizationMember(ws.organization(), c.user()).map(m -> Authority.asDefaultWorkspaceMember(ws, m))
                        : r.reads().workspaceMember(ws.id(), c.user());
            });
        }
    }

    /** What listing a user's memberships has found so far. */
    private static final class MembershipsRead {
        final Request request;
        final Command.ListMemberships command;
        final boolean self;
        /** The memberships the caller may see. */
        final Once<Memberships> memberships;

        MembershipsRead(Request r, Command.ListMemberships c) {
            this.request = r;
            this.command = c;
            this.self = r.caller().is(c.user());
            this.memberships = Once.of(this::read);
        }

        /** @return whether the caller sees only its own organizations' memberships */
        boolean filtered() {
            return !self && !request.caller().instance();
        }

        private Memberships read() {
            StoreReads tx = request.reads();
            Caller caller = request.caller();
            List<OrganizationMember> organizations = tx.organizationMembershipsOf(command.user());
            List<WorkspaceMember> workspaces = tx.workspaceMembershipsOf(command.user());
            if (filtered()) {
                // Reachable only where a host lowered the level below instance admin. (One workspace
                // read per listed membership: this is the rare configuration, not the hot path.)
                organizations = organizations.stream()
                        .filter(m -> Authority.inOrganization(tx, caller, m.organization()) != NONE).toList();
                Set<OrganizationId> visible = organizations.stream().map(OrganizationMember::organization)
                        .collect(Collectors.toSet());
                workspaces = workspaces.stream().filter(m -> tx.workspace(m.workspace())
                        .map(w -> visible.contains(w.organization())).orElse(false)).toList();
            }
            return new Memberships(command.user(), organizations, workspaces);
        }
    }
}
