package org.membership.tck.selftest;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.membership.api.Workspace;
import org.membership.api.WorkspaceId;
import org.membership.core.spi.StoreTransaction;
import org.membership.core.spi.WorkspaceStanding;
import org.membership.inmemory.InMemoryStore;

/**
 * A deliberately broken store for the kit's self-tests: within a transaction, a user's standing
 * reuses the workspace an earlier standing read, even after the transaction renamed or deleted it.
 * That is the shortcut a store takes to leave the workspace out of a second standing (a removal
 * reads the actor's, then the target's), without forgetting it when the transaction writes.
 * Everything else is honest. Thread-safe, and wrong on purpose.
 */
final class StaleStandingStore extends InMemoryBacked {
    StaleStandingStore() {
        super(new InMemoryStore());
    }

    @Override
    public <T> T write(Function<StoreTransaction, T> work) {
        return rows.write(tx -> work.apply(stale(tx)));
    }

    @Override
    public <T> T read(Function<StoreTransaction, T> work) {
        return rows.read(tx -> work.apply(stale(tx)));
    }

    private static StoreTransaction stale(StoreTransaction tx) {
        Map<WorkspaceId, Workspace> read = new HashMap<>();
        return (StoreTransaction) Proxy.newProxyInstance(StoreTransaction.class.getClassLoader(),
                new Class<?>[] {StoreTransaction.class}, (proxy, method, args) -> {
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
                    try {
                        return method.invoke(tx, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
