package org.membership.tck;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.membership.api.FeedEvent;
import org.membership.api.FeedPosition;
import org.membership.core.spi.MembershipStore;
import org.membership.core.spi.StoreTransaction;

/**
 * A {@link MembershipStore} that hands every call to another one: the base of a decorator that
 * changes only what it overrides (a transaction proxy in {@link #write}, a fault, a pause).
 *
 * <pre>{@code
 * MembershipStore counting = new ForwardingStore(store) {
 *     @Override
 *     public <T> T write(Function<StoreTransaction, T> work) {
 *         writes.incrementAndGet();
 *         return super.write(work);
 *     }
 * };
 * }</pre>
 *
 * <p>{@link #writeIfUncontended} is not forwarded: it runs nothing, so the engine takes the path
 * through {@link #write} and {@link #read}, and a decorator that changes {@code write} is never
 * bypassed. A decorator that keeps the wrapped store's uncontended writes overrides it.
 *
 * <p>Thread-safe as far as the store it forwards to is.
 */
public abstract class ForwardingStore implements MembershipStore {
    private final MembershipStore delegate;

    /**
     * @param delegate the store every call goes to
     * @throws NullPointerException if delegate is null
     */
    protected ForwardingStore(MembershipStore delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** @return the store every call goes to */
    protected final MembershipStore delegate() {
        return delegate;
    }

    @Override
    public <T> T write(Function<StoreTransaction, T> work) {
        return delegate.write(work);
    }

    @Override
    public <T> T read(Function<StoreTransaction, T> work) {
        return delegate.read(work);
    }

    @Override
    public boolean exclusiveWrites() {
        return delegate.exclusiveWrites();
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
