package org.membership.core;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.membership.api.AuthorityLevel;
import org.membership.api.Command;
import org.membership.api.Invitation;
import org.membership.api.Operation;
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationMember;
import org.membership.api.OrganizationUser;
import org.membership.api.Page;
import org.membership.api.Reason;
import org.membership.api.Refusal;
import org.membership.api.User;
import org.membership.core.Access.Exemption;
import org.membership.core.Access.Locking;
import org.membership.core.spi.StoreReads;

/**
 * Plans the directory reads: one organization member or a page of them with their accounts, one
 * invitation, and one user's account by id or by email. Reads take no lock. Each command's policies
 * below, in order, are the precedence of its refusals; a list read reads its page only once every
 * policy passed, and a dry run never does. Stateless; thread-safe.
 */
final class DirectoryPlanner {
    private static final Refusal USER_NOT_FOUND = Refusal.of(Reason.USER_NOT_FOUND);
    private static final Refusal MEMBER_NOT_FOUND = Refusal.of(Reason.MEMBER_NOT_FOUND);
    private static final Refusal INVITATION_NOT_FOUND = Refusal.of(Reason.INVITATION_NOT_FOUND);

    private DirectoryPlanner() {}

    /** Reading one organization member. */
    private static final List<Policy<MemberRead>> GET_MEMBER = List.of(
            Policy.check("the organization: found, in scope, and the caller may read there (rules 1, 3)",
                    f -> f.access.get().refusal()),
            Policy.check("the user is a member of the organization (rule 8)", f -> Policies.exists(f.member.get(), MEMBER_NOT_FOUND)));

    /** Listing an organization's members. */
    private static final List<Policy<Gate<Access.ToOrganization>>> LIST_MEMBERS = List.of(
            Policy.check("the organization: found, in scope, and the caller may read there (rules 1, 3)", Gate::refusal));

    /** Reading one invitation. */
    private static final List<Policy<InvitationRead>> GET_INVITATION = List.of(
            Policy.check("an operation that needs instance authority refuses everyone else first (rule 1)",
                    f -> Policies.instanceGate(f.required(), f.request.caller())),
            Policy.check("the invitation exists (rule 3)", f -> Policies.exists(f.invitation.get(), INVITATION_NOT_FOUND)),
            Policy.check("the invitation is in the caller's scope (rule 3)",
                    f -> Policies.inScope(f.level.get(), INVITATION_NOT_FOUND)),
            Policy.check("the caller's authority in the invitation's organization reaches the minimum (rule 1)",
                    f -> Policies.sufficientAuthority(f.level.get(), f.required())));

    /** Reading a user's account, by id or by email. */
    private static final List<Policy<UserRead>> GET_USER = List.of(
            Policy.check("the user itself may always read its own account; anyone else meets rule 1's instance gate first",
                    f -> f.self() ? Optional.empty() : Policies.instanceGate(f.required(), f.request.caller())),
            Policy.check("the user is known", f -> Policies.exists(f.target.get(), USER_NOT_FOUND)),
            Policy.check("below instance authority, a user who shares no organization with the caller is not found (rule 3)",
                    f -> f.self() ? Optional.empty() : Policies.inScope(f.level.get(), USER_NOT_FOUND)),
            Policy.check("the caller's authority, the highest in the organizations it shares with the user, reaches the"
                    + " minimum (rule 1)", f -> f.self() ? Optional.empty() : Policies.sufficientAuthority(f.level.get(), f.required())));

    static Plan<OrganizationUser> organizationMember(Request r, Command.GetOrganizationMember c) {
        return Plan.answer(GET_MEMBER, new MemberRead(r, c), f -> {
            OrganizationMember member = f.member.get().orElseThrow();
            return reads -> new OrganizationUser(member, reads.user(member.user())
                    .orElseThrow(() -> new IllegalStateException("a member has an account")));
        });
    }

    static Plan<Page<OrganizationUser>> organizationMembers(Request r, Command.ListOrganizationMembers c) {
        Gate<Access.ToOrganization> access = Access.organization(r, c.organization(), c.operation(), Locking.UNLOCKED,
                Exemption.NONE);
        return Plan.answer(LIST_MEMBERS, access, a -> reads -> Paging.page(
                reads.organizationUsers(c.organization(), c.role(), Paging.slice(c.page())), c.page(),
                u -> u.user().id().value()));
    }

    static Plan<Invitation> invitation(Request r, Command.GetInvitation c) {
        return Plan.answer(GET_INVITATION, new InvitationRead(r, c), f -> {
            Invitation found = f.invitation.get().orElseThrow();
            return reads -> found;
        });
    }

    static Plan<User> user(Request r, Command.GetUser c) {
        return Plan.answer(GET_USER, new UserRead(r, c.operation(), () -> r.reads().user(c.user()),
                r.caller().is(c.user())), f -> answer(f));
    }

    static Plan<User> userByEmail(Request r, Command.FindUserByEmail c) {
        boolean self = r.caller().user().map(u -> u.email().equals(c.email())).orElse(false);
        return Plan.answer(GET_USER, new UserRead(r, c.operation(), () -> r.reads().userByEmail(c.email()), self),
                f -> answer(f));
    }

    private static Plan.Answer<User> answer(UserRead f) {
        User found = f.target.get().orElseThrow();
        return reads -> found;
    }

    /** What reading one organization member has found so far, each fact read when first asked. */
    private static final class MemberRead {
        final Once<Gate<Access.ToOrganization>> access;
        final Once<Optional<OrganizationMember>> member;

        MemberRead(Request r, Command.GetOrganizationMember c) {
            this.access = Once.of(() -> Access.organization(r, c.organization(), c.operation(), Locking.UNLOCKED,
                    Exemption.NONE));
            this.member = Once.of(() -> r.reads().organizationMember(c.organization(), c.user()));
        }
    }

    /** What reading one invitation has found so far. */
    private static final class InvitationRead {
        final Request request;
        final Operation operation;
        final Once<Optional<Invitation>> invitation;
        /** The caller's authority in the invitation's organization. */
        final Once<AuthorityLevel> level;

        InvitationRead(Request r, Command.GetInvitation c) {
            this.request = r;
            this.operation = c.operation();
            this.invitation = Once.of(() -> r.reads().invitation(c.invitation()));
            this.level = Once.of(() -> Authority.inOrganization(r.reads(), r.caller(),
                    invitation.get().orElseThrow().organization()));
        }

        AuthorityLevel required() {
            return request.rules().requiredAuthority(operation);
        }
    }

    /** What reading one user's account has found so far. */
    private static final class UserRead {
        final Request request;
        final Operation operation;
        final Once<Optional<User>> target;
        /** The caller's highest authority in the organizations it shares with the user; NONE if it shares none. */
        final Once<AuthorityLevel> level;
        private final boolean self;

        UserRead(Request r, Operation operation, java.util.function.Supplier<Optional<User>> lookup, boolean self) {
            this.request = r;
            this.operation = operation;
            this.self = self;
            this.target = Once.of(lookup);
            this.level = Once.of(() -> shared(r, target.get().orElseThrow()));
        }

        boolean self() {
            return self;
        }

        AuthorityLevel required() {
            return request.rules().requiredAuthority(operation);
        }

        /**
         * The caller's level over a user: instance authority reaches everyone; a key, the members of its
         * organization; a user, the members of the organizations it belongs to, at its role there. Two
         * reads at most (the target's memberships and the caller's), whatever either belongs to.
         */
        private static AuthorityLevel shared(Request r, User target) {
            Caller caller = r.caller();
            if (caller.instance()) {
                return AuthorityLevel.INSTANCE_ADMIN;
            }
            StoreReads tx = r.reads();
            List<OrganizationMember> theirs = tx.organizationMembershipsOf(target.id());
            if (caller.keyOrganization().isPresent()) {
                OrganizationId key = caller.keyOrganization().get();
                return theirs.stream().anyMatch(m -> m.organization().equals(key))
                        ? AuthorityLevel.ORGANIZATION_ADMIN : AuthorityLevel.NONE;
            }
            if (theirs.isEmpty()) {
                return AuthorityLevel.NONE;
            }
            Map<OrganizationId, AuthorityLevel> mine = new HashMap<>();
            for (OrganizationMember m : tx.organizationMembershipsOf(caller.user().orElseThrow().id())) {
                mine.put(m.organization(), Authority.of(m));
            }
            AuthorityLevel best = AuthorityLevel.NONE;
            for (OrganizationMember m : theirs) {
                AuthorityLevel level = mine.getOrDefault(m.organization(), AuthorityLevel.NONE);
                best = level.compareTo(best) > 0 ? level : best;
            }
            return best;
        }
    }
}
