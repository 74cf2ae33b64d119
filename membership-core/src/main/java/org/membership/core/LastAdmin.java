package org.membership.core;

import java.util.Optional;
import org.membership.api.OrganizationMember;
import org.membership.api.OrganizationRole;
import org.membership.api.Refusal;
import org.membership.api.User;
import org.membership.api.UserId;
import org.membership.api.UserStatus;
import org.membership.api.WorkspaceMember;
import org.membership.api.WorkspaceRole;
import org.membership.core.spi.StoreReads;

/** Rule 6 where it needs the store: whether losing an admin leaves a usable one. */
final class LastAdmin {
    private LastAdmin() {}

    /** Rule 6 for a workspace membership about to go or lose its admin role. */
    static Optional<Refusal> keepsWorkspaceAdmin(StoreReads tx, WorkspaceMember target) {
        return keepsWorkspaceAdmin(tx, target, target.role() == WorkspaceRole.ADMIN && usable(tx, target.user()));
    }

    static Optional<Refusal> keepsWorkspaceAdmin(StoreReads tx, WorkspaceMember target, boolean targetUsable) {
        boolean usableAdmin = targetUsable && target.role() == WorkspaceRole.ADMIN;
        return Policies.keepsAUsableAdmin(usableAdmin, usableAdmin ? tx.countWorkspaceAdmins(target.workspace()) : 0);
    }

    /** @return whether the user's account is validated: only such an admin can act, so only it counts for rule 6 */
    static boolean usable(StoreReads tx, UserId user) {
        return tx.user(user).map(u -> u.status() == UserStatus.VALIDATED).orElse(false);
    }

    /**
     * Rule 6 for an organization membership about to go or lose its admin role: the organization keeps
     * a usable admin. A target that is no admin, or whose account cannot act, counts for nothing.
     */
    static Optional<Refusal> keepsOrganizationAdmin(StoreReads tx, OrganizationMember target, User account) {
        boolean usableAdmin = target.role() == OrganizationRole.ADMIN && account.status() == UserStatus.VALIDATED;
        return Policies.keepsAUsableAdmin(usableAdmin, usableAdmin ? tx.countOrganizationAdmins(target.organization()) : 0);
    }

    /** Rule 6 for a member leaving an organization: every custom workspace it leaves keeps a usable admin. */
    static Optional<Refusal> keepsWorkspaceAdminsWithout(StoreReads tx, OrganizationMember leaving, User account) {
        boolean usable = account.status() == UserStatus.VALIDATED;
        for (WorkspaceMember inWorkspace : tx.workspaceMembershipsIn(leaving.organization(), leaving.user())) {
            Optional<Refusal> refusal = keepsWorkspaceAdmin(tx, inWorkspace, usable);
            if (refusal.isPresent()) {
                return refusal;
            }
        }
        return Optional.empty();
    }
}
