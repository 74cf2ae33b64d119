package org.membership.inmemory;

import org.membership.core.spi.MembershipStore;
import org.membership.tck.DocumentedApisContract;

final class InMemoryDocumentedApisTest extends DocumentedApisContract {
    @Override
    protected MembershipStore newStore() {
        return new InMemoryStore();
    }
}
