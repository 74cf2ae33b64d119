package org.membership.core;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.membership.api.AuthorityLevel;
import org.membership.api.Command;
import org.membership.api.Invitation;
import org.membership.api.InvitationId;
import org.membership.api.InvitationStatus;
import org.membership.api.MembershipEvent;
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationMember;
import org.membership.api.Reason;
import org.membership.api.Refusal;
import org.membership.api.User;
import org.membership.core.spi.StoreTransaction;

/** Plans the life of an invitation: sending it, accepting it, revoking it. */
final class InvitationPlanner {
    private static final Refusal INSUFFICIENT = Refusal.of(Reason.INSUFFICIENT_AUTHORITY);
    private static final Refusal INVITATION_NOT_FOUND = Refusal.of(Reason.INVITATION_NOT_FOUND);
    private static final Refusal ALREADY_MEMBER = Refusal.of(Reason.ALREADY_MEMBER);
    private static final Refusal ALREADY_INVITED = Refusal.of(Reason.ALREADY_INVITED);

    private InvitationPlanner() {}

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

    static Plan<Invitation> invite(Request req, Command.InviteToOrganization c) {
        StoreTransaction tx = req.tx();
        Instant now = req.now();
        Access.ToOrganization access = new Access.ToOrganization(req, c.organization(), c.operation(), true, false);
        Refusal r;
        if ((r = access.refusal) != null
                || (r = Policies.grantWithinAuthority(access.level, Authority.granted(c.role()))) != null) {
            return Plan.refuse(r);
        }
        OrganizationId org = c.organization();
        User existing = tx.userByEmail(c.email()).orElse(null);
        if (existing != null && tx.organizationMember(org, existing.id()).isPresent()) {
            return Plan.refuse(ALREADY_MEMBER);
        }
        Invitation stale = tx.pendingInvitation(org, c.email()).orElse(null);
        if (stale != null && stale.statusAt(now) == InvitationStatus.PENDING) {
            return Plan.refuse(ALREADY_INVITED);
        }
        return Plan.approve((t, change) -> {
            // Also ends the stale invitation for this email, if any: it expired at or before now.
            t.expireInvitations(org, change.now);
            Invitation invitation = new Invitation(new InvitationId(change.newId()), org, c.email(), c.role(),
                    InvitationStatus.PENDING, change.now, change.now.plus(req.rules().invitationLifetime()));
            t.insertInvitation(invitation);
            change.audit(t, Optional.of(org), "email:" + c.email().value(), "",
                    List.of("invitation:" + invitation.id().value() + " as " + name(c.role())));
            change.publish(new MembershipEvent.InvitationSent(invitation, change.now));
            return invitation;
        });
    }

    static Plan<OrganizationMember> accept(Request req, Command.AcceptInvitation c) {
        StoreTransaction tx = req.tx();
        Caller caller = req.caller();
        Instant now = req.now();
        if (caller.user() == null) {
            return Plan.refuse(INSUFFICIENT);
        }
        Invitation seen = tx.invitation(c.invitation()).orElse(null);
        if (seen == null || !seen.email().equals(caller.user().email())) {
            return Plan.refuse(INVITATION_NOT_FOUND);
        }
        OrganizationId org = seen.organization();
        req.locks().lockOrganization(org);
        Invitation invitation = tx.invitation(c.invitation()).orElseThrow();
        Refusal r;
        if ((r = Policies.sufficientAuthority(Authority.inOrganization(tx, caller, org),
                req.rules().requiredAuthority(c.operation()))) != null
                || (r = Policies.stillPending(invitation, now)) != null
                || (tx.organizationMember(org, caller.user().id()).isPresent() && (r = ALREADY_MEMBER) != null)) {
            return Plan.refuse(r);
        }
        return Plan.approve((t, change) -> {
            t.updateInvitationStatus(invitation.id(), InvitationStatus.ACCEPTED);
            OrganizationMember joined = new OrganizationMember(org, caller.user().id(), invitation.role(), change.now);
            t.insertOrganizationMember(joined);
            change.audit(t, Optional.of(org), "user:" + joined.user().value(), "",
                    List.of("accepted invitation:" + invitation.id().value() + " as " + name(invitation.role())));
            change.publish(new MembershipEvent.InvitationAccepted(invitation.withStatus(InvitationStatus.ACCEPTED),
                    joined.user(), change.now));
            return joined;
        });
    }

    static Plan<Invitation> revoke(Request req, Command.RevokeInvitation c) {
        StoreTransaction tx = req.tx();
        Caller caller = req.caller();
        Instant now = req.now();
        AuthorityLevel required = req.rules().requiredAuthority(c.operation());
        Refusal r;
        if ((r = Policies.instanceGate(required, caller)) != null) {
            return Plan.refuse(r);
        }
        Invitation seen = tx.invitation(c.invitation()).orElse(null);
        if ((r = Policies.exists(seen, INVITATION_NOT_FOUND)) != null) {
            return Plan.refuse(r);
        }
        OrganizationId org = seen.organization();
        if ((r = Policies.inScope(Authority.inOrganization(tx, caller, org), INVITATION_NOT_FOUND)) != null) {
            return Plan.refuse(r);
        }
        req.locks().lockOrganization(org);
        Invitation invitation = tx.invitation(c.invitation()).orElseThrow();
        AuthorityLevel level = Authority.inOrganization(tx, caller, org);
        if ((r = Policies.inScope(level, INVITATION_NOT_FOUND)) != null
                || (r = Policies.sufficientAuthority(level, required)) != null
                || (r = Policies.stillPending(invitation, now)) != null) {
            return Plan.refuse(r);
        }
        Invitation revoked = invitation.withStatus(InvitationStatus.REVOKED);
        return Plan.approve((t, change) -> {
            t.updateInvitationStatus(invitation.id(), InvitationStatus.REVOKED);
            change.audit(t, Optional.of(org), "email:" + invitation.email().value(), c.reason(),
                    List.of("revoked invitation:" + invitation.id().value()));
            change.publish(new MembershipEvent.InvitationRevoked(revoked, change.now));
            return revoked;
        });
    }

    private static String name(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
