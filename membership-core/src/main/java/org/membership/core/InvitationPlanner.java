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
import org.membership.api.Operation;
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationMember;
import org.membership.api.Reason;
import org.membership.api.Refusal;
import org.membership.api.User;
import org.membership.core.Access.Exemption;
import org.membership.core.Access.Locking;

/**
 * Plans the life of an invitation: sending it, accepting it, revoking it. Each command's policies
 * below, in order, are the precedence of its refusals. Stateless; thread-safe.
 */
final class InvitationPlanner {
    private static final Refusal INSUFFICIENT = Refusal.of(Reason.INSUFFICIENT_AUTHORITY);
    private static final Refusal INVITATION_NOT_FOUND = Refusal.of(Reason.INVITATION_NOT_FOUND);
    private static final Refusal ALREADY_MEMBER = Refusal.of(Reason.ALREADY_MEMBER);
    private static final Refusal ALREADY_INVITED = Refusal.of(Reason.ALREADY_INVITED);

    private InvitationPlanner() {}

    /** Inviting an email to an organization with a role. */
    private static final List<Policy<Sending>> INVITE = List.of(
            Policy.check("the organization: found, in scope, locked, and the caller may invite there (rules 1, 3)",
                    f -> f.access.get().refusal()),
            Policy.check("nobody invites with a role above its own level (rule 1)",
                    f -> Policies.grantWithinAuthority(f.access.get().found().level(), Authority.granted(f.command.role()))),
            Policy.check("the email is not a member's already", f -> Policies.when(f.alreadyMember(), ALREADY_MEMBER)),
            Policy.check("no pending, unexpired invitation has the email (rule 9)",
                    f -> Policies.when(f.stale.get().map(i -> i.statusAt(f.request.now()) == InvitationStatus.PENDING)
                            .orElse(false), ALREADY_INVITED)));

    /** Accepting an invitation: only its invitee may, with a validated account (rule 4), before it expires. */
    private static final List<Policy<Answering>> ACCEPT = List.of(
            Policy.check("only a user accepts an invitation", f -> Policies.when(f.request.caller().user().isEmpty(), INSUFFICIENT)),
            Policy.check("the invitation is addressed to the caller's email; anyone else's is not found (rules 3, 9)",
                    f -> Policies.when(f.seen.get().map(i -> !i.email().equals(f.callerUser().email())).orElse(true),
                            INVITATION_NOT_FOUND)),
            Policy.lock("the invitation's organization; the invitation is read again under the lock", f -> f.underLock.get()),
            Policy.check("the invitation is still there under the lock: its organization was not deleted meanwhile (rule 3)",
                    f -> Policies.exists(f.underLock.get(), INVITATION_NOT_FOUND)),
            Policy.check("the caller's authority in the organization reaches the minimum (rule 1)",
                    f -> Policies.sufficientAuthority(f.levelUnderLock.get(), f.required())),
            Policy.check("the invitation is still pending and unexpired (rule 9)",
                    f -> Policies.stillPending(f.invitation(), f.request.now())),
            Policy.check("the caller is not a member already",
                    f -> Policies.when(f.request.reads().organizationMember(f.organization(), f.callerUser().id()).isPresent(),
                            ALREADY_MEMBER)));

    /** Revoking a pending invitation. */
    private static final List<Policy<Answering>> REVOKE = List.of(
            Policy.check("an operation that needs instance authority refuses everyone else first (rule 1)",
                    f -> Policies.instanceGate(f.required(), f.request.caller())),
            Policy.check("the invitation exists (rule 3)", f -> Policies.exists(f.seen.get(), INVITATION_NOT_FOUND)),
            Policy.check("the invitation is in the caller's scope (rule 3)",
                    f -> Policies.inScope(Authority.inOrganization(f.request.reads(), f.request.caller(), f.organization()),
                            INVITATION_NOT_FOUND)),
            Policy.lock("the invitation's organization; the invitation is read again under the lock", f -> f.underLock.get()),
            Policy.check("the invitation is still there under the lock: its organization was not deleted meanwhile (rule 3)",
                    f -> Policies.exists(f.underLock.get(), INVITATION_NOT_FOUND)),
            Policy.check("still in the caller's scope under the lock (rule 3)",
                    f -> Policies.inScope(f.levelUnderLock.get(), INVITATION_NOT_FOUND)),
            Policy.check("the caller's authority in the organization reaches the minimum (rule 1)",
                    f -> Policies.sufficientAuthority(f.levelUnderLock.get(), f.required())),
            Policy.check("the invitation is still pending and unexpired (rule 9)",
                    f -> Policies.stillPending(f.invitation(), f.request.now())));

    /*
     * Recording expiry. An invitation past its expiry is expired in meaning at once (statusAt), but
     * until something stores that, its row stays in the pending index that listing walks in id
     * order, skipping it; left alone, those rows would pile up for ever and every listing page
     * would cost more the longer an organization has been inviting people (SPEC section 6).
     *
     * So every invitation sent first expires, in the same locked transaction, every pending
     * invitation of that organization whose expiry is at or before now. Inviting is the only
     * change that adds pending rows, which is why this one place bounds them: right after an
     * invitation is sent, no pending row of its organization is past its expiry; until the next
     * one is sent, the only rows that can lapse are those that were live at that moment. So at any
     * time the rows a listing skips are at most the invitations the organization had pending at
     * its last invitation (those sent within one lifetime before it) -- never its history and
     * never its membership. Each row is expired once, through an index on (organization, expiry),
     * so the sweep's own cost is one index probe plus the rows it ends, paid by the invitations
     * that created them.
     *
     * Sweeping elsewhere as well would not change that bound in kind. Accepting, revoking and
     * removing by email only end pending rows; sweeping there too would add a statement to three
     * more changes and shorten the stale window only when they happen to follow the last
     * invitation. Listing is a read: sweeping there would turn every listing into a locked write
     * (on SQLite, the one write lock of the whole file). What remains is the burst: an
     * organization that sends N invitations and then none while they all lapse leaves N stale rows
     * for listing to skip until it invites again -- bounded by what it sent within one lifetime.
     *
     * Expiry writes no audit entry and publishes no event: nobody made that change, and the
     * invitation was already expired for every rule and every reader before its row said so. The
     * invitation's own audit entry and InvitationSent event are unchanged.
     */

    static Plan<Invitation> invite(Request r, Command.InviteToOrganization c) {
        return Plan.decide(INVITE, new Sending(r, c), f -> (t, change) -> {
            OrganizationId org = c.organization();
            // Also ends the stale invitation for this email, if any: it expired at or before now.
            t.expireInvitations(org, change.now);
            Invitation invitation = new Invitation(new InvitationId(change.newId()), org, c.email(), c.role(),
                    InvitationStatus.PENDING, change.now, change.now.plus(r.rules().invitationLifetime()));
            t.insertInvitation(invitation);
            change.audit(t, Optional.of(org), new AuditDetail.InvitationSent(invitation.id(), c.email(), c.role()), "");
            change.publish(new MembershipEvent.InvitationSent(invitation, change.now));
            return invitation;
        });
    }

    static Plan<OrganizationMember> accept(Request r, Command.AcceptInvitation c) {
        return Plan.decide(ACCEPT, new Answering(r, c.invitation(), c.operation()), f -> {
            Invitation invitation = f.invitation();
            OrganizationId org = f.organization();
            User caller = f.callerUser();
            return (t, change) -> {
                t.updateInvitationStatus(invitation.id(), InvitationStatus.ACCEPTED);
                OrganizationMember joined = new OrganizationMember(org, caller.id(), invitation.role(), change.now);
                t.insertOrganizationMember(joined);
                change.audit(t, Optional.of(org),
                        new AuditDetail.InvitationAccepted(invitation.id(), joined.user(), invitation.role()), "");
                change.publish(new MembershipEvent.InvitationAccepted(invitation.withStoredStatus(InvitationStatus.ACCEPTED),
                        joined.user(), change.now));
                return joined;
            };
        });
    }

    static Plan<Invitation> revoke(Request r, Command.RevokeInvitation c) {
        return Plan.decide(REVOKE, new Answering(r, c.invitation(), c.operation()), f -> {
            Invitation invitation = f.invitation();
            Invitation revoked = invitation.withStoredStatus(InvitationStatus.REVOKED);
            return (t, change) -> {
                t.updateInvitationStatus(invitation.id(), InvitationStatus.REVOKED);
                change.audit(t, Optional.of(invitation.organization()),
                        new AuditDetail.InvitationRevoked(invitation.id(), invitation.email()), c.reason());
                change.publish(new MembershipEvent.InvitationRevoked(revoked, change.now));
                return revoked;
            };
        });
    }

    /** What sending an invitation has found so far, each fact read when first asked. */
    private static final class Sending {
        final Request request;
        final Command.InviteToOrganization command;
        final Once<Gate<Access.ToOrganization>> access;
        /** The stored-pending invitation for the email, expired or not. */
        final Once<Optional<Invitation>> stale;

        Sending(Request r, Command.InviteToOrganization c) {
            this.request = r;
            this.command = c;
            this.access = Once.of(() -> Access.organization(r, c.organization(), c.operation(), Locking.LOCKED,
                    Exemption.NONE));
            this.stale = Once.of(() -> r.reads().pendingInvitation(c.organization(), c.email()));
        }

        boolean alreadyMember() {
            return request.reads().userByEmail(command.email())
                    .map(u -> request.reads().organizationMember(command.organization(), u.id()).isPresent())
                    .orElse(false);
        }
    }

    /** What answering an invitation (accepting or revoking it) has found so far, each fact read when first asked. */
    private static final class Answering {
        final Request request;
        private final InvitationId id;
        private final Operation operation;
        /** The invitation as read before the lock. */
        final Once<Optional<Invitation>> seen;
        /** The invitation as read under the organization's lock (gone if the organization was deleted): reading it takes the lock. */
        final Once<Optional<Invitation>> underLock;
        /** The caller's authority in the organization, read under its lock. */
        final Once<AuthorityLevel> levelUnderLock;

        Answering(Request r, InvitationId id, Operation operation) {
            this.request = r;
            this.id = id;
            this.operation = operation;
            this.seen = Once.of(() -> r.reads().invitation(id));
            this.underLock = Once.of(this::lockAndRead);
            this.levelUnderLock = Once.of(() -> Authority.inOrganization(r.reads(), r.caller(), organization()));
        }

        AuthorityLevel required() {
            return request.rules().requiredAuthority(operation);
        }

        OrganizationId organization() {
            return seen.get().orElseThrow(() -> new IllegalStateException("no policy found the invitation"))
                    .organization();
        }

        User callerUser() {
            return request.caller().user().orElseThrow(() -> new IllegalStateException("no policy found a user"));
        }

        private Optional<Invitation> lockAndRead() {
            request.locks().lockOrganization(organization());
            return request.reads().invitation(id);
        }

        /** @return the invitation as read under the lock, once a policy found it there */
        Invitation invitation() {
            return underLock.get().orElseThrow(() -> new IllegalStateException("no policy found the invitation under the lock"));
        }
    }
}
