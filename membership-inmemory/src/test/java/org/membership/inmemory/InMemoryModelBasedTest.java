package org.membership.inmemory;

import org.membership.core.spi.MembershipStore;
import org.membership.tck.ModelBasedContract;

/** Runs the model-based contract against the in-memory store. */
final class InMemoryModelBasedTest extends ModelBasedContract {
    @Override
    protected MembershipStore newStore() {
        return new InMemoryStore();
    }
}
