package org.membership.tck.selftest;

import java.time.Duration;
import java.util.List;
import org.membership.api.FeedEvent;
import org.membership.api.FeedPosition;
import org.membership.core.spi.MembershipStore;
import org.membership.inmemory.InMemoryStore;

/**
 * What the self-tests' broken stores share: they keep their rows in an honest {@link InMemoryStore}
 * and read its change feed as it is; each breaks its transactions in its own way.
 */
abstract class InMemoryBacked implements MembershipStore {
    final InMemoryStore rows;

    InMemoryBacked(InMemoryStore rows) {
        this.rows = rows;
    }

    @Override
    public List<FeedEvent> changes(FeedPosition after, int limit) {
        return rows.changes(after, limit);
    }

    @Override
    public FeedPosition head() {
        return rows.head();
    }

    @Override
    public void awaitChanges(FeedPosition after, Duration timeout) throws InterruptedException {
        rows.awaitChanges(after, timeout);
    }
}
