package org.membership.inmemory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.membership.api.Actor;
import org.membership.api.Command;
import org.membership.api.Reason;
import org.membership.api.Refusal;
import org.membership.api.User;
import org.membership.api.UserStatus;
import org.membership.api.WorkspaceId;
import org.membership.core.spi.StoreTransaction;
import org.membership.tck.Fixture;
import org.membership.tck.ForwardingStore;
import org.membership.tck.StoreTransactionMethods;

/**
 * Disabling a user reads its workspace-admin memberships, then each one's workspace. On PostgreSQL a
 * {@code DeleteWorkspace} can commit between those reads (READ COMMITTED), so a membership read first
 * can name a workspace that is gone. That membership went with its workspace: it holds no admin to
 * keep, and disabling the user must not be refused {@code last_admin} for it. The in-memory store
 * cannot interleave, so this store plays the interleaving: its transactions no longer find the
 * workspace once deleted, while the membership list, read first, still names it.
 */
final class DisablingAfterAWorkspaceWentTest {
    @Test
    void aMembershipWhoseWorkspaceWasDeletedMeanwhile_holdsNoAdminToKeep() {
        InMemoryStore rows = new InMemoryStore();
        WorkspaceId[] gone = new WorkspaceId[1];
        ForwardingStore store = new ForwardingStore(rows) {
            @Override
            public <T> T write(Function<StoreTransaction, T> work) {
                return super.write(tx -> work.apply(gone[0] == null ? tx : withoutWorkspace(tx, gone[0])));
            }
        };
        // bob is research's only admin: disabling him is refused while research is there
        Fixture f = Fixture.builder(store)
                .organization("acme", org -> org.admin("alice").member("bob").workspace("research", ws -> ws.admin("bob")))
                .build();
        Command.ChangeUserStatus disableBob = new Command.ChangeUserStatus(f.user("bob"), UserStatus.DISABLED);
        assertEquals(Optional.of(Reason.LAST_ADMIN),
                f.membership().check(Actor.instanceKey("ops"), disableBob).refusal().map(Refusal::reason));

        gone[0] = f.workspace("research");
        User bob = f.membership().execute(Actor.instanceKey("ops"), disableBob).orElseThrow();

        assertEquals(UserStatus.DISABLED, bob.status());
    }

    /** @return the transaction, except that {@code workspace} is not found any more */
    private static StoreTransaction withoutWorkspace(StoreTransaction tx, WorkspaceId workspace) {
        return (StoreTransaction) Proxy.newProxyInstance(StoreTransaction.class.getClassLoader(),
                new Class<?>[] {StoreTransaction.class}, (proxy, m, args) -> {
                    if (m.getDeclaringClass() == Object.class) {
                        return m.invoke(tx, args);
                    }
                    if (m.getName().equals("workspace") && workspace.equals(args[0])) {
                        return Optional.empty();
                    }
                    return StoreTransactionMethods.invoke(tx, m, args);
                });
    }
}
