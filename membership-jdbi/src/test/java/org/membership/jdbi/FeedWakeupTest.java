package org.membership.jdbi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.membership.api.FeedEvent;
import org.membership.api.FeedPosition;
import org.membership.api.MembershipEvent;
import org.membership.api.OrganizationId;
import org.membership.api.UserId;
import org.membership.api.WorkspaceId;

/**
 * Followers of the change feed in one process are woken by changes that another store object
 * (another process, as far as the database can tell) commits on the same database: on PostgreSQL by
 * NOTIFY, which the tests prove by setting the follower's poll interval far beyond the test's wait,
 * and on SQLite by polling the feed's head. Each test waits at most a hang guard, never an expected
 * duration.
 */
final class FeedWakeupTest {
    private static final Duration NEVER_POLLS = Duration.ofHours(1);
    private static final Duration HANG_GUARD = Duration.ofSeconds(30);
    private static final MembershipEvent REMOVED = new MembershipEvent.WorkspaceMemberRemoved(OrganizationId.of("acme"),
            WorkspaceId.of("ws"), UserId.of("ann"), Instant.parse("2026-03-01T00:00:00Z"));

    @TempDir
    Path directory;

    private final ExecutorService pool = Executors.newCachedThreadPool();
    private PostgresDatabase database;

    @AfterEach
    void stop() throws InterruptedException {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(HANG_GUARD.toSeconds(), TimeUnit.SECONDS));
        if (database != null) {
            database.close();
        }
    }

    @Test
    void postgresql_aFollowerIsWokenByNotify_forAChangeAnotherStoreCommitted() throws Exception {
        database = PostgresDatabase.require();
        String url = database.freshSchema();
        try (JdbiStore writer = JdbiStore.postgresql(url);
             JdbiStore follower = JdbiStore.postgresql(url, JdbiStore.Options.defaults().feedPollInterval(NEVER_POLLS))) {
            // A first wait starts the listener; it returns at its short timeout, having seen nothing.
            follower.awaitChanges(FeedPosition.START, Duration.ofMillis(200));
            for (int change = 1; change <= 5; change++) {
                FeedPosition seen = FeedPosition.of(change - 1);
                Future<FeedPosition> woken = pool.submit(() -> {
                    follower.awaitChanges(seen, NEVER_POLLS);
                    return follower.head();
                });
                Thread.sleep(50); // let it wait first: the wake-up must come from the commit, not from a head read
                writer.write(tx -> tx.appendEvents(List.of(REMOVED)));
                assertEquals(FeedPosition.of(change), woken.get(HANG_GUARD.toSeconds(), TimeUnit.SECONDS),
                        "change " + change + " woke the follower although it never polls");
            }
            assertEquals(5, follower.changes(FeedPosition.START, 10).size());
        }
    }

    /**
     * A notification that arrives while no follower waits (between a follower's read of the feed and
     * its next wait) is not lost: the next wait reads the head at once instead of sleeping a poll
     * interval. And a notification with nothing new for this feed costs a head read, not a spin.
     */
    @Test
    void aNotificationBeforeTheWait_isNotLost_andOneWithNothingNewCostsOneHeadRead() throws Exception {
        Runnable[] nudge = new Runnable[1];
        FeedWakeups wakeups = new FeedWakeups(NEVER_POLLS, notified -> {
            nudge[0] = notified;
            return new FeedWakeups.Listener() {
                @Override
                public boolean receiving() {
                    return true;
                }

                @Override
                public void close() {}
            };
        });
        AtomicLong head = new AtomicLong();
        AtomicInteger reads = new AtomicInteger();
        Supplier<FeedPosition> reader = () -> {
            reads.incrementAndGet();
            return FeedPosition.of(head.get());
        };
        wakeups.await(FeedPosition.START, Duration.ofMillis(1), reader); // starts the listener
        head.set(1);
        nudge[0].run(); // another process committed, and its notification came before this follower waits
        Future<Boolean> woken = pool.submit(() -> {
            wakeups.await(FeedPosition.START, NEVER_POLLS, reader);
            return true;
        });
        assertTrue(woken.get(HANG_GUARD.toSeconds(), TimeUnit.SECONDS), "the notification before the wait was lost");

        reads.set(0);
        nudge[0].run(); // a neighbour's change: nothing new here
        wakeups.await(FeedPosition.of(1), Duration.ofMillis(200), reader);
        // The notification's read, and at most one more as the wait runs out (the wait is in whole milliseconds).
        assertTrue(reads.get() <= 2, () -> "a notification with nothing new made " + reads.get() + " head reads in 200 ms");
        wakeups.close();
    }

    /**
     * A notification's channel is the database's: stores of another schema with the same table prefix
     * notify on it too. Their heads must not count as this feed's: a follower that took one for its own
     * would return from every wait at once, with nothing to read, until its own feed caught up.
     */
    @Test
    void postgresql_anotherSchemasNotifications_doNotCountAsThisFeedsHead() throws Exception {
        database = PostgresDatabase.require();
        String url = database.freshSchema();
        try (JdbiStore neighbour = JdbiStore.postgresql(database.freshSchema());
             JdbiStore writer = JdbiStore.postgresql(url);
             JdbiStore follower = JdbiStore.postgresql(url, JdbiStore.Options.defaults().feedPollInterval(NEVER_POLLS))) {
            follower.awaitChanges(FeedPosition.START, Duration.ofMillis(200)); // starts the listener
            Future<FeedPosition> woken = pool.submit(() -> {
                follower.awaitChanges(FeedPosition.START, NEVER_POLLS);
                return follower.head();
            });
            Thread.sleep(50);
            for (int change = 0; change < 3; change++) {
                neighbour.write(tx -> tx.appendEvents(List.of(REMOVED))); // the neighbour's head goes to 3
            }
            writer.write(tx -> tx.appendEvents(List.of(REMOVED)));
            assertEquals(FeedPosition.of(1), woken.get(HANG_GUARD.toSeconds(), TimeUnit.SECONDS),
                    "it woke for its own change, having read its own head");
            long waiting = System.nanoTime();
            follower.awaitChanges(FeedPosition.of(1), Duration.ofMillis(300));
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - waiting);
            assertTrue(waited >= 290, () -> "with nothing new in its own feed it returned after " + waited
                    + " ms of a 300 ms wait: it took the neighbour's head 3 for its own");
            assertEquals(FeedPosition.of(1), follower.head());
        }
    }

    @Test
    void postgresql_withNotificationsOff_aFollowerPollsTheHead_andSeesAChangeAnotherStoreCommitted() throws Exception {
        database = PostgresDatabase.require();
        String url = database.freshSchema();
        try (JdbiStore writer = JdbiStore.postgresql(url);
             JdbiStore follower = JdbiStore.postgresql(url, JdbiStore.Options.defaults().feedNotifications(false)
                     .feedPollInterval(Duration.ofMillis(5)))) {
            for (int change = 1; change <= 3; change++) {
                FeedPosition seen = FeedPosition.of(change - 1);
                Future<List<FeedEvent>> woken = pool.submit(() -> {
                    follower.awaitChanges(seen, HANG_GUARD.multipliedBy(10));
                    return follower.changes(seen, 10);
                });
                Thread.sleep(20);
                writer.write(tx -> tx.appendEvents(List.of(REMOVED)));
                List<FeedEvent> read = woken.get(HANG_GUARD.toSeconds(), TimeUnit.SECONDS);
                assertEquals(List.of(FeedPosition.of(change)), read.stream().map(FeedEvent::position).toList());
            }
        }
    }

    @Test
    void sqlite_aFollowerPollsTheHead_andSeesAChangeAnotherStoreCommittedOnTheFile() throws Exception {
        Path file = directory.resolve("shared.db");
        try (JdbiStore writer = JdbiStore.sqlite(file);
             JdbiStore follower = JdbiStore.sqlite(file, JdbiStore.Options.defaults().feedPollInterval(Duration.ofMillis(5)))) {
            for (int change = 1; change <= 5; change++) {
                FeedPosition seen = FeedPosition.of(change - 1);
                Future<List<FeedEvent>> woken = pool.submit(() -> {
                    follower.awaitChanges(seen, HANG_GUARD.multipliedBy(10));
                    return follower.changes(seen, 10);
                });
                Thread.sleep(20);
                writer.write(tx -> tx.appendEvents(List.of(REMOVED)));
                List<FeedEvent> read = woken.get(HANG_GUARD.toSeconds(), TimeUnit.SECONDS);
                assertEquals(List.of(FeedPosition.of(change)), read.stream().map(FeedEvent::position).toList());
            }
        }
    }
}
