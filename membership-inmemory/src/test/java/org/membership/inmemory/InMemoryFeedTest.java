package org.membership.inmemory;

import org.membership.core.spi.MembershipStore;
import org.membership.tck.FeedContract;

final class InMemoryFeedTest extends FeedContract {
    @Override
    protected MembershipStore newStore() {
        return new InMemoryStore();
    }
}
