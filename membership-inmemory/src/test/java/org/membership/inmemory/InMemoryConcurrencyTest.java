package org.membership.inmemory;

import org.membership.core.spi.MembershipStore;
import org.membership.tck.ConcurrencyContract;

final class InMemoryConcurrencyTest extends ConcurrencyContract {
    @Override
    protected MembershipStore newStore() {
        return new InMemoryStore();
    }
}
