package org.membership.spring.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.membership.api.FeedEvent;
import org.membership.api.FeedPosition;
import org.membership.core.spi.MembershipStore;
import org.membership.core.spi.StoreTransaction;

/**
 * A {@link MembershipStore} that times each of its delegate's transactions in the timer
 * {@value #TRANSACTIONS}, tagged by kind (write, read) and outcome (success, failure). A
 * transaction's time runs from the call to its return: its retries and what runs after its commit
 * included. Thread-safe, as its delegate is.
 */
final class TimedStore implements MembershipStore {
    static final String TRANSACTIONS = "membership.store.transactions";
    static final String RETRIES = "membership.store.retries";

    private final MembershipStore delegate;
    private final MeterRegistry registry;
    private final Timer writes;
    private final Timer failedWrites;
    private final Timer reads;
    private final Timer failedReads;

    TimedStore(MembershipStore delegate, MeterRegistry registry) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.writes = timer("write", "success");
        this.failedWrites = timer("write", "failure");
        this.reads = timer("read", "success");
        this.failedReads = timer("read", "failure");
    }

    private Timer timer(String kind, String outcome) {
        return Timer.builder(TRANSACTIONS).description("Transactions of the membership store")
                .tag("kind", kind).tag("outcome", outcome).register(registry);
    }

    /** @return the timer of retried attempts: each records how long the attempt that lost a race ran */
    static Timer retries(MeterRegistry registry) {
        return Timer.builder(RETRIES).description("Store transaction attempts that lost a race and were run again")
                .register(registry);
    }

    @Override
    public <T> T write(Function<StoreTransaction, T> work) {
        return timed(() -> delegate.write(work), writes, failedWrites);
    }

    @Override
    public <T> T read(Function<StoreTransaction, T> work) {
        return timed(() -> delegate.read(work), reads, failedReads);
    }

    /** Timed as a write when it ran; an attempt that would have waited ran nothing and is not counted. */
    @Override
    public <T> Optional<T> writeIfUncontended(Function<StoreTransaction, T> work) {
        long started = registry.config().clock().monotonicTime();
        boolean succeeded = false;
        Optional<T> result = Optional.empty();
        try {
            result = delegate.writeIfUncontended(work);
            succeeded = true;
            return result;
        } finally {
            if (!succeeded || result.isPresent()) {
                long took = registry.config().clock().monotonicTime() - started;
                (succeeded ? writes : failedWrites).record(Duration.ofNanos(took));
            }
        }
    }

    @Override
    public boolean exclusiveWrites() {
        return delegate.exclusiveWrites();
    }

    private <T> T timed(java.util.function.Supplier<T> transaction, Timer success, Timer failure) {
        long started = registry.config().clock().monotonicTime();
        boolean succeeded = false;
        try {
            T result = transaction.get();
            succeeded = true;
            return result;
        } finally {
            long took = registry.config().clock().monotonicTime() - started;
            (succeeded ? success : failure).record(Duration.ofNanos(took));
        }
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
