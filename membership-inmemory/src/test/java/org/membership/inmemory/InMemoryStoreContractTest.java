package org.membership.inmemory;

import org.membership.core.spi.MembershipStore;
import org.membership.tck.StoreContract;

final class InMemoryStoreContractTest extends StoreContract {
    @Override
    protected MembershipStore newStore() {
        return new InMemoryStore();
    }
}
