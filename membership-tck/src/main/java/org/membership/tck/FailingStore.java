package org.membership.tck;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.membership.api.AuditEntry;
import org.membership.api.Email;
import org.membership.api.FeedEvent;
import org.membership.api.FeedPosition;
import org.membership.api.Invitation;
import org.membership.api.InvitationId;
import org.membership.api.InvitationStatus;
import org.membership.api.MembershipEvent;
import org.membership.api.Organization;
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationMember;
import org.membership.api.OrganizationRole;
import org.membership.api.OrganizationUser;
import org.membership.api.ParkedEvent;
import org.membership.api.User;
import org.membership.api.UserId;
import org.membership.api.UserStatus;
import org.membership.api.Workspace;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceMember;
import org.membership.core.spi.ConsumerRecord;
import org.membership.core.spi.DeletedOrganization;
import org.membership.core.spi.FeedReceipt;
import org.membership.core.spi.MembershipStore;
import org.membership.core.spi.Slice;
import org.membership.core.spi.StoreTransaction;

/**
 * A fault-injecting {@link MembershipStore} decorator: it makes one chosen write transaction throw
 * {@link InjectedFailure} at its N-th write call (any {@link StoreTransaction} write method), just
 * before or just after that write reaches the wrapped store, so a test can prove that a failure at
 * every write position of a change leaves nothing of it behind.
 *
 * <pre>{@code
 * FailingStore store = new FailingStore(new InMemoryStore());
 * Fixture f = Fixture.builder(store)...build();
 * f.membership().execute(alice, removeBob);          // a probe, on a twin world
 * int positions = store.lastWriteCalls().size();     // e.g. 4 for a removal by email
 * store.failNextWriteTransactionAt(2, FailingStore.When.AFTER);
 * assertThrows(FailingStore.InjectedFailure.class, () -> f.membership().execute(alice, removeBob));
 * }</pre>
 *
 * <p>Reads and unarmed write transactions pass straight through. It also reports how many write
 * transactions are open, so a listener can check that it runs after commit.
 *
 * <p>Thread-safe: arming applies to the next write transaction to start, on whichever thread.
 */
public final class FailingStore implements MembershipStore {
    /** Where, relative to the chosen write call, the failure is thrown. */
    public enum When {
        /** Before the write reaches the wrapped store: the writes before it must be undone. */
        BEFORE,
        /** After the wrapped store carried the write out: that write too must be undone. */
        AFTER
    }

    /** The failure this store injects. Carries no stack trace; its message names the write. Immutable. */
    public static final class InjectedFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private InjectedFailure(String message) {
            super(message, null, false, false);
        }
    }

    private record Trap(int position, When when) {}

    private final MembershipStore delegate;
    private final AtomicReference<Trap> armed = new AtomicReference<>();
    private final AtomicInteger openWrites = new AtomicInteger();
    private final AtomicInteger injected = new AtomicInteger();
    private volatile List<String> lastWriteCalls = List.of();

    /**
     * @param delegate the store to wrap
     * @throws NullPointerException if delegate is null
     */
    public FailingStore(MembershipStore delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /**
     * Arms the store: the next write transaction to start throws {@link InjectedFailure} at its
     * {@code position}-th write call. If that transaction makes fewer writes it completes normally;
     * either way the arming is used up.
     *
     * @param position the 1-based write call to fail at
     * @param when before or after that write reaches the wrapped store
     * @throws IllegalArgumentException if position is below 1
     * @throws NullPointerException if when is null
     */
    public void failNextWriteTransactionAt(int position, When when) {
        if (position < 1) {
            throw new IllegalArgumentException("position must be at least 1");
        }
        armed.set(new Trap(position, Objects.requireNonNull(when, "when")));
    }

    /** Removes an arming that no write transaction has used yet. */
    public void disarm() {
        armed.set(null);
    }

    /** @return how many failures this store has injected so far */
    public int injectedFailures() {
        return injected.get();
    }

    /**
     * @return the write methods called, in order, by the last write transaction that ended
     *         (committed or not); a store that retried reports its last attempt
     */
    public List<String> lastWriteCalls() {
        return lastWriteCalls;
    }

    /** @return how many write transactions are running right now */
    public int openWriteTransactions() {
        return openWrites.get();
    }

    @Override
    public <T> T write(Function<StoreTransaction, T> work) {
        Trap trap = armed.getAndSet(null);
        openWrites.incrementAndGet();
        Counting[] last = new Counting[1];
        T result;
        try {
            result = delegate.write(tx -> {
                last[0] = new Counting(tx, trap);
                return work.apply(last[0]);
            });
        } finally {
            openWrites.decrementAndGet();
            if (last[0] != null) {
                lastWriteCalls = List.copyOf(last[0].calls);
            }
        }
        // What waited for the commit runs once this store too counts the transaction as ended.
        for (Runnable action : last[0].afterCommit) {
            try {
                action.run();
            } catch (RuntimeException e) {
                System.getLogger(FailingStore.class.getName()).log(System.Logger.Level.WARNING,
                        "an action after commit failed", e);
            }
        }
        return result;
    }

    @Override
    public <T> T read(Function<StoreTransaction, T> work) {
        return delegate.read(work);
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
    public boolean exclusiveWrites() {
        return delegate.exclusiveWrites();
    }

    @Override
    public void awaitChanges(FeedPosition after, Duration timeout) throws InterruptedException {
        delegate.awaitChanges(after, timeout);
    }

    /** Counts the write calls of one transaction attempt and springs the trap. */
    private final class Counting implements StoreTransaction {
        private final StoreTransaction tx;
        private final Trap trap;
        final List<String> calls = new ArrayList<>();
        final List<Runnable> afterCommit = new ArrayList<>();

        Counting(StoreTransaction tx, Trap trap) {
            this.tx = tx;
            this.trap = trap;
        }

        private void before(String method) {
            calls.add(method);
            spring(When.BEFORE, method);
        }

        private void after(String method) {
            spring(When.AFTER, method);
        }

        private void spring(When when, String method) {
            if (trap != null && trap.when == when && trap.position == calls.size()) {
                injected.incrementAndGet();
                throw new InjectedFailure("injected failure " + when.name().toLowerCase(java.util.Locale.ROOT)
                        + " write " + calls.size() + " (" + method + ")");
            }
        }

        // ---- passed through ---------------------------------------------------------------

        @Override
        public void lockOrganization(OrganizationId organization) {
            tx.lockOrganization(organization);
        }

        @Override
        public void lockUser(UserId user) {
            tx.lockUser(user);
        }

        @Override
        public Optional<User> user(UserId id) {
            return tx.user(id);
        }

        @Override
        public Optional<User> userByEmail(Email email) {
            return tx.userByEmail(email);
        }

        @Override
        public Optional<Organization> organization(OrganizationId id) {
            return tx.organization(id);
        }

        @Override
        public Optional<Workspace> workspace(WorkspaceId id) {
            return tx.workspace(id);
        }

        @Override
        public Optional<OrganizationMember> organizationMember(OrganizationId organization, UserId user) {
            return tx.organizationMember(organization, user);
        }

        @Override
        public Optional<WorkspaceMember> workspaceMember(WorkspaceId workspace, UserId user) {
            return tx.workspaceMember(workspace, user);
        }

        @Override
        public int countOrganizationAdmins(OrganizationId organization) {
            return tx.countOrganizationAdmins(organization);
        }

        @Override
        public int countWorkspaceAdmins(WorkspaceId workspace) {
            return tx.countWorkspaceAdmins(workspace);
        }

        @Override
        public Optional<Invitation> invitation(InvitationId id) {
            return tx.invitation(id);
        }

        @Override
        public Optional<Invitation> pendingInvitation(OrganizationId organization, Email email) {
            return tx.pendingInvitation(organization, email);
        }

        @Override
        public List<OrganizationMember> organizationMembers(OrganizationId organization, Slice slice) {
            return tx.organizationMembers(organization, slice);
        }

        @Override
        public List<WorkspaceMember> workspaceMembers(WorkspaceId workspace, Slice slice) {
            return tx.workspaceMembers(workspace, slice);
        }

        @Override
        public List<Invitation> pendingInvitations(OrganizationId organization, Instant now, Slice slice) {
            return tx.pendingInvitations(organization, now, slice);
        }

        @Override
        public List<WorkspaceMember> workspaceMembershipsIn(OrganizationId organization, UserId user) {
            return tx.workspaceMembershipsIn(organization, user);
        }

        @Override
        public List<OrganizationMember> organizationMembershipsOf(UserId user) {
            return tx.organizationMembershipsOf(user);
        }

        @Override
        public List<WorkspaceMember> workspaceMembershipsOf(UserId user) {
            return tx.workspaceMembershipsOf(user);
        }

        @Override
        public List<AuditEntry> auditTrail(Optional<OrganizationId> organization, Slice slice) {
            return tx.auditTrail(organization, slice);
        }

        // ---- counted writes ---------------------------------------------------------------

        @Override
        public void insertUser(User user) {
            before("insertUser");
            tx.insertUser(user);
            after("insertUser");
        }

        @Override
        public void updateUserStatus(UserId user, UserStatus status) {
            before("updateUserStatus");
            tx.updateUserStatus(user, status);
            after("updateUserStatus");
        }

        @Override
        public void insertOrganization(Organization organization) {
            before("insertOrganization");
            tx.insertOrganization(organization);
            after("insertOrganization");
        }

        @Override
        public void insertWorkspace(Workspace workspace) {
            before("insertWorkspace");
            tx.insertWorkspace(workspace);
            after("insertWorkspace");
        }

        @Override
        public void insertOrganizationMember(OrganizationMember member) {
            before("insertOrganizationMember");
            tx.insertOrganizationMember(member);
            after("insertOrganizationMember");
        }

        @Override
        public void deleteOrganizationMember(OrganizationId organization, UserId user) {
            before("deleteOrganizationMember");
            tx.deleteOrganizationMember(organization, user);
            after("deleteOrganizationMember");
        }

        @Override
        public void insertWorkspaceMember(WorkspaceMember member) {
            before("insertWorkspaceMember");
            tx.insertWorkspaceMember(member);
            after("insertWorkspaceMember");
        }

        @Override
        public void updateWorkspaceMember(WorkspaceMember member) {
            before("updateWorkspaceMember");
            tx.updateWorkspaceMember(member);
            after("updateWorkspaceMember");
        }

        @Override
        public void deleteWorkspaceMember(WorkspaceId workspace, UserId user) {
            before("deleteWorkspaceMember");
            tx.deleteWorkspaceMember(workspace, user);
            after("deleteWorkspaceMember");
        }

        @Override
        public List<WorkspaceId> deleteWorkspaceMembershipsIn(OrganizationId organization, UserId user) {
            before("deleteWorkspaceMembershipsIn");
            List<WorkspaceId> removed = tx.deleteWorkspaceMembershipsIn(organization, user);
            after("deleteWorkspaceMembershipsIn");
            return removed;
        }

        @Override
        public void insertInvitation(Invitation invitation) {
            before("insertInvitation");
            tx.insertInvitation(invitation);
            after("insertInvitation");
        }

        @Override
        public void updateInvitationStatus(InvitationId invitation, InvitationStatus status) {
            before("updateInvitationStatus");
            tx.updateInvitationStatus(invitation, status);
            after("updateInvitationStatus");
        }

        @Override
        public int expireInvitations(OrganizationId organization, Instant now) {
            before("expireInvitations");
            int expired = tx.expireInvitations(organization, now);
            after("expireInvitations");
            return expired;
        }

        @Override
        public AuditEntry appendAudit(AuditEntry entry) {
            before("appendAudit");
            AuditEntry stored = tx.appendAudit(entry);
            after("appendAudit");
            return stored;
        }

        @Override
        public void afterCommit(Runnable action) {
            afterCommit.add(action);
        }

        @Override
        public FeedReceipt appendEvents(List<MembershipEvent> events) {
            before("appendEvents");
            FeedReceipt receipt = tx.appendEvents(events);
            after("appendEvents");
            return receipt;
        }

        @Override
        public Optional<ConsumerRecord> consumer(String name) {
            return tx.consumer(name);
        }

        @Override
        public List<ConsumerRecord> consumers() {
            return tx.consumers();
        }

        @Override
        public void insertConsumer(ConsumerRecord consumer) {
            before("insertConsumer");
            tx.insertConsumer(consumer);
            after("insertConsumer");
        }

        @Override
        public void updateConsumer(ConsumerRecord consumer) {
            before("updateConsumer");
            tx.updateConsumer(consumer);
            after("updateConsumer");
        }

        @Override
        public boolean deleteConsumer(String name) {
            before("deleteConsumer");
            boolean deleted = tx.deleteConsumer(name);
            after("deleteConsumer");
            return deleted;
        }

        @Override
        public void park(String consumer, ParkedEvent parked) {
            before("park");
            tx.park(consumer, parked);
            after("park");
        }

        @Override
        public List<ParkedEvent> parked(String consumer, int limit) {
            return tx.parked(consumer, limit);
        }

        @Override
        public int pruneFeed(FeedPosition through, Instant before, int limit) {
            before("pruneFeed");
            int pruned = tx.pruneFeed(through, before, limit);
            after("pruneFeed");
            return pruned;
        }

        // ---- managing organizations directly -------------------------------------------------

        @Override
        public List<OrganizationUser> organizationUsers(OrganizationId organization, Optional<OrganizationRole> role,
                                                        Slice slice) {
            return tx.organizationUsers(organization, role, slice);
        }

        @Override
        public void updateOrganizationRole(OrganizationId organization, UserId user, OrganizationRole role) {
            before("updateOrganizationRole");
            tx.updateOrganizationRole(organization, user, role);
            after("updateOrganizationRole");
        }

        @Override
        public void updateUserEmail(UserId user, Email email) {
            before("updateUserEmail");
            tx.updateUserEmail(user, email);
            after("updateUserEmail");
        }

        @Override
        public void updateWorkspaceName(WorkspaceId workspace, String name) {
            before("updateWorkspaceName");
            tx.updateWorkspaceName(workspace, name);
            after("updateWorkspaceName");
        }

        @Override
        public List<UserId> deleteWorkspace(WorkspaceId workspace) {
            before("deleteWorkspace");
            List<UserId> removed = tx.deleteWorkspace(workspace);
            after("deleteWorkspace");
            return removed;
        }

        @Override
        public DeletedOrganization deleteOrganization(OrganizationId organization) {
            before("deleteOrganization");
            DeletedOrganization deleted = tx.deleteOrganization(organization);
            after("deleteOrganization");
            return deleted;
        }
    }
}
