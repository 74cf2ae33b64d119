package org.membership.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.membership.api.FeedEvent;
import org.membership.api.FeedPosition;
import org.membership.core.spi.MembershipStore;
import org.membership.core.spi.StoreTransaction;

/**
 * The timing decorator changes nothing the engine decides by: it answers the wrapped store's
 * {@code exclusiveWrites} (PostgreSQL's false spares every write a screening read) and runs its
 * uncontended writes, timing those that ran.
 */
final class TimedStoreTest {
    /** A store that is not exclusive, and whose uncontended write runs the work only when told to. */
    private static final class Stub implements MembershipStore {
        boolean uncontended;

        @Override
        public <T> T write(Function<StoreTransaction, T> work) {
            return work.apply(null);
        }

        @Override
        public <T> T read(Function<StoreTransaction, T> work) {
            return work.apply(null);
        }

        @Override
        public <T> Optional<T> writeIfUncontended(Function<StoreTransaction, T> work) {
            return uncontended ? Optional.of(work.apply(null)) : Optional.empty();
        }

        @Override
        public boolean exclusiveWrites() {
            return false;
        }

        @Override
        public List<FeedEvent> changes(FeedPosition after, int limit) {
            return List.of();
        }

        @Override
        public FeedPosition head() {
            return FeedPosition.START;
        }

        @Override
        public void awaitChanges(FeedPosition after, Duration timeout) {}
    }

    @Test
    void answersTheStoresExclusiveWrites_andTimesTheUncontendedWritesThatRan() {
        MeterRegistry meters = new SimpleMeterRegistry();
        Stub stub = new Stub();
        TimedStore timed = new TimedStore(stub, meters);
        assertThat(timed.exclusiveWrites()).isFalse();

        assertThat(timed.writeIfUncontended(tx -> "ran")).isEmpty();
        stub.uncontended = true;
        assertThat(timed.writeIfUncontended(tx -> "ran")).contains("ran");
        assertThat(meters.get(TimedStore.TRANSACTIONS).tag("kind", "write").tag("outcome", "success").timer().count())
                .isEqualTo(1);
    }
}
