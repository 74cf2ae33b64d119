package org.membership.tck.selftest;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.membership.api.FeedEvent;
import org.membership.api.FeedPosition;
import org.membership.api.MembershipEvent;
import org.membership.core.spi.FeedReceipt;
import org.membership.core.spi.MembershipStore;
import org.membership.core.spi.StoreTransaction;
import org.membership.core.spi.StoreWrites;
import org.membership.inmemory.InMemoryStore;
import org.membership.tck.StoreTransactionMethods;

/**
 * A deliberately broken store for the kit's self-tests: the naive outbox of a database whose
 * writers commit concurrently. Each event takes its number when it is appended (as an identity
 * column would) and becomes readable when its transaction ends, so a transaction that appended
 * first but commits last lands behind a position a reader has already passed. Everything else is
 * plain: rows live in an in-memory store, each write on its own.
 *
 * <p>Thread-safe, and wrong on purpose.
 */
final class InsertOrderFeedStore implements MembershipStore {
    private final InMemoryStore rows = new InMemoryStore();
    private final AtomicLong numbers = new AtomicLong();
    private final ConcurrentSkipListMap<Long, FeedEvent> committed = new ConcurrentSkipListMap<>();

    @Override
    public <T> T write(Function<StoreTransaction, T> work) {
        List<FeedEvent> appended = new ArrayList<>();
        List<Runnable> afterCommit = new ArrayList<>();
        T result = work.apply((StoreTransaction) Proxy.newProxyInstance(StoreTransaction.class.getClassLoader(),
                new Class<?>[] {StoreTransaction.class}, (proxy, method, args) -> {
                    if (method.getName().equals("appendEvents")) {
                        long last = 0;
                        for (Object event : (List<?>) args[0]) {
                            last = numbers.incrementAndGet();
                            appended.add(new FeedEvent(last, FeedPosition.of(last), (MembershipEvent) event));
                        }
                        Optional<FeedPosition> position = Optional.of(FeedPosition.of(last));
                        return (FeedReceipt) () -> position;
                    }
                    if (method.getName().equals("afterCommit")) {
                        afterCommit.add((Runnable) args[0]);
                        return null;
                    }
                    return method.getDeclaringClass() == StoreWrites.class
                            ? rows.write(tx -> StoreTransactionMethods.invoke(tx, method, args))
                            : rows.read(tx -> StoreTransactionMethods.invoke(tx, method, args));
                }));
        appended.forEach(event -> committed.put(event.position().value(), event));
        afterCommit.forEach(Runnable::run);
        return result;
    }

    @Override
    public <T> T read(Function<StoreTransaction, T> work) {
        return rows.read(work);
    }

    @Override
    public List<FeedEvent> changes(FeedPosition after, int limit) {
        ConcurrentNavigableMap<Long, FeedEvent> later = committed.tailMap(after.value(), false);
        return later.values().stream().limit(limit).toList();
    }

    @Override
    public FeedPosition head() {
        return committed.isEmpty() ? FeedPosition.START : FeedPosition.of(committed.lastKey());
    }

    @Override
    public void awaitChanges(FeedPosition after, Duration timeout) throws InterruptedException {
        Thread.sleep(Math.min(timeout.toMillis(), 5));
    }
}
