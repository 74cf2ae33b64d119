package org.membership.examples.http;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.membership.api.FeedEvent;
import org.membership.api.FeedPosition;
import org.membership.api.UnableToPersistException;
import org.membership.core.spi.MembershipStore;
import org.membership.core.spi.StoreTransaction;
import org.membership.inmemory.InMemoryStore;

/** An in-memory store whose writes can be made to fail, as a store fails when its database is gone. */
final class FailingStore implements MembershipStore {
    private final InMemoryStore delegate = new InMemoryStore();
    final AtomicBoolean failWrites = new AtomicBoolean();

    @Override
    public <T> T write(Function<StoreTransaction, T> work) {
        if (failWrites.get()) {
            throw new UnableToPersistException("disk full (simulated)", new java.io.IOException("simulated"));
        }
        return delegate.write(work);
    }

    @Override
    public <T> T read(Function<StoreTransaction, T> work) {
        return delegate.read(work);
    }

    @Override
    public List<FeedEvent> changes(FeedPosition after, int limit) {
        return delegate.changes(after, limit);
    }

    @Override
    public FeedPosition head() {
        return delegate.head();
    }

    @Override
    public void awaitChanges(FeedPosition after, Duration timeout) throws InterruptedException {
        delegate.awaitChanges(after, timeout);
    }
}
