package org.membership.core;

import java.util.Optional;
import org.membership.api.Refusal;
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
}
