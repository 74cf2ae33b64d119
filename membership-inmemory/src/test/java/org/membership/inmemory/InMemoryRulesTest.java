package org.membership.inmemory;

import org.membership.core.spi.MembershipStore;
import org.membership.tck.RulesContract;

/** Runs the rule properties of the contract kit against {@link InMemoryStore}. */
final class InMemoryRulesTest extends RulesContract {
    @Override
    protected MembershipStore newStore() {
        return new InMemoryStore();
    }
}
