package org.membership.core;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
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
 * The rules of the library, one small named function each, numbered as in the specification, and
 * the one function that runs a command's policies in order. Each rule answers with the refusal it
 * imposes, or with nothing when it lets the command through. Stateless; thread-safe.
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

    /**
     * Runs a command's policies in their order and stops at the first refusal: the one function every
     * decision goes through.
     *
     * @return the first refusal, or empty if every policy let the command through
     */
    static <F> Optional<Refusal> firstRefusal(List<Policy<F>> policies, F facts) {
        for (Policy<F> policy : policies) {
            Optional<Refusal> refusal = policy.test().apply(facts);
            if (refusal.isPresent()) {
                return refusal;
            }
        }
        return Optional.empty();
    }

    /** @return {@code refusal} where {@code refused} holds, else nothing */
    static Optional<Refusal> when(boolean refused, Refusal refusal) {
        return refused ? Optional.of(refusal) : Optional.empty();
    }

    /** Rule 4: an unknown or disabled user is unauthenticated; one not yet validated is refused. */
    static Optional<Refusal> validActor(Optional<User> user) {
        if (user.isEmpty() || user.get().status() == UserStatus.DISABLED) {
            return Optional.of(UNAUTHENTICATED);
        }
        return when(user.get().status() != UserStatus.VALIDATED, NOT_VALIDATED);
    }

    /**
     * Rule 1, asked first when an operation needs instance authority: nobody else may use it, so
     * it is refused before anything is looked up and reveals nothing.
     */
    static Optional<Refusal> instanceGate(AuthorityLevel required, Caller caller) {
        return when(required == AuthorityLevel.INSTANCE_ADMIN && !caller.instance(), INSUFFICIENT);
    }

    /**
     * Rule 3: outside its own organizations an actor (other than an instance admin) gets exactly
     * the refusal a missing thing gets.
     */
    static Optional<Refusal> inScope(AuthorityLevel organizationLevel, Refusal notFound) {
        return when(organizationLevel == AuthorityLevel.NONE, notFound);
    }

    /** Rule 1: the actor's level must reach the operation's minimum. */
    static Optional<Refusal> sufficientAuthority(AuthorityLevel actual, AuthorityLevel required) {
        return when(!actual.atLeast(required), INSUFFICIENT);
    }

    /** Rule 1, for grants: nobody hands out a level above its own. */
    static Optional<Refusal> grantWithinAuthority(AuthorityLevel actual, AuthorityLevel granted) {
        return when(!actual.atLeast(granted), INSUFFICIENT);
    }

    /** Rule 7: default-workspace membership follows organization membership and never changes on its own. */
    static Optional<Refusal> customWorkspaceOnly(Workspace workspace) {
        return when(workspace.kind() != WorkspaceKind.CUSTOM, DEFAULT_WORKSPACE);
    }

    /** Rules 3 and 8: what a command acts on must exist (and be in scope); anything else is not found. */
    static Optional<Refusal> exists(Optional<?> found, Refusal notFound) {
        return when(found.isEmpty(), notFound);
    }

    /** Rule 5: no self-removal or self-demotion unless the host allows leaving. */
    static Optional<Refusal> noSelfRemoval(SelfRemoval rule, boolean self) {
        return when(self && rule == SelfRemoval.FORBIDDEN, SELF);
    }

    /** Rule 2: nobody removes or demotes someone with more authority in that scope than its own. */
    static Optional<Refusal> doesNotOutrank(AuthorityLevel actor, AuthorityLevel target) {
        return when(target.compareTo(actor) > 0, OUTRANKED);
    }

    /**
     * Rule 2, where the host protects organization admins: below instance authority nobody removes
     * or demotes a target with organization-admin standing, although outranking alone would let an
     * equal do it. A target at that standing is an organization admin (an instance admin ranks
     * higher and was already refused by outranking), since no workspace role reaches it.
     */
    static Optional<Refusal> organizationAdminProtected(OrganizationAdminRemoval rule, AuthorityLevel actor,
                                                        AuthorityLevel target) {
        return when(rule == OrganizationAdminRemoval.BY_INSTANCE_ADMINS_ONLY && !actor.atLeast(AuthorityLevel.INSTANCE_ADMIN)
                && target.atLeast(AuthorityLevel.ORGANIZATION_ADMIN), ORGANIZATION_ADMIN_PROTECTED);
    }

    /**
     * Rule 2, for a change to someone else's membership: the target may not outrank the actor, and
     * where the host protects organization admins, only an instance admin changes theirs.
     */
    static Optional<Refusal> mayActOn(OrganizationAdminRemoval rule, AuthorityLevel actor, AuthorityLevel target) {
        return doesNotOutrank(actor, target).or(() -> organizationAdminProtected(rule, actor, target));
    }

    /**
     * Rule 6: removing, demoting or disabling a usable admin (an admin whose account is validated)
     * must leave at least one usable admin. A target that is not usable counts for nothing, so
     * losing it never breaks the rule.
     *
     * @param targetIsUsableAdmin whether the target is an admin of the scope and its account is validated
     * @param usableAdmins how many usable admins the scope has, the target included
     */
    static Optional<Refusal> keepsAUsableAdmin(boolean targetIsUsableAdmin, int usableAdmins) {
        return when(targetIsUsableAdmin && usableAdmins <= 1, LAST_ADMIN);
    }

    /** Rule 6: an organization starts with a usable admin, so its first admin's account must be validated. */
    static Optional<Refusal> usableFirstAdmin(User firstAdmin) {
        return when(firstAdmin.status() != UserStatus.VALIDATED, NOT_VALIDATED);
    }

    /** Rule 9: only a pending, unexpired invitation can be accepted or revoked. */
    static Optional<Refusal> stillPending(Invitation invitation, Instant now) {
        InvitationStatus status = invitation.statusAt(now);
        if (status == InvitationStatus.EXPIRED) {
            return Optional.of(EXPIRED);
        }
        return when(status != InvitationStatus.PENDING, NOT_PENDING);
    }
}
