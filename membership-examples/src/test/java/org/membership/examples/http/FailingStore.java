package org.membership.examples.http;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.membership.api.UnableToPersistException;
import org.membership.core.spi.StoreTransaction;
import org.membership.inmemory.InMemoryStore;
import org.membership.tck.ForwardingStore;

/** An in-memory store whose writes can be made to fail, as a store fails when its database is gone. */
final class FailingStore extends ForwardingStore {
    final AtomicBoolean failWrites = new AtomicBoolean();

    FailingStore() {
        super(new InMemoryStore());
    }

    @Override
    public <T> T write(Function<StoreTransaction, T> work) {
        if (failWrites.get()) {
            throw new UnableToPersistException("disk full (simulated)", new java.io.IOException("simulated"));
        }
        return super.write(work);
    }
}
