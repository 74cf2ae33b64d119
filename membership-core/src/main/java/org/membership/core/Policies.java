package org.membership.core;

import java.time.Instant;
import org.membership.api.AuthorityLevel;
import org.membership.api.Invitation;
import org.membership.api.InvitationStatus;
import org.membership.api.OrganizationAdminRemoval;
import org.membership.api.Reason;
import org.membership.api.Refusal;
import org.membership.api.SelfRemoval;
import org.membership.api.User;
import org.membership.api.UserStatus;
import org.membership.api.Workspace;
import org.membership.api.WorkspaceKind;

/**
 * The rules of the library, one small named function each, numbered as in the specification.
 * Each returns the refusal it imposes, or {@code null} when it lets the command through; the
 * engine asks them in order and stops at the first refusal.
 */
final class Policies {
    private static final Refusal UNAUTHENTICATED = Refusal.of(Reason.UNAUTHENTICATED);
    private static final Refusal NOT_VALIDATED = Refusal.of(Reason.ACCOUNT_NOT_VALIDATED);
    private static final Refusal INSUFFICIENT = Refusal.of(Reason.INSUFFICIENT_AUTHORITY);
    private static final Refusal OUTRANKED = Refusal.of(Reason.OUTRANKED);
    private static final Refusal ORGANIZATION_ADMIN_PROTECTED = Refusal.of(Reason.ORGANIZATION_ADMIN_PROTECTED);
    private static final Refusal SELF = Refusal.of(Reason.SELF_REMOVAL);
    private static final Refusal LAST_ADMIN = Refusal.of(Reason.LAST_ADMIN);
    private static final Refusal DEFAULT_WORKSPACE = Refusal.of(Reason.DEFAULT_WORKSPACE);
    private static final Refusal NOT_PENDING = Refusal.of(Reason.INVITATION_NOT_PENDING);
    private static final Refusal EXPIRED = Refusal.of(Reason.INVITATION_EXPIRED);

    private Policies() {}

    /** Rule 4: an unknown or disabled user is unauthenticated; one not yet validated is refused. */
    static Refusal validActor(User user) {
        if (user == null || user.status() == UserStatus.DISABLED) {
            return UNAUTHENTICATED;
        }
        return user.status() == UserStatus.VALIDATED ? null : NOT_VALIDATED;
    }

    /**
     * Rule 1, asked first when an operation needs instance authority: nobody else may use it, so
     * it is refused before anything is looked up and reveals nothing.
     */
    static Refusal instanceGate(AuthorityLevel required, Caller caller) {
        return required == AuthorityLevel.INSTANCE_ADMIN && !caller.instance() ? INSUFFICIENT : null;
    }

    /**
     * Rule 3: outside its own organizations an actor (other than an instance admin) gets exactly
     * the refusal a missing thing gets.
     */
    static Refusal inScope(AuthorityLevel organizationLevel, Refusal notFound) {
        return organizationLevel == AuthorityLevel.NONE ? notFound : null;
    }

    /** Rule 1: the actor's level must reach the operation's minimum. */
    static Refusal sufficientAuthority(AuthorityLevel actual, AuthorityLevel required) {
        return actual.atLeast(required) ? null : INSUFFICIENT;
    }

    /** Rule 1, for grants: nobody hands out a level above its own. */
    static Refusal grantWithinAuthority(AuthorityLevel actual, AuthorityLevel granted) {
        return actual.atLeast(granted) ? null : INSUFFICIENT;
    }

    /** Rule 7: default-workspace membership follows organization membership and never changes on its own. */
    static Refusal customWorkspaceOnly(Workspace workspace) {
        return workspace.kind() == WorkspaceKind.CUSTOM ? null : DEFAULT_WORKSPACE;
    }

    /** Rule 8: the target must be a member; anything else is not found. */
    static Refusal exists(Object found, Refusal notFound) {
        return found == null ? notFound : null;
    }

    /** Rule 5: no self-removal or self-demotion unless the host allows leaving. */
    static Refusal noSelfRemoval(SelfRemoval rule, boolean self) {
        return self && rule == SelfRemoval.FORBIDDEN ? SELF : null;
    }

    /** Rule 2: nobody removes or demotes someone with more authority in that scope than its own. */
    static Refusal doesNotOutrank(AuthorityLevel actor, AuthorityLevel target) {
        return target.compareTo(actor) > 0 ? OUTRANKED : null;
    }

    /**
     * Rule 2, where the host protects organization admins: below instance authority nobody removes
     * or demotes a target with organization-admin standing, although outranking alone would let an
     * equal do it. A target at that standing is an organization admin (an instance admin ranks
     * higher and was already refused by outranking), since no workspace role reaches it.
     */
    static Refusal organizationAdminProtected(OrganizationAdminRemoval rule, AuthorityLevel actor, AuthorityLevel target) {
        return rule == OrganizationAdminRemoval.BY_INSTANCE_ADMINS_ONLY && !actor.atLeast(AuthorityLevel.INSTANCE_ADMIN)
                && target.atLeast(AuthorityLevel.ORGANIZATION_ADMIN) ? ORGANIZATION_ADMIN_PROTECTED : null;
    }

    /**
     * Rule 6: removing, demoting or disabling a usable admin (an admin whose account is validated)
     * must leave at least one usable admin. A target that is not usable counts for nothing, so
     * losing it never breaks the rule.
     *
     * @param targetIsUsableAdmin whether the target is an admin of the scope and its account is validated
     * @param usableAdmins how many usable admins the scope has, the target included
     */
    static Refusal keepsAUsableAdmin(boolean targetIsUsableAdmin, int usableAdmins) {
        return targetIsUsableAdmin && usableAdmins <= 1 ? LAST_ADMIN : null;
    }

    /**
     * Rule 2, for a change to someone else's membership: the target may not outrank the actor, and
     * where the host protects organization admins, only an instance admin changes theirs.
     */
    static Refusal mayActOn(OrganizationAdminRemoval rule, AuthorityLevel actor, AuthorityLevel target) {
        Refusal r = doesNotOutrank(actor, target);
        return r != null ? r : organizationAdminProtected(rule, actor, target);
    }

    /** Rule 6: an organization starts with a usable admin, so its first admin's account must be validated. */
    static Refusal usableFirstAdmin(User firstAdmin) {
        return firstAdmin.status() == UserStatus.VALIDATED ? null : NOT_VALIDATED;
    }

    /** Rule 9: only a pending, unexpired invitation can be accepted or revoked. */
    static Refusal stillPending(Invitation invitation, Instant now) {
        InvitationStatus status = invitation.statusAt(now);
        if (status == InvitationStatus.EXPIRED) {
            return EXPIRED;
        }
        return status == InvitationStatus.PENDING ? null : NOT_PENDING;
    }
}
