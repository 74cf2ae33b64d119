package org.membership.inmemory;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.membership.core.spi.MembershipStore;
import org.membership.tck.AtomicityContract;
import org.membership.tck.FailingStore;

/** The atomicity contract on the in-memory store, and a self-test of its comparison. */
final class InMemoryAtomicityTest extends AtomicityContract {
    @Override
    protected MembershipStore newStore() {
        return new InMemoryStore();
    }

    // ---- the kit's comparison can fail ---------------------------------------------------------------

    @Test
    void snapshot_seesAPartialChange_onAStoreWithoutTransactions() {
        Acme w = world(new AutoCommitStore());
        Snapshot before = Snapshot.of(w.f());
        w.store().failNextWriteTransactionAt(2, FailingStore.When.BEFORE);
        assertThrows(FailingStore.InjectedFailure.class,
                () -> w.f().membership().execute(w.f().actor("alice"), w.removeBob()));
        assertNotEquals(before, Snapshot.of(w.f()), "the first write stayed behind, and the comparison catches it");
    }
}
