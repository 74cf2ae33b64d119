package org.membership.benchmarks;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.membership.api.Actor;
import org.membership.api.Command;
import org.membership.api.Email;
import org.membership.api.Membership;
import org.membership.api.OrganizationId;
import org.membership.api.PageRequest;
import org.membership.api.UserId;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceRole;
import org.membership.core.MembershipEngine;
import org.membership.api.FeedEvent;
import org.membership.api.FeedPosition;
import org.membership.core.spi.MembershipStore;
import org.membership.core.spi.StoreTransaction;
import org.membership.jdbi.JdbiStore;

/**
 * Prints the store calls the engine makes for each benchmarked operation, in an organization of
 * each given size. On {@link JdbiStore} every {@link StoreTransaction} call is one SQL statement,
 * and each transaction adds BEGIN and COMMIT (or ROLLBACK): so this is the statement count, and
 * equal lists for both sizes show there is no per-member query.
 *
 * <pre>{@code java -cp ... org.membership.benchmarks.StatementCount 100 100000}</pre>
 */
public final class StatementCount {
    private StatementCount() {}

    /** @param args organization sizes (default: 100 and 100000) */
    public static void main(String[] args) throws IOException {
        Path directory = Files.createTempDirectory("membership-statements");
        for (String size : args.length > 0 ? args : new String[] {"100", "100000"}) {
            int members = Integer.parseInt(size);
            Path file = directory.resolve("world-" + members + ".db");
            JdbiBenchmark.build(file, members);
            try (JdbiStore store = JdbiStore.sqlite(file)) {
                Counting counting = new Counting(store);
                Membership membership = MembershipEngine.builder(counting).build();
                Actor admin = Actor.user(UserId.of(JdbiBenchmark.ADMIN));
                WorkspaceId ws = WorkspaceId.of(JdbiBenchmark.WORKSPACE);
                UserId target = UserId.of("m" + members / 2);
                System.out.println("== " + members + " members");
                show(counting, "dry run of a removal", () -> membership.check(admin,
                        new Command.RemoveWorkspaceMember(ws, target)));
                show(counting, "removal", () -> membership.execute(admin, new Command.RemoveWorkspaceMember(ws, target)));
                show(counting, "re-add", () -> membership.execute(admin,
                        new Command.AddWorkspaceMember(ws, target, WorkspaceRole.USER)));
                show(counting, "first page", () -> membership.execute(admin,
                        new Command.ListWorkspaceMembers(ws, PageRequest.first())));
                show(counting, "remove from organization (X)", () -> membership.execute(admin,
                        new Command.RemoveOrganizationUser(OrganizationId.of(JdbiBenchmark.ORGANIZATION),
                                Email.of("m" + members / 2 + "@example.com"))));
            }
            for (String suffix : new String[] {"", "-wal", "-shm"}) {
                Files.deleteIfExists(Path.of(file + suffix));
            }
        }
        Files.deleteIfExists(directory);
    }

    private static void show(Counting counting, String what, Supplier<?> operation) {
        counting.calls.clear();
        Object outcome = operation.get();
        System.out.printf("%-30s %2d statements: %s%n    -> %s%n", what, counting.calls.size(), counting.calls,
                outcome.getClass().getSimpleName());
    }

    private static final Set<String> NO_STATEMENT = Set.of("lockOrganization", "lockUser",
            "readsHoldUnderLocks", "afterCommit");

    /** A store that records every transaction boundary and every call the engine makes on a transaction. */
    private static final class Counting implements MembershipStore {
        final MembershipStore store;
        final List<String> calls = new ArrayList<>();

        Counting(MembershipStore store) {
            this.store = store;
        }

        @Override
        public <T> T write(Function<StoreTransaction, T> work) {
            calls.add("BEGIN IMMEDIATE");
            T result = store.write(tx -> work.apply(recording(tx)));
            calls.add("COMMIT");
            return result;
        }

        @Override
        public <T> Optional<T> writeIfUncontended(Function<StoreTransaction, T> work) {
            int mark = calls.size();
            calls.add("BEGIN IMMEDIATE");
            Optional<T> result = store.writeIfUncontended(tx -> work.apply(recording(tx)));
            if (result.isEmpty()) {
                calls.subList(mark, calls.size()).clear(); // it ran nothing
            } else {
                calls.add("COMMIT");
            }
            return result;
        }

        @Override
        public <T> T read(Function<StoreTransaction, T> work) {
            calls.add("BEGIN DEFERRED");
            T result = store.read(tx -> work.apply(recording(tx)));
            calls.add("ROLLBACK");
            return result;
        }

        @Override
        public List<FeedEvent> changes(FeedPosition after, int limit) {
            return store.changes(after, limit);
        }

        @Override
        public FeedPosition head() {
            return store.head();
        }

        @Override
        public boolean exclusiveWrites() {
            return store.exclusiveWrites();
        }

        @Override
        public void awaitChanges(FeedPosition after, Duration timeout) throws InterruptedException {
            store.awaitChanges(after, timeout);
        }

        private StoreTransaction recording(StoreTransaction tx) {
            return (StoreTransaction) Proxy.newProxyInstance(StoreTransaction.class.getClassLoader(),
                    new Class<?>[] {StoreTransaction.class}, (proxy, method, args) -> {
                        // On SQLite lockOrganization and lockUser run nothing: BEGIN IMMEDIATE already holds the lock;
                        // readsHoldUnderLocks and afterCommit run no SQL.
                        if (!NO_STATEMENT.contains(method.getName())) {
                            calls.add(method.getName());
                        }
                        try {
                            return method.invoke(tx, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }
    }
}
