package org.membership.tck.selftest;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.membership.api.FeedEvent;
import org.membership.api.FeedPosition;
import org.membership.core.spi.MembershipStore;
import org.membership.core.spi.StoreTransaction;
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

    /**
     * A broken store whose transactions answer some methods wrongly: the work gets each transaction
     * of the honest store behind a proxy, whose handler {@link #lie} makes for that transaction.
     */
    abstract static class Lying extends InMemoryBacked {
        Lying() {
            super(new InMemoryStore());
        }

        /** @return what each method of {@code tx} answers; {@link #honestly} for those the store does not break */
        abstract InvocationHandler lie(StoreTransaction tx);

        @Override
        public final <T> T write(Function<StoreTransaction, T> work) {
            return rows.write(tx -> work.apply(proxy(tx)));
        }

        @Override
        public final <T> T read(Function<StoreTransaction, T> work) {
            return rows.read(tx -> work.apply(proxy(tx)));
        }

        private StoreTransaction proxy(StoreTransaction tx) {
            return (StoreTransaction) Proxy.newProxyInstance(StoreTransaction.class.getClassLoader(),
                    new Class<?>[] {StoreTransaction.class}, lie(tx));
        }

        /** @return what the honest transaction answers, throwing what it throws */
        static Object honestly(StoreTransaction tx, Method method, Object[] args) throws Throwable {
            try {
                return method.invoke(tx, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }
}
