package org.membership.jdbi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.membership.api.Actor;
import org.membership.api.Command;
import org.membership.api.Email;
import org.membership.api.InvitationId;
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationRole;
import org.membership.api.Outcome;
import org.membership.api.Reason;
import org.membership.api.UserId;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceRole;
import org.membership.core.spi.MembershipStore;
import org.membership.core.spi.StoreTransaction;
import org.membership.tck.ForwardingStore;
import org.membership.tck.Fixture;

/**
 * Rule 3 in time as well as in content: a caller probing another organization's workspace,
 * invitation or membership is answered before any lock that organization's writers can hold, so
 * the answer neither waits for them nor reveals, by waiting, that the thing exists. Each probe is
 * compared, in the same run, with the same command aimed at something that does not exist, while
 * one of acme's writers holds acme's lock; and a caller that was in scope when it asked is checked
 * again once it holds the lock.
 */
abstract class ScopeProbeContract {
    /** How long a probe may take before the test calls it waiting; a probe that waits for the lock never finishes. */
    private static final long WAIT_SECONDS = 20;

    private JdbiStore jdbi;
    private LockHook store;
    private Fixture f;
    private ExecutorService pool;

    /** @return a new, empty store */
    protected abstract JdbiStore openStore();

    @BeforeEach
    void build() {
        jdbi = openStore();
        store = new LockHook(jdbi);
        f = Fixture.builder(store)
                .organization("acme", org -> org
                        .admin("alice")
                        .admin("carl")
                        .member("bob")
                        .workspace("research", ws -> ws.admin("alice").member("bob"))
                        .invitation("dora@example.com"))
                .organization("globex", org -> org
                        .admin("gina")
                        .workspace("labs", ws -> ws.admin("gina")))
                .build();
        pool = Executors.newCachedThreadPool();
    }

    @AfterEach
    void close() {
        pool.shutdownNow();
        jdbi.close();
    }

    /** One of acme's writers, holding acme's lock until {@link #close()}. */
    private final class AcmeWriter implements AutoCloseable {
        private final CountDownLatch held = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);
        private final Future<?> writer;

        AcmeWriter() throws Exception {
            writer = pool.submit(() -> jdbi.write(tx -> {
                tx.lockOrganization(f.organization("acme"));
                held.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            }));
            assertTrue(held.await(WAIT_SECONDS, TimeUnit.SECONDS), "acme's writer took acme's lock");
        }

        boolean holding() {
            return !writer.isDone();
        }

        @Override
        public void close() throws Exception {
            release.countDown();
            writer.get(WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    private Outcome<?> completes(Future<? extends Outcome<?>> probe, String what) throws Exception {
        try {
            return probe.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return fail(what + " waited for acme's writer");
        }
    }

    /** Each probe of acme's things by globex's admin, beside the same command aimed at nothing at all. */
    private Map<String, List<Command<?>>> probes() {
        WorkspaceId research = f.workspace("research");
        WorkspaceId absent = WorkspaceId.of("no-such-workspace");
        OrganizationId acme = f.organization("acme");
        OrganizationId nowhere = OrganizationId.of("no-such-organization");
        UserId bob = f.user("bob");
        Map<String, List<Command<?>>> probes = new LinkedHashMap<>();
        probes.put("remove from a workspace", List.of(new Command.RemoveWorkspaceMember(research, bob),
                new Command.RemoveWorkspaceMember(absent, bob)));
        probes.put("add to a workspace", List.of(new Command.AddWorkspaceMember(research, f.user("gina"), WorkspaceRole.USER),
                new Command.AddWorkspaceMember(absent, f.user("gina"), WorkspaceRole.USER)));
        probes.put("change a role", List.of(new Command.ChangeWorkspaceRole(research, bob, WorkspaceRole.ADMIN),
                new Command.ChangeWorkspaceRole(absent, bob, WorkspaceRole.ADMIN)));
        probes.put("remove by email", List.of(new Command.RemoveOrganizationUser(acme, Fixture.email("bob")),
                new Command.RemoveOrganizationUser(nowhere, Fixture.email("bob"))));
        probes.put("invite", List.of(new Command.InviteToOrganization(acme, Email.of("eve@example.com"), OrganizationRole.MEMBER),
                new Command.InviteToOrganization(nowhere, Email.of("eve@example.com"), OrganizationRole.MEMBER)));
        probes.put("create a workspace", List.of(new Command.CreateWorkspace(acme, "probe"),
                new Command.CreateWorkspace(nowhere, "probe")));
        probes.put("revoke an invitation", List.of(new Command.RevokeInvitation(f.invitation("dora@example.com")),
                new Command.RevokeInvitation(InvitationId.of("no-such-invitation"))));
        return probes;
    }

    @Test
    void probesOfAnotherOrganization_doNotWaitForItsWriters_andAnswerAsProbesOfNothing() throws Exception {
        for (Actor prober : List.of(f.actor("gina"), f.organizationKey("globex"))) {
            Future<Outcome<?>> acmesOwn;
            try (AcmeWriter writer = new AcmeWriter()) {
                acmesOwn = pool.submit(() -> f.membership().execute(f.actor("alice"),
                        new Command.RemoveWorkspaceMember(f.workspace("research"), f.user("bob"))));
                for (Map.Entry<String, List<Command<?>>> probe : probes().entrySet()) {
                    Future<Outcome<?>> ofAcme = pool.submit(() -> f.membership().execute(prober, probe.getValue().get(0)));
                    Future<Outcome<?>> ofNothing = pool.submit(() -> f.membership().execute(prober, probe.getValue().get(1)));
                    Outcome<?> nothing = completes(ofNothing, "the probe of nothing (" + probe.getKey() + ")");
                    Outcome<?> acme = completes(ofAcme, "the probe of acme (" + probe.getKey() + ")");
                    assertEquals(nothing, acme, probe.getKey());
                    assertTrue(acme.refusal().map(r -> r.status() == 404).orElse(false), acme.toString());
                    assertTrue(writer.holding(), "every probe was answered while acme's writer held the lock");
                }
                assertFalse(acmesOwn.isDone(), "acme's own admin waits for acme's lock");
            }
            assertTrue(acmesOwn.get(WAIT_SECONDS, TimeUnit.SECONDS).succeeded(), "and then removes bob");
            assertTrue(f.membership().execute(f.actor("alice"), new Command.AddWorkspaceMember(f.workspace("research"),
                    f.user("bob"), WorkspaceRole.USER)).succeeded());
        }
        assertEquals(Optional.empty(), store.read(tx -> tx.workspaceMember(f.workspace("research"), f.user("gina"))));
        assertTrue(store.read(tx -> tx.pendingInvitation(f.organization("acme"), Email.of("eve@example.com"))).isEmpty());
        assertTrue(store.read(tx -> tx.invitation(f.invitation("dora@example.com"))).orElseThrow().statusAt(f.clock().instant())
                == org.membership.api.InvitationStatus.PENDING);
    }

    @Test
    void callerInScopeWhenItAsked_isCheckedAgainUnderTheLock() {
        // carl, an acme admin, asks; while its change waits for acme's lock another writer removes carl from acme
        store.beforeNextLock(tx -> {
            tx.deleteWorkspaceMembershipsIn(f.organization("acme"), f.user("carl"));
            tx.deleteOrganizationMember(f.organization("acme"), f.user("carl"));
        });
        Outcome<?> outcome = f.membership().execute(f.actor("carl"),
                new Command.RemoveWorkspaceMember(f.workspace("research"), f.user("bob")));
        assertEquals(Optional.of(Reason.WORKSPACE_NOT_FOUND), outcome.refusal().map(r -> r.reason()));
        assertTrue(store.read(tx -> tx.workspaceMember(f.workspace("research"), f.user("bob"))).isPresent());
    }

    /**
     * The store, with one change made just before a write transaction's next organization lock is granted;
     * its transactions do not claim that reads hold under locks ({@code StoreLocks.readsHoldUnderLocks}).
     */
    private static final class LockHook extends ForwardingStore {
        private volatile Consumer<StoreTransaction> beforeLock;

        LockHook(MembershipStore delegate) {
            super(delegate);
        }

        void beforeNextLock(Consumer<StoreTransaction> change) {
            beforeLock = change;
        }

        @Override
        public <T> T write(Function<StoreTransaction, T> work) {
            return super.write(tx -> work.apply((StoreTransaction) Proxy.newProxyInstance(
                    StoreTransaction.class.getClassLoader(), new Class<?>[] {StoreTransaction.class}, (proxy, method, args) -> {
                        if (method.getName().equals("readsHoldUnderLocks")) {
                            // The hook changes rows between the reads and the lock, which SQLite's exclusive write
                            // transaction rules out: a transaction with the hook cannot promise its reads hold.
                            return false;
                        }
                        Consumer<StoreTransaction> change = beforeLock;
                        if (change != null && method.getName().equals("lockOrganization")) {
                            beforeLock = null;
                            change.accept(tx);
                        }
                        try {
                            return method.invoke(tx, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    })));
        }

    }
}
