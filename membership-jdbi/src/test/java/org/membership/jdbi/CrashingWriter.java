package org.membership.jdbi;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.membership.api.Actor;
import org.membership.api.Command;
import org.membership.api.Email;
import org.membership.api.FeedConsumer;
import org.membership.api.FeedEvent;
import org.membership.api.FeedListener;
import org.membership.api.FeedPosition;
import org.membership.api.Invitation;
import org.membership.api.Membership;
import org.membership.api.MembershipRules;
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationRole;
import org.membership.api.Outcome;
import org.membership.api.Presets;
import org.membership.api.UserId;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceRole;
import org.membership.core.FeedSettings;
import org.membership.core.MembershipEngine;
import org.membership.core.spi.ConsumerRecord;
import org.membership.core.spi.MembershipStore;
import org.membership.core.spi.StoreTransaction;
import org.membership.tck.ForwardingStore;

/**
 * The child process of {@link CrashContract}: opens a SQLite file or a PostgreSQL database that
 * already holds the test's world, runs a durable consumer of the change feed on it, and changes
 * memberships in a loop until it is killed. Before each call it prints {@code begin <n> <what>}; after the call has returned (so has
 * committed) it prints {@code committed <n> <what>}; each line is flushed at once, so the parent knows
 * every change that committed and the one call, at most, that was under way when the process died.
 *
 * <p>{@code <what>} is one of {@code ws-remove <workspace> <user>}, {@code ws-add <workspace> <user>},
 * {@code org-remove <user>} (by email: the membership, every workspace membership in the
 * organization and any pending invitation), {@code invite <user>}, {@code accept <user>} and
 * {@code revoke <user>} (removal by email of someone who only has a pending invitation).
 *
 * <p>The consumer ({@value #CONSUMER}, delivered one instance at a time) journals each event it is
 * given in its own append-only file, {@code delivered <id> <position>}, with one {@code write} to the
 * file before the listener returns: what is in the file when the process dies is exactly what the
 * listener had returned from, or was about to. A SIGKILL ends the process, not the operating system,
 * so the page cache keeps every completed write without an fsync.
 *
 * <p>Arguments: the SQLite file or a {@code jdbc:postgresql:} URL, SQLite's durability ({@code FULL} or
 * {@code NORMAL}), seed, run number (for unique
 * invitation ids), organization id, admin user, comma-separated member users, comma-separated
 * custom workspace ids, then options as {@code key=value}:
 * <ul>
 *   <li>{@code deliveries=<file>}: the consumer's journal (required);</li>
 *   <li>{@code instance=<name>}: this instance's name in the consumer's lease;</li>
 *   <li>{@code hold=listener:<k>}: the listener, called for the k-th time in this process, journals
 *       {@code holding <id> <position>} and never returns; {@code hold=ack:<k>}: the k-th
 *       acknowledgement (a write transaction storing a greater position) journals
 *       {@code acking <position>} after its writes and never commits; {@code hold=numbering:<k>}
 *       (PostgreSQL): the k-th write transaction that appended events commits, and from just before that
 *       COMMIT no numbering of the feed runs (see {@link NumberingHold}); {@code hold=none} (default);</li>
 *   <li>{@code write=false}: make no changes; deliver until the stored position is the feed's head, print
 *       {@code caught-up <position>} and exit 0;</li>
 *   <li>{@code consumer=engine} (default): the engine's {@link FeedConsumer}; {@code consumer=acks-first}
 *       and {@code consumer=acks-every:<n>}: deliberately broken consumers, written here on the store SPI,
 *       that store the position before calling the listener, or only after every n-th event, for the
 *       parent's checks to catch.</li>
 * </ul>
 * Any refusal is a bug in the test's bookkeeping: the child then exits with 3.
 */
final class CrashingWriter {
    /** The consumer's name, the key of its stored position. */
    static final String CONSUMER = "crash-revoker";
    /** The consumer's lease: short, so that an instance of another name takes over soon after a kill. */
    static final Duration LEASE = Duration.ofMillis(500);

    private CrashingWriter() {}

    public static void main(String[] args) throws Exception {
        String database = args[0];
        JdbiStore.Durability durability = JdbiStore.Durability.valueOf(args[1]);
        Random random = new Random(Long.parseLong(args[2]));
        String run = args[3];
        OrganizationId org = OrganizationId.of(args[4]);
        Actor admin = Actor.user(UserId.of(args[5]));
        List<String> users = List.of(args[6].split(","));
        List<WorkspaceId> workspaces = new ArrayList<>();
        for (String id : args[7].split(",")) {
            workspaces.add(WorkspaceId.of(id));
        }
        Map<String, String> options = new HashMap<>();
        for (int i = 8; i < args.length; i++) {
            String[] pair = args[i].split("=", 2);
            options.put(pair[0], pair[1]);
        }
        Journal deliveries = new Journal(Path.of(options.get("deliveries")));
        Hold hold = Hold.parse(options.getOrDefault("hold", "none"));
        String consumerKind = options.getOrDefault("consumer", "engine");
        boolean writes = !"false".equals(options.get("write"));

        PrintStream out = System.out;
        AtomicLong ids = new AtomicLong();
        JdbiStore jdbiStore = database.startsWith("jdbc:postgresql:") ? JdbiStore.postgresql(database)
                : JdbiStore.sqlite(Path.of(database), JdbiStore.Options.defaults().durability(durability));
        if (hold.where().equals("numbering")) {
            jdbiStore.statementHooks().add(new NumberingHold(jdbiStore.statements(),
                    hold.nth(), deliveries));
        }
        MembershipStore store = new HoldingStore(jdbiStore, hold, deliveries);
        Membership membership = MembershipEngine.builder(store).rules(Presets.factory())
                .ids(() -> "crash-" + run + "-" + ids.incrementAndGet())
                .feed(FeedSettings.defaults().instance(options.getOrDefault("instance", "child-" + run))
                        .lease(LEASE).pruneEvery(Duration.ZERO))
                .build();
        FeedListener listener = new JournalingListener(deliveries, hold);
        if (consumerKind.equals("engine")) {
            membership.changes().subscribe(FeedConsumer.named(CONSUMER, listener).build());
        } else {
            BrokenConsumer broken = new BrokenConsumer(store, listener, consumerKind.equals("acks-first"),
                    consumerKind.startsWith("acks-every:") ? Integer.parseInt(consumerKind.substring(11)) : 1);
            Thread thread = new Thread(broken, "broken-consumer");
            thread.setDaemon(true);
            thread.start();
        }
        out.println("ready");
        out.flush();
        if (!writes) {
            FeedPosition head = store.head();
            while (store.read(tx -> tx.consumer(CONSUMER)).map(ConsumerRecord::position).orElse(FeedPosition.START)
                    .compareTo(head) < 0) {
                Thread.sleep(5);
            }
            out.println("caught-up " + head.value());
            out.flush();
            System.exit(0);
        }
        for (long n = 1; ; n++) {
            String name = users.get(random.nextInt(users.size()));
            UserId user = UserId.of(name);
            Email email = Email.of(name + "@example.com");
            boolean member = store.read(tx -> tx.organizationMember(org, user)).isPresent();
            Optional<Invitation> pending = store.read(tx -> tx.pendingInvitation(org, email));
            String what;
            Command<?> command;
            Actor actor = admin;
            if (member) {
                WorkspaceId ws = workspaces.get(random.nextInt(workspaces.size()));
                int roll = random.nextInt(10);
                if (roll < 3) {
                    what = "org-remove " + name;
                    command = new Command.RemoveOrganizationUser(org, email, "crash test");
                } else if (store.read(tx -> tx.workspaceMember(ws, user)).isPresent()) {
                    what = "ws-remove " + ws.value() + " " + name;
                    command = new Command.RemoveWorkspaceMember(ws, user, "crash test");
                } else {
                    what = "ws-add " + ws.value() + " " + name;
                    command = new Command.AddWorkspaceMember(ws, user, WorkspaceRole.USER);
                }
            } else if (pending.isPresent()) {
                if (random.nextInt(4) == 0) {
                    what = "revoke " + name;
                    command = new Command.RemoveOrganizationUser(org, email, "crash test");
                } else {
                    what = "accept " + name;
                    command = new Command.AcceptInvitation(pending.get().id());
                    actor = Actor.user(user);
                }
            } else {
                what = "invite " + name;
                command = new Command.InviteToOrganization(org, email, OrganizationRole.MEMBER);
            }
            out.println("begin " + n + " " + what);
            out.flush();
            Outcome<?> outcome = membership.execute(actor, command);
            if (!outcome.succeeded()) {
                System.err.println("refused: " + what + ": " + outcome);
                System.exit(3);
            }
            out.println("committed " + n + " " + what);
            out.flush();
        }
    }

    /** Waits for the SIGKILL: a held listener or acknowledgement never goes on. */
    private static void forever() {
        while (true) {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                // a subscription being closed interrupts waits; this one outlasts it
            }
        }
    }

    /** An append-only file of lines, each written with one write: complete in the file once written. Thread-safe. */
    static final class Journal {
        private final FileOutputStream out;

        Journal(Path file) throws IOException {
            this.out = new FileOutputStream(file.toFile(), true);
        }

        synchronized void line(String text) {
            try {
                out.write((text + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Where, if anywhere, this child stops for the kill. Immutable. */
    record Hold(String where, int nth) {
        static Hold parse(String text) {
            if (text.equals("none")) {
                return new Hold("none", 0);
            }
            String[] parts = text.split(":");
            return new Hold(parts[0], Integer.parseInt(parts[1]));
        }
    }

    /** Journals each event before returning; holds in the listener if asked. Called on one thread at a time. */
    private static final class JournalingListener implements FeedListener {
        private final Journal journal;
        private final Hold hold;
        private int calls;

        JournalingListener(Journal journal, Hold hold) {
            this.journal = journal;
            this.hold = hold;
        }

        @Override
        public void on(FeedEvent event) {
            calls++;
            if (hold.where().equals("listener") && calls == hold.nth()) {
                journal.line("holding " + event.id() + " " + event.position().value());
                forever();
            }
            journal.line("delivered " + event.id() + " " + event.position().value());
        }
    }

    /**
     * The store, with the consumer's acknowledgements counted: the k-th (a write transaction whose
     * {@code updateConsumer} stores a greater position than the one it read) holds, if asked, after
     * its writes and before its commit. Thread-safe.
     */
    private static final class HoldingStore extends ForwardingStore {
        private final Hold hold;
        private final Journal journal;
        private final AtomicLong acks = new AtomicLong();

        HoldingStore(MembershipStore delegate, Hold hold, Journal journal) {
            super(delegate);
            this.hold = hold;
            this.journal = journal;
        }

        @Override
        public <T> T write(Function<StoreTransaction, T> work) {
            return super.write(tx -> {
                long[] read = {-1};
                long[] stored = {-1};
                StoreTransaction watched = (StoreTransaction) Proxy.newProxyInstance(
                        StoreTransaction.class.getClassLoader(), new Class<?>[] {StoreTransaction.class},
                        (proxy, method, arguments) -> {
                            Object result;
                            try {
                                result = method.invoke(tx, arguments);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                            if (method.getName().equals("consumer") && result instanceof Optional<?> found) {
                                read[0] = found.map(r -> ((ConsumerRecord) r).position().value()).orElse(-1L);
                            } else if (method.getName().equals("updateConsumer")) {
                                stored[0] = ((ConsumerRecord) arguments[0]).position().value();
                            }
                            return result;
                        });
                T result = work.apply(watched);
                if (stored[0] > read[0] && read[0] >= 0 && acks.incrementAndGet() == hold.nth()
                        && hold.where().equals("ack")) {
                    journal.line("acking " + stored[0]);
                    forever();
                }
                return result;
            });
        }
    }

    /**
     * PostgreSQL's outbox numbers a change's events after its COMMIT (the SPI's outbox protocol). This
     * holds, for ever, every numbering of the feed (the sequencer's statements, whoever runs them: the
     * writer right after its commit, the consumer before it reads, or a read of the feed's head, which
     * on PostgreSQL numbers too) from just before the COMMIT of the
     * k-th write transaction that appended events, having waited for any numbering under way to end; once
     * that COMMIT has run it journals {@code unnumbered <k>}. A kill then leaves a committed change whose
     * events nobody numbered. Thread-safe.
     */
    private static final class NumberingHold implements StatementHooks.Hook {
        private final String numbering;
        private final String head;
        private final String append;
        private final int nth;
        private final Journal journal;
        private final ThreadLocal<Boolean> appended = ThreadLocal.withInitial(() -> false);
        private final ThreadLocal<Boolean> committingTheHeldOne = ThreadLocal.withInitial(() -> false);
        /** Guarded by this. */
        private int commits;
        private boolean held;
        private int numberingsUnderWay;

        NumberingHold(Statements sql, int nth, Journal journal) {
            this.numbering = sql.numberEvents;
            this.head = sql.head;
            this.append = sql.appendEvent;
            this.nth = nth;
            this.journal = journal;
        }

        @Override
        public synchronized void before(String sql, PreparedStatement statement) {
            if (numbers(sql)) {
                while (held) {
                    waitHere();
                }
                numberingsUnderWay++;
            } else if (sql.equals(append)) {
                appended.set(true);
            } else if (sql.startsWith("BEGIN")) {
                appended.set(false);
            } else if (sql.equals("COMMIT") && appended.get()) {
                appended.set(false);
                if (++commits == nth) {
                    held = true;
                    while (numberingsUnderWay > 0) {
                        waitHere();
                    }
                    committingTheHeldOne.set(true);
                }
            }
        }

        @Override
        public synchronized void after(String sql, PreparedStatement statement) {
            if (numbers(sql)) {
                numberingsUnderWay--;
                notifyAll();
            } else if (sql.equals("COMMIT") && committingTheHeldOne.get()) {
                committingTheHeldOne.set(false);
                journal.line("unnumbered " + nth);
            }
        }

        /** @return whether the statement runs the sequencer */
        private boolean numbers(String sql) {
            return sql.equals(numbering) || sql.equals(head);
        }

        private void waitHere() {
            try {
                wait();
            } catch (InterruptedException e) {
                // a subscription being closed interrupts waits; this one outlasts it
            }
        }
    }

    /**
     * A consumer that gets the protocol wrong on purpose, for the parent's self-tests: it stores its
     * position before calling the listener (a crash in between loses the event), or only after every
     * n-th event (a crash repeats up to n deliveries). Runs on a thread of its own.
     */
    private static final class BrokenConsumer implements Runnable {
        private final MembershipStore store;
        private final FeedListener listener;
        private final boolean acksFirst;
        private final int ackEvery;

        BrokenConsumer(MembershipStore store, FeedListener listener, boolean acksFirst, int ackEvery) {
            this.store = store;
            this.listener = listener;
            this.acksFirst = acksFirst;
            this.ackEvery = ackEvery;
        }

        @Override
        public void run() {
            FeedPosition at = store.write(tx -> tx.consumer(CONSUMER).map(ConsumerRecord::position).orElseGet(() -> {
                tx.insertConsumer(new ConsumerRecord(CONSUMER, FeedPosition.START, Optional.empty(), Instant.EPOCH));
                return FeedPosition.START;
            }));
            for (long delivered = 0; ; ) {
                List<FeedEvent> batch = store.changes(at, 100);
                if (batch.isEmpty()) {
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                    continue;
                }
                for (FeedEvent event : batch) {
                    if (acksFirst) {
                        store(event.position());
                    }
                    try {
                        listener.on(event);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    if (!acksFirst && ++delivered % ackEvery == 0) {
                        store(event.position());
                    }
                    at = event.position();
                }
            }
        }

        private void store(FeedPosition reached) {
            store.write(tx -> {
                tx.consumer(CONSUMER);
                tx.updateConsumer(new ConsumerRecord(CONSUMER, reached, Optional.empty(), Instant.EPOCH));
                return null;
            });
        }
    }
}
