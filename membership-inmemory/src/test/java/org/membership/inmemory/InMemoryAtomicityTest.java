package org.membership.inmemory;

import org.membership.core.spi.MembershipStore;
import org.membership.tck.AtomicityContract;

/** The atomicity contract on the in-memory store. */
final class InMemoryAtomicityTest extends AtomicityContract {
    @Override
    protected MembershipStore newStore() {
        return new InMemoryStore();
    }
}
