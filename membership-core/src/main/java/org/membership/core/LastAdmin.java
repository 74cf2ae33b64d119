package org.membership.core;

import java.util.Optional;
import org.membership.api.Refusal;
import org.membership.api.WorkspaceMember;
import org.membership.api.WorkspaceRole;
import org.membership.core.spi.StoreReads;

/** Rule 6 where it needs the store: whether losing an admin leaves a usable one. */
final class LastAdmin {
    private LastAdmin() {}

    /** Rule 6 for a workspace membership about to go or lose its admin role, given whether its account is usable. */
    static Optional<Refusal> keepsWorkspaceAdmin(StoreReads tx, WorkspaceMember target, boolean targetUsable) {
        boolean usableAdmin = targetUsable && target.role() == WorkspaceRole.ADMIN;
        return Policies.keepsAUsableAdmin(usableAdmin, usableAdmin ? tx.countWorkspaceAdmins(target.workspace()) : 0);
    }

}
