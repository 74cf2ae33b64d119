package org.membership.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.membership.api.ChangeFeed;
import org.membership.api.Command;
import org.membership.api.ConsumerStatus;
import org.membership.api.FeedConsumer;
import org.membership.api.FeedEvent;
import org.membership.api.FeedListener;
import org.membership.api.FeedPosition;
import org.membership.api.Membership;
import org.membership.api.MembershipEvent;
import org.membership.api.MembershipRules;
import org.membership.api.OrganizationId;
import org.membership.api.Outcome;
import org.membership.api.ParkedEvent;
import org.membership.api.Subscription;
import org.membership.api.UserId;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceRole;
import org.membership.core.FeedSettings;
import org.membership.core.MembershipEngine;
import org.membership.core.spi.ConsumerRecord;
import org.membership.core.spi.FeedReceipt;
import org.membership.core.spi.MembershipStore;
import org.quicktheories.generators.SourceDSL;

/**
 * The change feed (specification §6): the outbox protocol of the SPI (events become readable
 * exactly when their transaction commits, at dense positions in commit order, and stay exactly as
 * they were appended), consumers' rows and pruning, the commit-order race, and, through the engine,
 * the delivery guarantees of consumers: every event at least once and in order, retried and then
 * parked, one instance at a time or every instance, caught up on demand, pruned only once passed.
 *
 * <p>Extend it in a store's test sources and implement {@link #newStore()}; {@link #trials()} sets
 * how many times each race runs. Every wait is bounded by a hang guard, which is never an
 * expectation about speed; the deliveries the tests wait for are woken by the store, so they take
 * milliseconds, and a test that hits its guard has found a consumer that stopped.
 *
 * <p>Not thread-safe itself; JUnit runs one test per instance, and the test drives its own threads.
 */
public abstract class FeedContract {
    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

    private final List<AutoCloseable> closing = new ArrayList<>();
    private ExecutorService pool;

    /** @return a new, empty store; called once or twice per test, each closed after it if AutoCloseable */
    protected abstract MembershipStore newStore();

    /** @return how many times each race runs: at least 200 unless the store is slow */
    protected int trials() {
        return 200;
    }

    /**
     * @return how long any one wait may last before the test fails: only a guard against a store or a
     *         consumer that hangs, never an expectation about speed (60 s)
     */
    protected Duration hangGuard() {
        return Duration.ofSeconds(60);
    }

    @BeforeEach
    void startThreads() {
        pool = Executors.newFixedThreadPool(6);
    }

    @AfterEach
    void stop() throws Exception {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(hangGuard().toSeconds(), TimeUnit.SECONDS), "test threads did not stop");
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private MembershipStore store() {
        MembershipStore store = newStore();
        if (store instanceof AutoCloseable closeable) {
            closing.add(closeable);
        }
        return store;
    }

    // ---- the outbox, below the engine -------------------------------------------------------------

    /**
     * Events appended in a write become readable when it commits, and never if it throws; a reader
     * during the write does not see them. If it fails: the store shows uncommitted events, or keeps
     * those of a transaction that failed (its outbox is not in the change's transaction).
     */
    @Test
    public void outbox_eventsAreReadableExactlyWhenTheirTransactionCommits() throws Exception {
        MembershipStore store = store();
        assertThrows(IllegalStateException.class, () -> store.write(tx -> {
            tx.appendEvents(List.of(removed("acme", "ann", T0)));
            throw new IllegalStateException("the change fails after appending its events");
        }));
        assertEquals(List.of(), store.changes(FeedPosition.START, 10), "a failed transaction leaves no event");
        assertEquals(FeedPosition.START, store.head());

        CountDownLatch appended = new CountDownLatch(1);
        CountDownLatch commit = new CountDownLatch(1);
        Future<FeedReceipt> writer = pool.submit(() -> store.write(tx -> {
            FeedReceipt receipt = tx.appendEvents(List.of(removed("acme", "bob", T0)));
            appended.countDown();
            await(commit);
            return receipt;
        }));
        await(appended);
        // A store may make readers wait for the writer; it must never show them the uncommitted event.
        Future<List<FeedEvent>> during = pool.submit(() -> store.changes(FeedPosition.START, 10));
        Thread.sleep(20);
        commit.countDown();
        FeedReceipt receipt = writer.get(hangGuard().toSeconds(), TimeUnit.SECONDS);
        List<FeedEvent> seenDuring = during.get(hangGuard().toSeconds(), TimeUnit.SECONDS);
        assertTrue(seenDuring.isEmpty() || seenDuring.equals(store.changes(FeedPosition.START, 10)),
                () -> "a read during the write saw " + seenDuring);
        List<FeedEvent> after = store.changes(FeedPosition.START, 10);
        assertEquals(List.of(removed("acme", "bob", T0)), after.stream().map(FeedEvent::event).toList());
        assertEquals(Optional.of(FeedPosition.of(1)), receipt.position(), "the failed transaction took no position");
    }

    /**
     * Positions are 1, 2, 3, … across transactions, the events of one transaction adjacent and in
     * append order, ids unique; the receipt gives each transaction's last position. If it fails: the
     * store numbers events with holes or out of append order, or a receipt points elsewhere.
     */
    @Test
    public void positions_areDenseFromOne_eachTransactionsEventsAdjacent_inAppendOrder() {
        MembershipStore store = store();
        List<MembershipEvent> appended = new ArrayList<>();
        List<Optional<FeedPosition>> receipts = new ArrayList<>();
        for (int change = 0; change < 6; change++) {
            List<MembershipEvent> events = new ArrayList<>();
            for (int k = 0; k <= change % 3; k++) {
                events.add(removed("org-" + change, "user-" + change + "-" + k, T0.plusSeconds(change)));
            }
            appended.addAll(events);
            receipts.add(store.write(tx -> tx.appendEvents(events)).position());
            if (change == 2) {
                assertThrows(IllegalStateException.class, () -> store.write(tx -> {
                    tx.appendEvents(List.of(removed("rolled-back", "x", T0)));
                    throw new IllegalStateException("rolled back");
                }));
            }
        }
        List<FeedEvent> feed = store.changes(FeedPosition.START, 100);
        assertEquals(appended, feed.stream().map(FeedEvent::event).toList());
        Set<Long> ids = new HashSet<>();
        for (int i = 0; i < feed.size(); i++) {
            assertEquals(FeedPosition.of(i + 1), feed.get(i).position(), "position " + (i + 1));
            assertTrue(ids.add(feed.get(i).id()), "ids are unique");
        }
        long last = 0;
        for (int change = 0; change < 6; change++) {
            last += change % 3 + 1;
            assertEquals(Optional.of(FeedPosition.of(last)), receipts.get(change), "receipt of change " + change);
        }
        assertEquals(FeedPosition.of(last), store.head());
    }

    /** Pages of any size, from any position, give every later event once, in order. If it fails: the store's keyset read of the feed is off by one. */
    @Test
    public void changes_inPagesOfAnySize_fromAnyPosition_giveEveryLaterEventOnce() {
        MembershipStore store = store();
        for (int change = 0; change < 12; change++) {
            MembershipEvent event = removed("acme", "user-" + change, T0.plusSeconds(change));
            store.write(tx -> tx.appendEvents(List.of(event)));
        }
        List<FeedEvent> all = store.changes(FeedPosition.START, 1000);
        assertEquals(12, all.size());
        for (int limit = 1; limit <= 13; limit += 4) {
            for (int from = 0; from <= 12; from += 5) {
                List<FeedEvent> read = new ArrayList<>();
                FeedPosition after = FeedPosition.of(from);
                for (List<FeedEvent> page; !(page = store.changes(after, limit)).isEmpty(); ) {
                    assertTrue(page.size() <= limit);
                    read.addAll(page);
                    assertTrue(read.size() <= 12, () -> "reading on past the events there are: " + read);
                    after = page.get(page.size() - 1).position();
                }
                assertEquals(all.subList(from, 12), read, "pages of " + limit + " after " + from);
            }
        }
        assertEquals(List.of(), store.changes(FeedPosition.of(9_999), 10), "nothing after the head");
    }

    /**
     * Every event type, with values of every shape the library accepts (any id shape, any Unicode
     * name, instants to the nanosecond, empty and full optionals), reads back exactly as appended.
     * If it fails: the store's stored form of events loses or changes something.
     */
    @Test
    public void events_ofEveryType_readBackExactlyAsAppended() {
        MembershipStore store = store();
        qt().withExamples(300).forAll(SourceDSL.lists().of(Generators.events()).ofSizeBetween(1, 4)).checkAssert(events -> {
            FeedPosition before = store.head();
            store.write(tx -> tx.appendEvents(events));
            assertEquals(events, store.changes(before, 10).stream().map(FeedEvent::event).toList());
        });
        Set<Class<?>> seen = new HashSet<>();
        for (List<FeedEvent> page = store.changes(FeedPosition.START, 1000); !page.isEmpty();
             page = store.changes(page.get(page.size() - 1).position(), 1000)) {
            page.forEach(e -> seen.add(e.event().getClass()));
        }
        assertEquals(Set.of(MembershipEvent.class.getPermittedSubclasses()), seen, "every event type was tried");
    }

    /** In a read transaction the feed's write methods throw {@link IllegalStateException} and change nothing.
     *
     * <p>If it fails: check the read transaction's feed write methods (insertConsumer, updateConsumer,
     * deleteConsumer, park, pruneFeed, appendEvents).
     */
    @Test
    public void read_feedWriteMethods_throwIllegalState() {
        MembershipStore store = store();
        store.read(tx -> {
            assertThrows(IllegalStateException.class, () -> tx.appendEvents(List.of(removed("acme", "ann", T0))));
            assertThrows(IllegalStateException.class, () -> tx.insertConsumer(consumer("c", 0, null, T0)));
            assertThrows(IllegalStateException.class, () -> tx.updateConsumer(consumer("c", 0, null, T0)));
            assertThrows(IllegalStateException.class, () -> tx.deleteConsumer("c"));
            assertThrows(IllegalStateException.class, () -> tx.park("c", parked(1, 1, removed("acme", "ann", T0))));
            assertThrows(IllegalStateException.class, () -> tx.pruneFeed(FeedPosition.of(10), T0, 10));
            return null;
        });
        assertEquals(FeedPosition.START, store.head());
        assertEquals(List.of(), store.read(tx -> tx.consumers()));
    }

    /**
     * A follower waiting for changes returns once another thread commits one, and by its timeout
     * otherwise. If it fails: the store's wait ignores commits (it would only ever return at the timeout).
     */
    @Test
    public void awaitChanges_returnsOnceAChangeCommits_andByTheTimeoutOtherwise() throws Exception {
        MembershipStore store = store();
        store.awaitChanges(FeedPosition.START, Duration.ofMillis(30));
        assertEquals(FeedPosition.START, store.head(), "with nothing committed it returned at its timeout");
        Future<FeedPosition> waiter = pool.submit(() -> {
            store.awaitChanges(FeedPosition.START, hangGuard().multipliedBy(10));
            return store.head();
        });
        Thread.sleep(20);
        store.write(tx -> tx.appendEvents(List.of(removed("acme", "ann", T0))));
        assertEquals(FeedPosition.of(1), waiter.get(hangGuard().toSeconds(), TimeUnit.SECONDS),
                "the waiter woke for the commit, long before its own timeout");
    }

    // ---- consumers' rows and pruning --------------------------------------------------------------

    /**
     * A consumer is inserted once and then updated; inserting a stored name fails and changes nothing;
     * deleting it removes it and its parked events.
     *
     * <p>If it fails: check the consumer rows' key and that deleteConsumer deletes its parked events
     * too.
     */
    @Test
    public void consumers_insertedOnce_updatedInPlace_deletedWithTheirParkedEvents() {
        MembershipStore store = store();
        store.write(tx -> {
            tx.insertConsumer(consumer("b", 3, "i-1", T0));
            tx.insertConsumer(consumer("a", 1, null, T0.plusNanos(1)));
            tx.park("b", parked(2, 3, removed("acme", "x", T0)));
            return null;
        });
        store.write(tx -> {
            tx.updateConsumer(consumer("b", 7, "i-2", T0.plusSeconds(30)));
            return null;
        });
        assertThrows(RuntimeException.class, () -> store.write(tx -> {
            tx.insertConsumer(consumer("a", 9, "i-3", T0));
            return null;
        }));
        store.read(tx -> {
            assertEquals(List.of(consumer("a", 1, null, T0.plusNanos(1)), consumer("b", 7, "i-2", T0.plusSeconds(30))),
                    tx.consumers());
            assertEquals(Optional.of(consumer("b", 7, "i-2", T0.plusSeconds(30))), tx.consumer("b"));
            assertEquals(Optional.empty(), tx.consumer("c"));
            assertEquals(1, tx.parked("b", 10).size());
            return null;
        });
        assertTrue(store.<Boolean>write(tx -> tx.deleteConsumer("b")));
        assertFalse(store.<Boolean>write(tx -> tx.deleteConsumer("b")));
        store.read(tx -> {
            assertEquals(List.of(consumer("a", 1, null, T0.plusNanos(1))), tx.consumers());
            assertEquals(List.of(), tx.parked("b", 10));
            return null;
        });
    }

    /**
     * A parked event is a copy: exactly the event, attempts and error as parked, oldest position first,
     * still readable once the feed pruned the event. Parking one position again replaces it.
     *
     * <p>If it fails: check that park copies the event's type and payload, not a reference to the feed
     * row.
     */
    @Test
    public void parked_keepsACopyOfTheEvent_thatPruningTheFeedLeavesAlone() {
        MembershipStore store = store();
        MembershipEvent first = removed("acme", "ann", T0);
        MembershipEvent second = removed("acme", "bob", T0.plusSeconds(1));
        store.write(tx -> tx.appendEvents(List.of(first, second)));
        List<FeedEvent> feed = store.changes(FeedPosition.START, 10);
        ParkedEvent later = new ParkedEvent(feed.get(1), 4, "java.lang.IllegalStateException: keys service down",
                T0.plusSeconds(5));
        ParkedEvent earlier = new ParkedEvent(feed.get(0), 10, "éè \"quoted\" \n second line", T0.plusSeconds(6));
        store.write(tx -> {
            tx.park("revoker", later);
            tx.park("revoker", earlier);
            tx.park("revoker", new ParkedEvent(feed.get(0), 10, "éè \"quoted\" \n second line", T0.plusSeconds(6)));
            tx.insertConsumer(consumer("revoker", 2, null, T0));
            return null;
        });
        assertEquals(2, (int) store.<Integer>write(tx -> tx.pruneFeed(FeedPosition.of(2), T0.plusSeconds(60), 100)));
        assertEquals(List.of(), store.changes(FeedPosition.START, 10));
        assertEquals(List.of(earlier, later), store.read(tx -> tx.parked("revoker", 10)));
        assertEquals(List.of(earlier), store.read(tx -> tx.parked("revoker", 1)));
    }

    /**
     * Pruning deletes a prefix of the feed only: events at or before {@code through}, older than
     * {@code before}, at most {@code limit}, stopping at the first event that is not both. Positions,
     * the head and the numbering of later events are unaffected, even once every event is gone. If it
     * fails: the store deletes events a consumer has not passed, deletes out of order, or renumbers.
     *
     * <p>If it fails: check that pruning stops at the first event not both passed and old, and that
     * positions never change.
     */
    @Test
    public void pruneFeed_deletesOnlyAPrefixPassedAndOld_andNeverRenumbers() {
        MembershipStore store = store();
        // positions 1-6; 4 is younger than the others: pruning must stop there
        int[] seconds = {0, 1, 2, 100, 3, 4};
        for (int i = 0; i < seconds.length; i++) {
            MembershipEvent event = removed("acme", "user-" + i, T0.plusSeconds(seconds[i]));
            store.write(tx -> tx.appendEvents(List.of(event)));
        }
        Instant before = T0.plusSeconds(50);
        assertEquals(0, (int) store.<Integer>write(tx -> tx.pruneFeed(FeedPosition.START, before, 100)), "nothing passed");
        assertEquals(2, (int) store.<Integer>write(tx -> tx.pruneFeed(FeedPosition.of(6), before, 2)), "at most the limit");
        assertEquals(List.of(3L, 4L, 5L, 6L), positions(store.changes(FeedPosition.START, 10)));
        assertEquals(1, (int) store.<Integer>write(tx -> tx.pruneFeed(FeedPosition.of(6), before, 100)), "up to the younger event");
        assertEquals(List.of(4L, 5L, 6L), positions(store.changes(FeedPosition.START, 10)));
        assertEquals(0, (int) store.<Integer>write(tx -> tx.pruneFeed(FeedPosition.of(6), T0.plusSeconds(100), 100)),
                "an event exactly at the cut is kept");
        assertEquals(FeedPosition.of(6), store.head());
        assertEquals(3, (int) store.<Integer>write(tx -> tx.pruneFeed(FeedPosition.of(6), T0.plusSeconds(101), 100)));
        assertEquals(List.of(), store.changes(FeedPosition.START, 10));
        assertEquals(FeedPosition.of(6), store.head(), "pruning never lowers the head");
        FeedReceipt next = store.write(tx -> tx.appendEvents(List.of(removed("acme", "next", T0))));
        assertEquals(Optional.of(FeedPosition.of(7)), next.position(), "numbering goes on after pruned events");
        assertEquals(List.of(7L), positions(store.changes(FeedPosition.START, 10)));
        assertThrows(IllegalStateException.class, () -> store.write(tx -> {
            tx.pruneFeed(FeedPosition.of(7), T0.plusSeconds(1000), 10);
            throw new IllegalStateException("rolled back");
        }));
        assertEquals(List.of(7L), positions(store.changes(FeedPosition.START, 10)), "pruning is rolled back with its transaction");
    }

    /**
     * Two writers that read a consumer and then claim it, in write transactions, take turns, whether
     * the consumer is stored yet or not: exactly one of them claims it. If it fails: the store's
     * {@code consumer} does not lock the row in a write transaction, or inserting a consumer that a
     * concurrent transaction inserted first does not fail (and get run again).
     */
    @Test
    public void consumer_twoWritersClaimingOneConsumer_exactlyOneClaimsIt() throws Exception {
        MembershipStore store = store();
        for (int trial = 0; trial < trials(); trial++) {
            String name = "c-" + trial;
            if (trial % 2 == 1) {
                store.write(tx -> {
                    tx.insertConsumer(consumer(name, 0, null, T0));
                    return null;
                });
            }
            List<Boolean> claimed;
            try {
                claimed = race(() -> claim(store, name, "one"), () -> claim(store, name, "two"));
            } catch (ExecutionException e) {
                // A correct store makes the second claimant wait and find the consumer claimed; one that
                // let both read it unclaimed fails the slower one's write (a duplicate row, a lost update).
                throw new AssertionError("trial " + trial + ": a claimant failed instead of finding the consumer claimed"
                        + " (did both transactions read it unclaimed?)", e.getCause());
            }
            assertEquals(1, claimed.stream().filter(c -> c).count(), "trial " + trial + ": " + claimed);
            String owner = claimed.get(0) ? "one" : "two";
            assertEquals(Optional.of(owner), store.read(tx -> tx.consumer(name)).orElseThrow().owner(), "trial " + trial);
        }
    }

    private static boolean claim(MembershipStore store, String name, String instance) {
        return store.write(tx -> {
            Optional<ConsumerRecord> record = tx.consumer(name);
            if (record.isPresent() && record.get().owner().isPresent()) {
                return false;
            }
            spin(1_000_000L); // decide, then write a little later: the rival decides in between
            if (record.isPresent()) {
                tx.updateConsumer(consumer(name, 0, instance, T0.plusSeconds(30)));
            } else {
                tx.insertConsumer(consumer(name, 0, instance, T0.plusSeconds(30)));
            }
            return true;
        });
    }

    // ---- commit order under concurrency ------------------------------------------------------------

    /**
     * The race the outbox protocol exists for: several writers, each in its own organization, append
     * events and commit at moments that put their commits out of the order in which they appended
     * (half of them dawdle before committing), while a reader pages through the feed from the position
     * it last saw. Over {@link #trials()} trials the reader sees every committed event exactly once, at
     * consecutive positions, each writer's events in the order it committed them and each
     * transaction's events together. If it fails: the store numbers events before they commit (an
     * identity or sequence value), so a reader that passed a later number skips an earlier one.
     */
    @Test
    public void commitOrder_writersCommittingOutOfAppendOrder_aConcurrentReaderMissesAndRepeatsNothing()
            throws Exception {
        MembershipStore store = store();
        int writers = 4;
        int changes = 5;
        int outOfIdOrder = 0;
        for (int trial = 0; trial < trials(); trial++) {
            int t = trial;
            AtomicBoolean writing = new AtomicBoolean(true);
            List<Callable<Object>> racers = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                racers.add(() -> {
                    for (int change = 0; change < changes; change++) {
                        List<MembershipEvent> events = new ArrayList<>();
                        for (int k = 0; k <= (writer + change) % 2; k++) {
                            events.add(removed("t" + t + "-w" + writer, "c" + change + "-e" + k, T0));
                        }
                        boolean dawdle = ThreadLocalRandom.current().nextBoolean();
                        store.write(tx -> {
                            FeedReceipt receipt = tx.appendEvents(events);
                            if (dawdle) {
                                spin(ThreadLocalRandom.current().nextLong(200_000, 2_000_000));
                            }
                            return receipt;
                        });
                    }
                    return null;
                });
            }
            FeedPosition start = store.head();
            List<FeedEvent> read = new CopyOnWriteArrayList<>();
            racers.add(() -> {
                FeedPosition after = start;
                while (true) {
                    boolean last = !writing.get();
                    List<FeedEvent> page = store.changes(after, 3);
                    read.addAll(page);
                    if (!page.isEmpty()) {
                        after = page.get(page.size() - 1).position();
                    } else if (last) {
                        return null;
                    }
                }
            });
            List<Future<Object>> running = new ArrayList<>();
            CyclicBarrier go = new CyclicBarrier(racers.size());
            for (Callable<Object> racer : racers) {
                running.add(pool.submit(() -> {
                    go.await(hangGuard().toSeconds(), TimeUnit.SECONDS);
                    return racer.call();
                }));
            }
            for (int w = 0; w < writers; w++) {
                running.get(w).get(hangGuard().toSeconds(), TimeUnit.SECONDS);
            }
            writing.set(false);
            running.get(writers).get(hangGuard().toSeconds(), TimeUnit.SECONDS);

            List<FeedEvent> committed = new ArrayList<>();
            for (List<FeedEvent> page; !(page = store.changes(committed.isEmpty() ? start
                    : committed.get(committed.size() - 1).position(), 1000)).isEmpty(); ) {
                committed.addAll(page);
            }
            int expected = 0;
            for (int w = 0; w < writers; w++) {
                for (int change = 0; change < changes; change++) {
                    expected += (w + change) % 2 + 1;
                }
            }
            assertEquals(expected, committed.size(), "trial " + t + ": every committed event is in the feed");
            assertEquals(committed, read, () -> "trial " + t + ": the concurrent reader saw exactly the feed, in order");
            Map<String, List<String>> byWriter = new HashMap<>();
            for (int i = 0; i < read.size(); i++) {
                assertEquals(FeedPosition.of(start.value() + 1 + i), read.get(i).position(), "trial " + t + ": consecutive");
                if (i > 0 && read.get(i).id() < read.get(i - 1).id()) {
                    outOfIdOrder++;
                }
                MembershipEvent.WorkspaceMemberRemoved event = (MembershipEvent.WorkspaceMemberRemoved) read.get(i).event();
                byWriter.computeIfAbsent(event.organization().value(), o -> new ArrayList<>()).add(event.user().value());
            }
            for (int w = 0; w < writers; w++) {
                List<String> expectedOrder = new ArrayList<>();
                for (int change = 0; change < changes; change++) {
                    for (int k = 0; k <= (w + change) % 2; k++) {
                        expectedOrder.add("c" + change + "-e" + k);
                    }
                }
                assertEquals(expectedOrder, byWriter.get("t" + t + "-w" + w),
                        "trial " + t + ": writer " + w + "'s events in its commit order, each change's together");
            }
        }
        System.out.println(getClass().getSimpleName() + ": " + outOfIdOrder
                + " events committed after an event with a greater id, over " + trials() + " trials");
    }

    // ---- consumers, through the engine ------------------------------------------------------------

    /** acme: alice (admin), bob (member), the custom workspace design; {@link #toggleBob} changes it. */
    private Fixture acme(MembershipStore store, String instance) {
        return Fixture.builder(store).rules(MembershipRules.defaults()).feed(settings(instance))
                .organization("acme", org -> org.admin("alice").member("bob")
                        .workspace("design", ws -> ws.admin("alice")))
                .build();
    }

    private static FeedSettings settings(String instance) {
        return FeedSettings.defaults().instance(instance).pollInterval(Duration.ofMillis(50))
                .pruneEvery(Duration.ZERO);
    }

    /** @return another instance of the host: an engine on the same store and clock */
    private static Membership instance(Fixture f, String instance) {
        return MembershipEngine.builder(f.store()).clock(f.clock()).feed(settings(instance)).build();
    }

    /** Adds bob to design, or removes him: one change, one event. @return its outcome */
    private static Outcome<?> toggleBob(Fixture f) {
        return toggleBob(f, f.membership());
    }

    /** The same through another instance. */
    private static Outcome<?> toggleBob(Fixture f, Membership through) {
        Outcome<?> removed = through.execute(f.actor("alice"),
                new Command.RemoveWorkspaceMember(f.workspace("design"), f.user("bob")));
        Outcome<?> outcome = removed.succeeded() ? removed : through.execute(f.actor("alice"),
                new Command.AddWorkspaceMember(f.workspace("design"), f.user("bob"), WorkspaceRole.USER));
        assertTrue(outcome.succeeded(), outcome::toString);
        assertTrue(outcome.position().isPresent(), "a change carries its position");
        return outcome;
    }

    private Subscription subscribe(ChangeFeed feed, FeedConsumer consumer) {
        Subscription subscription = feed.subscribe(consumer);
        closing.add(subscription);
        return subscription;
    }

    /** @return every event the feed keeps, read in pages */
    private static List<FeedEvent> all(ChangeFeed feed) {
        List<FeedEvent> out = new ArrayList<>();
        FeedPosition after = FeedPosition.START;
        for (List<FeedEvent> page; !(page = feed.read(after, 1000)).isEmpty(); ) {
            assertTrue(page.get(0).position().isAfter(after), "a page starts after the position asked for");
            out.addAll(page);
            after = page.get(page.size() - 1).position();
        }
        return out;
    }

    private void reach(Subscription subscription, FeedPosition position) throws InterruptedException {
        assertTrue(subscription.awaitPosition(position, hangGuard()), () -> subscription.consumer() + " stopped at "
                + subscription.position() + " before " + position);
    }

    /**
     * A consumer delivered one instance at a time gets every event in feed order, stores its position,
     * and after a restart (a new subscription, even on another instance) resumes after it. If it fails:
     * the store loses the consumer's position, or the feed's order.
     */
    @Test
    public void durableConsumer_getsEveryEventInOrder_andResumesAfterItsStoredPosition() throws Exception {
        Fixture f = acme(store(), "a");
        for (int i = 0; i < 3; i++) {
            toggleBob(f);
        }
        List<FeedEvent> received = new CopyOnWriteArrayList<>();
        Subscription first = subscribe(f.membership().changes(), FeedConsumer.named("revoker", received::add).build());
        reach(first, f.membership().changes().head());
        assertEquals(all(f.membership().changes()), received, "every event since the start, in order");
        ConsumerStatus status = f.membership().changes().consumer("revoker").orElseThrow();
        assertEquals(f.membership().changes().head(), status.position());
        assertEquals(0, status.lag());
        first.close();
        assertEquals(Optional.empty(), f.membership().changes().consumer("revoker").orElseThrow().owner(),
                "closing gives up the lease");

        List<FeedEvent> later = new ArrayList<>();
        later.add(feedEventOf(f, toggleBob(f)));
        later.add(feedEventOf(f, toggleBob(f)));
        assertEquals(2, f.membership().changes().consumer("revoker").orElseThrow().lag());
        List<FeedEvent> resumed = new CopyOnWriteArrayList<>();
        Subscription second = subscribe(instance(f, "b").changes(), FeedConsumer.named("revoker", resumed::add).build());
        reach(second, f.membership().changes().head());
        assertEquals(later, resumed, "after a restart only the events after the stored position");
    }

    private static FeedEvent feedEventOf(Fixture f, Outcome<?> outcome) {
        return eventAt(f, outcome.position().orElseThrow());
    }

    private static FeedEvent eventAt(Fixture f, FeedPosition position) {
        return f.membership().changes().read(FeedPosition.of(position.value() - 1), 1).get(0);
    }

    /**
     * The position is stored only after the listener returned: while it handles an event, the stored
     * position is the one before. If it fails: the engine acknowledges before delivering (a crash in
     * between would lose the event).
     */
    @Test
    public void durableConsumer_storesItsPositionOnlyAfterTheListenerReturned() throws Exception {
        Fixture f = acme(store(), "a");
        FeedPosition first = toggleBob(f).position().orElseThrow();
        FeedPosition second = toggleBob(f).position().orElseThrow();
        CountDownLatch inSecond = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Subscription subscription = subscribe(f.membership().changes(), FeedConsumer.named("slow", event -> {
            if (event.position().equals(second)) {
                inSecond.countDown();
                await(release);
            }
        }).build());
        await(inSecond);
        assertEquals(first, f.membership().changes().consumer("slow").orElseThrow().position(),
                "while the listener handles the second event, the first is the stored position");
        release.countDown();
        reach(subscription, second);
        assertEquals(second, f.membership().changes().consumer("slow").orElseThrow().position());
    }

    /**
     * A listener that throws is called again after a pause; one that recovers delivers the event once
     * more and nothing is parked; one that keeps failing has the event parked after the consumer's
     * attempts, visible with its last error, and the consumer goes on with the next events.
     *
     * <p>If it fails: check park and updateConsumer in the engine's acknowledgement transaction.
     */
    @Test
    public void durableConsumer_aFailingListenerIsRetried_thenTheEventIsParked_andTheConsumerGoesOn() throws Exception {
        Fixture f = acme(store(), "a");
        FeedPosition setUp = f.membership().changes().head();
        FeedPosition flaky = toggleBob(f).position().orElseThrow();
        FeedPosition broken = toggleBob(f).position().orElseThrow();
        FeedPosition fine = toggleBob(f).position().orElseThrow();
        Map<FeedPosition, AtomicInteger> calls = new ConcurrentHashMap<>();
        List<FeedPosition> delivered = new CopyOnWriteArrayList<>();
        FeedListener listener = event -> {
            int call = calls.computeIfAbsent(event.position(), p -> new AtomicInteger()).incrementAndGet();
            if (event.position().equals(flaky) && call < 3) {
                throw new IllegalStateException("flaky, call " + call);
            }
            if (event.position().equals(broken)) {
                throw new IllegalStateException("keys service down");
            }
            delivered.add(event.position());
        };
        Subscription subscription = subscribe(f.membership().changes(), FeedConsumer.named("revoker", listener)
                .maxAttempts(4).retries(Duration.ofMillis(1), Duration.ofMillis(4)).startAfter(setUp).build());
        reach(subscription, fine);
        assertEquals(List.of(flaky, fine), delivered);
        assertEquals(3, calls.get(flaky).get(), "the flaky event was tried until it went through");
        assertEquals(4, calls.get(broken).get(), "the broken one as often as the consumer's attempts");
        ConsumerStatus status = f.membership().changes().consumer("revoker").orElseThrow();
        assertEquals(fine, status.position());
        assertEquals(1, status.parked().size());
        ParkedEvent parked = status.parked().get(0);
        assertEquals(broken, parked.event().position());
        assertEquals(eventAt(f, broken), parked.event());
        assertEquals(4, parked.attempts());
        assertTrue(parked.error().contains("keys service down"), parked.error());
        assertEquals(status, subscription.status());
    }

    /**
     * Two instances subscribe one consumer: one delivers while the other stands by; each event is
     * delivered once; when the first closes, the other takes over at once from the stored position.
     *
     * <p>If it fails: check that consumer() locks the consumer's row in a write transaction, and the
     * stored position.
     */
    @Test
    public void durableConsumer_twoInstances_oneDeliversAtATime_theOtherTakesOverFromTheStoredPosition()
            throws Exception {
        Fixture f = acme(store(), "a");
        List<FeedEvent> onA = new CopyOnWriteArrayList<>();
        List<FeedEvent> onB = new CopyOnWriteArrayList<>();
        Subscription a = subscribe(f.membership().changes(), FeedConsumer.named("revoker", onA::add).build());
        Subscription b = subscribe(instance(f, "b").changes(), FeedConsumer.named("revoker", onB::add).build());
        for (int i = 0; i < 5; i++) {
            toggleBob(f);
        }
        reach(a, f.membership().changes().head());
        assertTrue(onA.isEmpty() || onB.isEmpty(), () -> "both delivered: " + onA + " / " + onB);
        List<FeedEvent> together = new ArrayList<>(onA);
        together.addAll(onB);
        assertEquals(all(f.membership().changes()), together, "each event once");
        Subscription owner = onA.isEmpty() ? b : a;
        Subscription standby = owner == a ? b : a;
        List<FeedEvent> standbyGot = owner == a ? onB : onA;
        owner.close();
        List<FeedEvent> afterwards = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            afterwards.add(feedEventOf(f, toggleBob(f)));
        }
        reach(standby, f.membership().changes().head());
        assertEquals(afterwards, standbyGot, "the standby took over after the stored position");
    }

    /**
     * An instance that hangs in its listener keeps the consumer only while its lease lasts: once the
     * lease lapses another instance takes over, delivers the event under way again (at least once),
     * and the hung instance, when it wakes, stores nothing and delivers no more.
     *
     * <p>If it fails: check the lease stored by updateConsumer and the owner check under consumer()'s
     * lock.
     */
    @Test
    public void durableConsumer_anInstanceThatHangs_losesTheConsumerWhenItsLeaseLapses() throws Exception {
        Fixture f = acme(store(), "a");
        FeedPosition setUp = f.membership().changes().head();
        FeedPosition stuck = toggleBob(f).position().orElseThrow();
        CountDownLatch hung = new CountDownLatch(1);
        CountDownLatch wake = new CountDownLatch(1);
        List<FeedEvent> onA = new CopyOnWriteArrayList<>();
        Subscription a = subscribe(f.membership().changes(), FeedConsumer.named("revoker", event -> {
            onA.add(event);
            hung.countDown();
            await(wake);
        }).startAfter(setUp).build());
        await(hung);
        List<FeedEvent> onB = new CopyOnWriteArrayList<>();
        Subscription b = subscribe(instance(f, "b").changes(), FeedConsumer.named("revoker", onB::add).build());
        FeedPosition next = toggleBob(f).position().orElseThrow();
        f.clock().advance(FeedSettings.defaults().lease().plusSeconds(1));
        reach(b, next);
        assertEquals(List.of(stuck, next), onB.stream().map(FeedEvent::position).toList(),
                "the other instance delivered the event under way again, then the next");
        wake.countDown();
        FeedPosition last = toggleBob(f).position().orElseThrow();
        reach(b, last);
        assertEquals(List.of(stuck), onA.stream().map(FeedEvent::position).toList(), "the hung instance delivered no more");
        assertEquals(Optional.of("b"), f.membership().changes().consumer("revoker").orElseThrow().owner());
        assertEquals(last, a.status().position(), "its status reads the stored position");
    }

    /**
     * A consumer delivered to every instance gives each subscribed instance its own copy of every
     * event committed after it subscribed, by any instance, and stores nothing.
     *
     * <p>If it fails: check changes() and head(): every instance reads the same feed.
     */
    @Test
    public void everyInstanceConsumer_eachInstanceGetsItsOwnCopyOfEveryLaterEvent() throws Exception {
        Fixture f = acme(store(), "a");
        toggleBob(f);
        Membership other = instance(f, "b");
        List<FeedEvent> onA = new CopyOnWriteArrayList<>();
        List<FeedEvent> onB = new CopyOnWriteArrayList<>();
        Subscription a = subscribe(f.membership().changes(), FeedConsumer.named("cache", onA::add)
                .delivery(FeedConsumer.Delivery.EVERY_INSTANCE).build());
        Subscription b = subscribe(other.changes(), FeedConsumer.named("cache", onB::add)
                .delivery(FeedConsumer.Delivery.EVERY_INSTANCE).build());
        List<FeedEvent> expected = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            expected.add(feedEventOf(f, toggleBob(f)));
        }
        expected.add(feedEventOf(f, toggleBob(f, other)));
        reach(a, f.membership().changes().head());
        reach(b, f.membership().changes().head());
        assertEquals(expected, onA);
        assertEquals(expected, onB);
        assertEquals(List.of(), f.membership().changes().consumers(), "nothing stored");
        assertEquals(0, a.status().lag());
    }

    /**
     * The guarantee behind "removed on one instance, refused on the next request to any other": after
     * a change through one engine returned, {@code catchUp} on another engine's every-instance
     * subscription returns only once that subscription's listener has the change's event.
     *
     * <p>If it fails: check that head() numbers and returns everything committed before it was asked.
     */
    @Test
    public void catchUp_afterAChangeThroughAnotherInstanceReturned_hasDeliveredIt() throws Exception {
        Fixture f = acme(store(), "a");
        Membership other = instance(f, "b");
        Set<FeedPosition> seen = ConcurrentHashMap.newKeySet();
        Subscription cache = subscribe(other.changes(), FeedConsumer.named("cache", event -> seen.add(event.position()))
                .delivery(FeedConsumer.Delivery.EVERY_INSTANCE).build());
        for (int trial = 0; trial < Math.max(20, trials() / 4); trial++) {
            FeedPosition changed = toggleBob(f).position().orElseThrow();
            assertTrue(cache.catchUp(hangGuard()), "trial " + trial + ": caught up");
            assertTrue(seen.contains(changed), "trial " + trial + ": the change reached the other instance's listener");
        }
        assertTrue(cache.catchUp(hangGuard()), "with nothing new, catching up returns at once");
    }

    /**
     * A change's position, handed to another instance, can be awaited there: a durable consumer's
     * subscription returns once it passed it, and {@code false} at the timeout for a position not yet
     * reached.
     *
     * <p>If it fails: check the FeedReceipt's position and awaitChanges' wake-ups.
     */
    @Test
    public void awaitPosition_ofAChangesPosition_returnsOnceTheConsumerPassedIt() throws Exception {
        Fixture f = acme(store(), "a");
        Membership other = instance(f, "b");
        Set<FeedPosition> seen = ConcurrentHashMap.newKeySet();
        Subscription revoker = subscribe(other.changes(), FeedConsumer.named("revoker", e -> seen.add(e.position())).build());
        FeedPosition changed = toggleBob(f).position().orElseThrow();
        assertTrue(revoker.awaitPosition(changed, hangGuard()));
        assertTrue(seen.contains(changed));
        assertFalse(revoker.awaitPosition(FeedPosition.of(changed.value() + 5), Duration.ofMillis(30)),
                "a position nobody reached yet times out");
    }

    /** One feed refuses a second subscription of a consumer of the same name while the first runs.
     *
     * <p>If it fails: check the engine's feed, not the store.
     */
    @Test
    public void subscribe_aNameAlreadySubscribedOnThisFeed_isRefused() {
        Fixture f = acme(store(), "a");
        subscribe(f.membership().changes(), FeedConsumer.named("revoker", e -> { }).build());
        assertThrows(IllegalStateException.class,
                () -> f.membership().changes().subscribe(FeedConsumer.named("revoker", e -> { }).build()));
    }

    // ---- retention ---------------------------------------------------------------------------------

    /**
     * Pruning keeps every event a stored consumer has not passed, and every event younger than the
     * retention; it deletes the rest, oldest first, and the feed's head and numbering go on. Removing
     * a consumer releases what it held.
     *
     * <p>If it fails: check pruneFeed's bounds and the consumers' stored positions.
     */
    @Test
    public void retention_prunesOnlyWhatEveryStoredConsumerPassed_andOnlyOnceTheRetentionElapsed() {
        Fixture f = Fixture.builder(store()).feed(settings("a").retention(Duration.ofDays(1)))
                .organization("acme", org -> org.admin("alice").member("bob").workspace("design", ws -> ws.admin("alice")))
                .build();
        List<FeedPosition> positions = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            positions.add(toggleBob(f).position().orElseThrow());
        }
        FeedPosition head = f.membership().changes().head();
        f.store().write(tx -> {
            tx.insertConsumer(new ConsumerRecord("slow", positions.get(1), Optional.empty(), f.clock().instant()));
            return null;
        });
        ChangeFeed feed = f.membership().changes();
        assertEquals(0, feed.prune(), "nothing is older than the retention yet");
        f.clock().advance(Duration.ofDays(2));
        int pruned = feed.prune();
        assertEquals(positions.get(1).value(), pruned, "up to what the slow consumer passed");
        assertEquals(positions.get(1).value() + 1, all(feed).get(0).position().value());
        assertEquals(head, feed.head());
        assertTrue(feed.removeConsumer("slow"));
        assertEquals(head.value() - positions.get(1).value(), feed.prune(), "removing the consumer released the rest");
        assertEquals(List.of(), all(feed));
        assertEquals(head, feed.head(), "the head stays where it was");
        assertEquals(FeedPosition.of(head.value() + 1), toggleBob(f).position().orElseThrow(), "and numbering goes on");
    }

    /**
     * With a consumer keeping up and the engine pruning by itself, the feed stays bounded by the
     * retention however many changes there are.
     *
     * <p>If it fails: check that pruneFeed deletes what it is asked to, and the events' times.
     */
    @Test
    public void retention_theFeedStaysBoundedWhileConsumersKeepUp() throws Exception {
        Fixture f = Fixture.builder(store()).feed(settings("a").retention(Duration.ofMinutes(30))
                        .pruneEvery(Duration.ofMinutes(1)))
                .organization("acme", org -> org.admin("alice").member("bob").workspace("design", ws -> ws.admin("alice")))
                .build();
        Subscription keepingUp = subscribe(f.membership().changes(), FeedConsumer.named("revoker", e -> { }).build());
        FeedPosition setUp = f.membership().changes().head();
        int most = 0;
        for (int i = 0; i < 240; i++) {
            f.clock().advance(Duration.ofMinutes(1));
            reach(keepingUp, toggleBob(f).position().orElseThrow());
            most = Math.max(most, all(f.membership().changes()).size());
        }
        assertTrue(most <= 40, "at most about the retention's worth of events is kept, not " + most);
        assertEquals(FeedPosition.of(setUp.value() + 240), f.membership().changes().head(), "one event per change");
    }

    /**
     * A consumer delivered to every instance whose position fell behind pruning is told of the gap,
     * then gets the events that are kept.
     *
     * <p>If it fails: check that changes() after a pruned position returns the first kept event, not
     * an error.
     */
    @Test
    public void gap_aConsumerBehindPruning_isToldOfTheGap_thenGetsWhatIsKept() throws Exception {
        Fixture f = Fixture.builder(store()).feed(settings("a").retention(Duration.ZERO))
                .organization("acme", org -> org.admin("alice").member("bob").workspace("design", ws -> ws.admin("alice")))
                .build();
        FeedPosition early = toggleBob(f).position().orElseThrow();
        toggleBob(f);
        FeedPosition pruned = toggleBob(f).position().orElseThrow();
        f.clock().advance(Duration.ofSeconds(1));
        assertEquals(pruned.value(), f.membership().changes().prune());
        List<String> told = new CopyOnWriteArrayList<>();
        Subscription cache = subscribe(f.membership().changes(), FeedConsumer.named("cache", new FeedListener() {
            @Override
            public void on(FeedEvent event) {
                told.add("event " + event.position().value());
            }

            @Override
            public void onGap(FeedPosition after, FeedPosition upTo) {
                told.add("gap " + after.value() + "-" + upTo.value());
            }
        }).delivery(FeedConsumer.Delivery.EVERY_INSTANCE).startAfter(early).build());
        FeedPosition kept = toggleBob(f).position().orElseThrow();
        reach(cache, kept);
        assertEquals(List.of("gap " + early.value() + "-" + pruned.value(), "event " + kept.value()), told);
    }

    // ---- helpers -------------------------------------------------------------------------------------

    private static MembershipEvent removed(String organization, String user, Instant at) {
        return new MembershipEvent.WorkspaceMemberRemoved(OrganizationId.of(organization), WorkspaceId.of("ws"),
                UserId.of(user), at);
    }

    private static ConsumerRecord consumer(String name, long position, String owner, Instant leaseUntil) {
        return new ConsumerRecord(name, FeedPosition.of(position), Optional.ofNullable(owner), leaseUntil);
    }

    private static ParkedEvent parked(long position, int attempts, MembershipEvent event) {
        return new ParkedEvent(new FeedEvent(position, FeedPosition.of(position), event), attempts, "failed", T0);
    }

    private static List<Long> positions(List<FeedEvent> events) {
        return events.stream().map(e -> e.position().value()).toList();
    }

    private void await(CountDownLatch latch) {
        try {
            if (!latch.await(hangGuard().toSeconds(), TimeUnit.SECONDS)) {
                fail("a step the test waits for never happened");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void spin(long nanos) {
        long until = System.nanoTime() + nanos;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }

    /** A task that may throw. */
    @FunctionalInterface
    private interface Callable<T> {
        T call() throws Exception;
    }

    /** Runs the contestants on their own threads, released together (gathered, then spinning until all are awake). */
    @SafeVarargs
    private <T> List<T> race(Callable<T>... contestants) throws Exception {
        CyclicBarrier go = new CyclicBarrier(contestants.length);
        AtomicInteger awake = new AtomicInteger();
        List<Future<T>> running = new ArrayList<>();
        for (Callable<T> contestant : contestants) {
            running.add(pool.submit(() -> {
                go.await(hangGuard().toSeconds(), TimeUnit.SECONDS);
                awake.incrementAndGet();
                while (awake.get() < contestants.length) {
                    Thread.yield();
                }
                return contestant.call();
            }));
        }
        List<T> results = new ArrayList<>();
        for (Future<T> future : running) {
            results.add(future.get(hangGuard().toSeconds(), TimeUnit.SECONDS));
        }
        return results;
    }
}
