package org.membership.tck.selftest;

import java.lang.reflect.InvocationHandler;
import java.util.HashMap;
import java.util.Map;
import org.membership.api.Workspace;
import org.membership.api.WorkspaceId;
import org.membership.core.spi.StoreTransaction;
import org.membership.core.spi.WorkspaceStanding;

/**
 * A deliberately broken store for the kit's self-tests: within a transaction, a user's standing
 * reuses the workspace an earlier standing read, even after the transaction renamed or deleted it.
 * That is the shortcut a store takes to leave the workspace out of a second standing (a removal
 * reads the actor's, then the target's), without forgetting it when the transaction writes.
 * Everything else is honest. Thread-safe, and wrong on purpose.
 */
final class StaleStandingStore extends InMemoryBacked.Lying {


    @Override
    InvocationHandler lie(StoreTransaction tx) {
        Map<WorkspaceId, Workspace> read = new HashMap<>();
        return (proxy, method, args) -> {
            if (method.getName().equals("standing")) {
                WorkspaceStanding now = tx.standing((org.membership.api.UserId) args[0], (WorkspaceId) args[1]);
                Workspace first = read.get((WorkspaceId) args[1]);
                if (first == null) {
                    now.workspace().ifPresent(w -> read.put(w.id(), w));
                    return now;
                }
                return new WorkspaceStanding(now.user(), java.util.Optional.of(first),
                        now.organizationMember(), now.workspaceMember());
            }
            return honestly(tx, method, args);
        };
    }
}
