package org.membership.tck;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.membership.tck.AtomicityContract.Acme;
import org.membership.tck.AtomicityContract.Snapshot;
import org.membership.tck.selftest.SelfTestStores;

/** Proves that {@link AtomicityContract}'s comparison can fail: it sees a change left half done. */
final class AtomicityContractSelfTest {

    @Test
    void snapshot_seesAPartialChange_onAStoreWithoutTransactions() {
        Acme w = AtomicityContract.world(SelfTestStores.autoCommit());
        Snapshot before = Snapshot.of(w.f());
        w.store().failNextWriteTransactionAt(2, FailingStore.When.BEFORE);
        assertThrows(FailingStore.InjectedFailure.class,
                () -> w.f().membership().execute(w.f().actor("alice"), w.removeBob()));
        assertNotEquals(before, Snapshot.of(w.f()), "the first write stayed behind, and the comparison catches it");
    }
}
