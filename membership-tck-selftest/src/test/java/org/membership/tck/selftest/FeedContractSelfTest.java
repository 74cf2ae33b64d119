package org.membership.tck.selftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.membership.api.FeedEvent;
import org.membership.api.FeedPosition;
import org.membership.core.spi.ConsumerRecord;
import org.membership.core.spi.MembershipStore;
import org.membership.core.spi.StoreTransaction;
import org.membership.inmemory.InMemoryStore;
import org.membership.tck.FeedContract;
import org.membership.tck.StoreTransactionMethods;

/**
 * Proves the change feed's contract can fail: each deliberately broken store fails, with an
 * assertion, the rules that guard against its defect, while the honest {@link InMemoryStore}
 * passes those very rules.
 */
final class FeedContractSelfTest {
    private static final NamedRules RULES = new NamedRules(5);
    private static final int TRIALS = 25;

    /** The contract with fewer trials and a short hang guard, over a store of the subclass's choosing. */
    abstract static class Short extends FeedContract {
        @Override
        protected int trials() {
            return TRIALS;
        }

        @Override
        protected Duration hangGuard() {
            return Duration.ofSeconds(3);
        }
    }

    static final class OnInMemoryStore extends Short {
        @Override
        protected MembershipStore newStore() {
            return new InMemoryStore();
        }
    }

    static final class OnInsertOrderFeedStore extends Short {
        @Override
        protected MembershipStore newStore() {
            return new InsertOrderFeedStore();
        }
    }

    static final class OnAutoCommitStore extends Short {
        @Override
        protected MembershipStore newStore() {
            return new AutoCommitStore();
        }
    }

    /** Prunes whatever is old enough, whether consumers passed it or not. */
    static final class OnPruneIgnoringConsumersStore extends Short {
        @Override
        protected MembershipStore newStore() {
            return lying(new InMemoryStore(), "pruneFeed",
                    (tx, args) -> tx.pruneFeed(FeedPosition.of(Long.MAX_VALUE), (java.time.Instant) args[1], (int) args[2]));
        }
    }

    /** Keeps a consumer's first position for ever: acknowledging stores nothing. */
    static final class OnForgetfulConsumerStore extends Short {
        @Override
        protected MembershipStore newStore() {
            return lying(new InMemoryStore(), "updateConsumer", (tx, args) -> {
                ConsumerRecord update = (ConsumerRecord) args[0];
                ConsumerRecord stored = tx.consumer(update.name()).orElseThrow();
                tx.updateConsumer(new ConsumerRecord(update.name(), stored.position(), update.owner(), update.leaseUntil()));
                return null;
            });
        }
    }

    /** Reads the feed from the position asked for, inclusive: every page repeats the last event of the one before. */
    static final class OnInclusiveChangesStore extends Short {
        @Override
        protected MembershipStore newStore() {
            return new InMemoryBacked(new InMemoryStore()) {
                @Override
                public <T> T write(Function<StoreTransaction, T> work) {
                    return rows.write(work);
                }

                @Override
                public <T> T read(Function<StoreTransaction, T> work) {
                    return rows.read(work);
                }

                @Override
                public List<FeedEvent> changes(FeedPosition after, int limit) {
                    return rows.changes(FeedPosition.of(Math.max(0, after.value() - 1)), limit);
                }
            };
        }
    }

    /** Claims a consumer concurrently without locking it, and inserting a stored name replaces it. */
    static final class OnUnlockedConsumerStore extends Short {
        /** Whether two racers overlap depends on the scheduler, and a loaded machine serializes many trials. */
        @Override
        protected int trials() {
            return 400;
        }

        @Override
        protected MembershipStore newStore() {
            AutoCommitStore unlocked = new AutoCommitStore();
            return new InMemoryBacked(unlocked.rows) {
                @Override
                public <T> T write(Function<StoreTransaction, T> work) {
                    return unlocked.write(tx -> work.apply(lie(tx, "insertConsumer", (t, args) -> {
                        ConsumerRecord record = (ConsumerRecord) args[0];
                        if (t.consumer(record.name()).isPresent()) {
                            t.updateConsumer(record);
                        } else {
                            t.insertConsumer(record);
                        }
                        return null;
                    })));
                }

                @Override
                public <T> T read(Function<StoreTransaction, T> work) {
                    return unlocked.read(work);
                }
            };
        }
    }

    @Test
    void feedContract_failsAStoreThatNumbersEventsBeforeTheyCommit() {
        // Numbers taken at append are lost with a rolled-back transaction too, as identity values are.
        List<String> rules = List.of("commitOrder_writersCommittingOutOfAppendOrder_aConcurrentReaderMissesAndRepeatsNothing",
                "positions_areDenseFromOne_eachTransactionsEventsAdjacent_inAppendOrder");
        RULES.assertFail(OnInsertOrderFeedStore.class, rules);
        RULES.assertPass(OnInMemoryStore.class, rules);
        RULES.assertPass(OnInsertOrderFeedStore.class, List.of("changes_inPagesOfAnySize_fromAnyPosition_giveEveryLaterEventOnce"));
    }

    @Test
    void feedContract_failsAStoreWhoseOutboxIsNotInTheChangesTransaction() {
        List<String> rules = List.of("outbox_eventsAreReadableExactlyWhenTheirTransactionCommits");
        RULES.assertFail(OnAutoCommitStore.class, rules);
        RULES.assertPass(OnInMemoryStore.class, rules);
    }

    @Test
    void feedContract_failsAStoreThatPrunesEventsAConsumerHasNotPassed() {
        List<String> rules = List.of("pruneFeed_deletesOnlyAPrefixPassedAndOld_andNeverRenumbers",
                "retention_prunesOnlyWhatEveryStoredConsumerPassed_andOnlyOnceTheRetentionElapsed");
        RULES.assertFail(OnPruneIgnoringConsumersStore.class, rules);
        RULES.assertPass(OnInMemoryStore.class, rules);
        RULES.assertPass(OnPruneIgnoringConsumersStore.class, List.of("gap_aConsumerBehindPruning_isToldOfTheGap_thenGetsWhatIsKept"));
    }

    @Test
    void feedContract_failsAStoreThatForgetsAConsumersPosition() {
        List<String> rules = List.of("durableConsumer_getsEveryEventInOrder_andResumesAfterItsStoredPosition");
        RULES.assertFail(OnForgetfulConsumerStore.class, rules);
        RULES.assertPass(OnInMemoryStore.class, rules);
    }

    @Test
    void feedContract_failsAStoreThatReadsTheFeedInclusively() {
        List<String> rules = List.of("changes_inPagesOfAnySize_fromAnyPosition_giveEveryLaterEventOnce");
        RULES.assertFail(OnInclusiveChangesStore.class, rules);
        RULES.assertPass(OnInMemoryStore.class, rules);
    }

    @Test
    void feedContract_failsAStoreThatLetsTwoInstancesClaimOneConsumer() {
        List<String> rules = List.of("consumer_twoWritersClaimingOneConsumer_exactlyOneClaimsIt");
        RULES.assertFail(OnUnlockedConsumerStore.class, rules);
        RULES.assertPass(OnInMemoryStore.class, rules);
    }

    // ---- lying stores ----------------------------------------------------------------------------------

    /** @return a store over {@code rows} whose transactions answer {@code method} with {@code lie} */
    private static MembershipStore lying(InMemoryStore rows, String method,
                                         BiFunction<StoreTransaction, Object[], Object> lie) {
        return new InMemoryBacked(rows) {
            @Override
            public <T> T write(Function<StoreTransaction, T> work) {
                return rows.write(tx -> work.apply(lie(tx, method, lie)));
            }

            @Override
            public <T> T read(Function<StoreTransaction, T> work) {
                return rows.read(tx -> work.apply(lie(tx, method, lie)));
            }
        };
    }

    private static StoreTransaction lie(StoreTransaction tx, String method,
                                        BiFunction<StoreTransaction, Object[], Object> lie) {
        return (StoreTransaction) Proxy.newProxyInstance(StoreTransaction.class.getClassLoader(),
                new Class<?>[] {StoreTransaction.class}, (proxy, m, args) -> {
                    if (m.getDeclaringClass() == Object.class) {
                        return m.invoke(tx, args);
                    }
                    return m.getName().equals(method) ? lie.apply(tx, args) : StoreTransactionMethods.invoke(tx, m, args);
                });
    }
}
