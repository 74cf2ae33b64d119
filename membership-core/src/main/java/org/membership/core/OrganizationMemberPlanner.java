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
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationMember;
import org.membership.api.OrganizationRole;
import org.membership.api.OrganizationUserRemoval;
import org.membership.api.Reason;
import org.membership.api.Refusal;
import org.membership.api.SelfRemoval;
import org.membership.api.User;
import org.membership.api.UserId;
import org.membership.api.WorkspaceId;
import org.membership.core.Access.Exemption;
import org.membership.core.Access.Locking;
import org.membership.core.spi.StoreReads;
import org.membership.core.spi.StoreWrites;

/**
 * Plans the direct changes to an organization's members that provisioning, SCIM and admin consoles
 * make: adding an existing user, changing a member's organization role, removing a member by id, and
 * a member leaving. Each command's policies below, in order, are the precedence of its refusals.
 * Stateless; thread-safe.
 */
final class OrganizationMemberPlanner {
    private static final Refusal USER_NOT_FOUND = Refusal.of(Reason.USER_NOT_FOUND);
    private static final Refusal MEMBER_NOT_FOUND = Refusal.of(Reason.MEMBER_NOT_FOUND);
    private static final Refusal ALREADY_MEMBER = Refusal.of(Reason.ALREADY_MEMBER);
    private static final Refusal INSUFFICIENT = Refusal.of(Reason.INSUFFICIENT_AUTHORITY);

    private OrganizationMemberPlanner() {}

    /** Adding an existing user to an organization directly. */
    private static final List<Policy<MemberFacts>> ADD = List.of(
            Policy.check("the organization: found, in scope, locked, and the caller may add members there (rules 1, 3)",
                    f -> f.access.get().refusal()),
            Policy.check("the user is known and, below instance authority, belongs to no organization outside the"
                    + " caller's only; anyone else is not found (rule 3)", f -> f.visibleToAdd()),
            Policy.check("the user is not a member already", f -> Policies.when(f.member.get().isPresent(), ALREADY_MEMBER)),
            Policy.check("nobody grants a role above its own level (rule 1)",
                    f -> Policies.grantWithinAuthority(f.level(), Authority.granted(f.role.orElseThrow()))));

    /** Changing a member's organization role. */
    private static final List<Policy<MemberFacts>> CHANGE_ROLE = List.of(
            Policy.check("the organization: found, in scope, locked, and the caller may change roles there (rules 1, 3)",
                    f -> f.access.get().refusal()),
            Policy.check("the user is a member of the organization (rule 8)", f -> Policies.exists(f.member.get(), MEMBER_NOT_FOUND)),
            Policy.check("nobody demotes itself from admin, unless the host lets it leave (rule 5)",
                    f -> Policies.noSelfRemoval(f.rules().selfRemoval(), f.self && f.isDemotion())),
            Policy.check("nobody changes higher authority, nor a protected organization admin (rule 2)",
                    f -> f.self ? Optional.empty() : f.mayActOnMember()),
            Policy.check("nobody grants a role above its own level (rule 1)",
                    f -> Policies.grantWithinAuthority(f.level(), Authority.granted(f.role.orElseThrow()))),
            Policy.check("an unchanged role changes nothing; a demotion leaves the organization a usable admin (rule 6)",
                    f -> f.unchanged() ? Optional.empty() : LastAdmin.keepsOrganizationAdmin(f.reads(), f.theMember(), f.account())));

    /** Removing a member by id: the membership and its cascade, as removing it by email would. */
    private static final List<Policy<MemberFacts>> REMOVE = List.of(
            Policy.check("the organization: found, in scope, locked, and the caller may remove there, unless leaving (rules 1, 3)",
                    f -> f.access.get().refusal()),
            Policy.check("the user is a member of the organization (rule 8)", f -> Policies.exists(f.member.get(), MEMBER_NOT_FOUND)),
            Policy.check("nobody removes itself, unless the host lets it leave (rule 5)",
                    f -> Policies.noSelfRemoval(f.rules().selfRemoval(), f.self)),
            Policy.check("nobody removes higher authority, nor a protected organization admin (rule 2)",
                    f -> f.self ? Optional.empty() : f.mayActOnMember()),
            Policy.check("the organization keeps a usable admin (rule 6)",
                    f -> LastAdmin.keepsOrganizationAdmin(f.reads(), f.theMember(), f.account())),
            Policy.check("every custom workspace the member leaves keeps a usable admin (rule 6)",
                    f -> LastAdmin.keepsWorkspaceAdminsWithout(f.reads(), f.theMember(), f.account())));

    /** Leaving an organization: the caller removes itself. */
    private static final List<Policy<MemberFacts>> LEAVE = List.of(
            Policy.check("only a user leaves an organization", f -> Policies.when(f.request.caller().user().isEmpty(), INSUFFICIENT)),
            Policy.check("the organization: found, in scope, locked, and the caller's authority reaches the minimum (rules 1, 3)",
                    f -> f.access.get().refusal()),
            Policy.check("the caller is a member of the organization (rule 8)", f -> Policies.exists(f.member.get(), MEMBER_NOT_FOUND)),
            Policy.check("nobody leaves unless the host lets it (rule 5)", f -> Policies.noSelfRemoval(f.rules().selfRemoval(), true)),
            Policy.check("the organization keeps a usable admin (rule 6)",
                    f -> LastAdmin.keepsOrganizationAdmin(f.reads(), f.theMember(), f.account())),
            Policy.check("every custom workspace the caller leaves keeps a usable admin (rule 6)",
                    f -> LastAdmin.keepsWorkspaceAdminsWithout(f.reads(), f.theMember(), f.account())));

    static Plan<OrganizationMember> add(Request r, Command.AddOrganizationMember c) {
        MemberFacts facts = new MemberFacts(r, c.organization(), c.user(), Optional.of(c.role()), c.operation(), Exemption.NONE);
        return Plan.decide(ADD, facts, f -> {
            OrganizationId org = c.organization();
            Optional<Invitation> pending = f.pendingInvitation();
            return (t, change) -> {
                OrganizationMember added = new OrganizationMember(org, c.user(), c.role(), change.now);
                t.insertOrganizationMember(added);
                Optional<InvitationId> revoked = pending.map(Invitation::id);
                revoked.ifPresent(i -> t.updateInvitationStatus(i, InvitationStatus.REVOKED));
                change.audit(t, Optional.of(org), new AuditDetail.AddedToOrganization(c.user(), c.role(), revoked), "");
                change.publish(new MembershipEvent.OrganizationMemberAdded(added, revoked, change.now));
                return added;
            };
        });
    }

    static Plan<OrganizationMember> changeRole(Request r, Command.ChangeOrganizationRole c) {
        MemberFacts facts = new MemberFacts(r, c.organization(), c.user(), Optional.of(c.role()), c.operation(), Exemption.NONE);
        return Plan.decide(CHANGE_ROLE, facts, f -> {
            OrganizationMember target = f.theMember();
            if (f.unchanged()) {
                return (t, change) -> target;
            }
            OrganizationMember changed = new OrganizationMember(target.organization(), target.user(), c.role(), target.since());
            return (t, change) -> {
                t.updateOrganizationRole(target.organization(), target.user(), c.role());
                change.audit(t, Optional.of(target.organization()),
                        new AuditDetail.OrganizationRoleChanged(target.user(), target.role(), c.role()), "");
                change.publish(new MembershipEvent.OrganizationRoleChanged(target.organization(), target.user(),
                        target.role(), c.role(), change.now));
                return changed;
            };
        });
    }

    static Plan<OrganizationUserRemoval.MemberRemoved> remove(Request r, Command.RemoveOrganizationMember c) {
        boolean self = r.caller().is(c.user());
        boolean leaving = self && r.rules().selfRemoval() == SelfRemoval.ALLOWED_WHILE_ANOTHER_ADMIN_REMAINS;
        MemberFacts facts = new MemberFacts(r, c.organization(), c.user(), Optional.empty(), c.operation(),
                leaving ? Exemption.LEAVING : Exemption.NONE);
        return Plan.decide(REMOVE, facts, f -> removal(f, c.reason()));
    }

    static Plan<OrganizationUserRemoval.MemberRemoved> leave(Request r, Command.LeaveOrganization c) {
        Optional<UserId> caller = r.caller().user().map(User::id);
        // A key has no membership to leave; the first policy refuses it before anything is read.
        MemberFacts facts = new MemberFacts(r, c.organization(), caller.orElse(UserId.of("key")), Optional.empty(),
                c.operation(), Exemption.NONE);
        return Plan.decide(LEAVE, facts, f -> removal(f, c.reason()));
    }

    /** The removal of a member with its cascade, as removing it by email carries it out. */
    private static Plan.Effect<OrganizationUserRemoval.MemberRemoved> removal(MemberFacts f, String reason) {
        OrganizationMember member = f.theMember();
        User account = f.account();
        Optional<Invitation> pending = f.pendingInvitation();
        return (t, change) -> {
            OrganizationId org = member.organization();
            List<WorkspaceId> workspaces = t.deleteWorkspaceMembershipsIn(org, member.user());
            t.deleteOrganizationMember(org, member.user());
            Optional<Invitation> revoked = revoke(t, pending);
            Optional<InvitationId> revokedId = revoked.map(Invitation::id);
            change.audit(t, Optional.of(org),
                    new AuditDetail.RemovedFromOrganization(account.email(), member.user(), workspaces, revokedId), reason);
            change.publish(new MembershipEvent.OrganizationMemberRemoved(org, member.user(), workspaces, revokedId,
                    change.now));
            return new OrganizationUserRemoval.MemberRemoved(member, workspaces, revoked);
        };
    }

    private static Optional<Invitation> revoke(StoreWrites t, Optional<Invitation> pending) {
        pending.ifPresent(i -> t.updateInvitationStatus(i.id(), InvitationStatus.REVOKED));
        return pending.map(i -> i.withStoredStatus(InvitationStatus.REVOKED));
    }

    /** What a change to one user's organization membership has found so far, each fact read when first asked. */
    private static final class MemberFacts {
        final Request request;
        final boolean self;
        /** The role the command gives; empty for a removal. */
        final Optional<OrganizationRole> role;
        final Once<Gate<Access.ToOrganization>> access;
        /** The user's membership of the organization. */
        final Once<Optional<OrganizationMember>> member;
        /** The user's account. */
        final Once<Optional<User>> user;
        private final OrganizationId organization;

        MemberFacts(Request r, OrganizationId organization, UserId user, Optional<OrganizationRole> role,
                    Operation operation, Exemption exemption) {
            this.request = r;
            this.organization = organization;
            this.self = r.caller().is(user);
            this.role = role;
            this.access = Once.of(() -> Access.organization(r, organization, operation, Locking.LOCKED, exemption));
            this.member = Once.of(() -> r.reads().organizationMember(organization, user));
            this.user = Once.of(() -> r.reads().user(user));
        }

        StoreReads reads() {
            return request.reads();
        }

        MembershipRules rules() {
            return request.rules();
        }

        AuthorityLevel level() {
            return access.get().found().level();
        }

        /** @return the member, once a policy has found it */
        OrganizationMember theMember() {
            return member.get().orElseThrow(() -> new IllegalStateException("no policy found the member"));
        }

        /** @return the user's account, which a member always has */
        User account() {
            return user.get().orElseThrow(() -> new IllegalStateException("a member has an account"));
        }

        boolean isDemotion() {
            return theMember().role() == OrganizationRole.ADMIN && role.orElseThrow() != OrganizationRole.ADMIN;
        }

        boolean unchanged() {
            return theMember().role() == role.orElseThrow();
        }

        Optional<Refusal> mayActOnMember() {
            return Policies.mayActOn(rules().organizationAdminRemoval(), level(), Authority.ofMember(account(), theMember()));
        }

        /**
         * Rule 3 for a user about to join: an instance admin reaches any account. Anyone else reaches an
         * account in no organization, or one that shares an organization with it; an account that belongs
         * only to organizations outside the caller's is not found, exactly as an unknown id is.
         */
        Optional<Refusal> visibleToAdd() {
            Optional<User> account = user.get();
            if (account.isEmpty()) {
                return Optional.of(USER_NOT_FOUND);
            }
            if (request.caller().instance()) {
                return Optional.empty();
            }
            List<OrganizationMember> theirs = reads().organizationMembershipsOf(account.get().id());
            boolean shares = theirs.isEmpty() || theirs.stream()
                    .anyMatch(m -> Authority.inOrganization(reads(), request.caller(), m.organization()) != AuthorityLevel.NONE);
            return Policies.when(!shares, USER_NOT_FOUND);
        }

        /** @return the pending, unexpired invitation for the user's email in the organization, if any */
        Optional<Invitation> pendingInvitation() {
            return reads().pendingInvitation(organization, user.get().orElseThrow().email())
                    .filter(i -> i.statusAt(request.now()) == InvitationStatus.PENDING);
        }
    }
}
