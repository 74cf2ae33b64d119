package org.membership.inmemory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.function.Predicate;
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
import org.membership.api.WorkspaceRole;
import org.membership.core.spi.ConsumerRecord;
import org.membership.core.spi.DeletedOrganization;
import org.membership.core.spi.FeedReceipt;
import org.membership.core.spi.MembershipStore;
import org.membership.core.spi.Slice;
import org.membership.core.spi.StoreTransaction;

/**
 * A {@link MembershipStore} in memory, for tests and small embedded use.
 *
 * <pre>{@code
 * Membership membership = MembershipEngine.builder(new InMemoryStore()).build();
 * }</pre>
 *
 * <p>A host hands the store to {@code MembershipEngine.builder} and calls the engine; the
 * {@link MembershipStore} methods are the SPI the engine calls, not an API for hosts.
 *
 * <p>Thread-safe. Write transactions are serialized (one at a time, for the whole store) and are
 * atomic: if the work throws, every write it made is undone before any reader can see it. Reads
 * run concurrently with each other and see only committed states. Every lookup is a hash or tree
 * lookup on the rows it names, so costs do not grow with the size of an organization. The change
 * feed numbers events as they are appended (writers commit one at a time, so that is commit order)
 * and wakes waiting followers when a write that appended events commits.
 */
public final class InMemoryStore implements MembershipStore {
    /*
     * One read-write lock guards everything. A write transaction holds the write lock from start to
     * end, which is all the locking protocol (the SPI's package documentation) asks and more:
     * lockOrganization and lockUser have nothing left to do. Writes are applied in place and
     * recorded in an undo log that a failed transaction replays backwards; readers cannot observe the
     * intermediate states since they need the read lock. Per-organization locking would allow more
     * parallel writers, but an in-memory store's writes take microseconds, and a single lock keeps
     * atomicity obvious.
     */

    private static final System.Logger LOG = System.getLogger(InMemoryStore.class.getName());

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    private final Map<UserId, User> users = new HashMap<>();
    private final Map<Email, UserId> userIdsByEmail = new HashMap<>();
    private final Map<OrganizationId, Organization> organizations = new HashMap<>();
    private final Map<WorkspaceId, Workspace> workspaces = new HashMap<>();
    private final Map<OrganizationId, Roster<OrganizationMember>> organizationMembers = new HashMap<>();
    private final Map<WorkspaceId, Roster<WorkspaceMember>> workspaceMembers = new HashMap<>();
    private final Map<UserId, TreeSet<OrganizationId>> organizationsOfUser = new HashMap<>();
    private final Map<UserId, TreeSet<WorkspaceId>> workspacesOfUser = new HashMap<>();
    private final Map<InvitationId, Invitation> invitations = new HashMap<>();
    private final Map<OrganizationId, TreeMap<String, Invitation>> pendingInvitations = new HashMap<>();
    private final Map<OrganizationId, Map<Email, InvitationId>> pendingByEmail = new HashMap<>();
    /** Pending invitations of each organization by expiry, so expiring them visits only the lapsed ones. */
    private final Map<OrganizationId, TreeMap<Expiry, InvitationId>> pendingByExpiry = new HashMap<>();
    /** Every workspace and every invitation (whatever its status) of each organization, so that deleting one visits only its own rows. */
    private final Map<OrganizationId, TreeSet<WorkspaceId>> workspacesOfOrganization = new HashMap<>();
    private final Map<OrganizationId, TreeSet<InvitationId>> invitationsOfOrganization = new HashMap<>();
    private final Map<Optional<OrganizationId>, TreeMap<Long, AuditEntry>> audit = new HashMap<>();
    private long lastSequence;
    /** The change feed by position; an event's id is its position. */
    private final TreeMap<Long, FeedEvent> feed = new TreeMap<>();
    private long lastEvent;
    private final Map<String, ConsumerRecord> consumers = new TreeMap<>();
    private final Map<String, TreeMap<Long, ParkedEvent>> parked = new HashMap<>();
    /** The last event of the last committed write, for waiting followers; guarded by {@link #committed}'s monitor for waits. */
    private volatile long committedHead;
    private final Object committed = new Object();

    /** Creates an empty store. */
    public InMemoryStore() {}

    @Override
    public <T> T write(Function<StoreTransaction, T> work) {
        lock.writeLock().lock();
        Tx tx = new Tx(true);
        long head;
        T result;
        try {
            result = work.apply(tx);
            tx.done = true;
            head = lastEvent;
        } catch (RuntimeException | Error e) {
            tx.rollback();
            throw e;
        } finally {
            tx.done = true;
            lock.writeLock().unlock();
        }
        if (head != committedHead) {
            synchronized (committed) {
                committedHead = head;
                committed.notifyAll();
            }
        }
        tx.runAfterCommit();
        return result;
    }

    @Override
    public <T> T read(Function<StoreTransaction, T> work) {
        lock.readLock().lock();
        Tx tx = new Tx(false);
        try {
            return work.apply(tx);
        } finally {
            tx.done = true;
            lock.readLock().unlock();
        }
    }

    @Override
    public List<FeedEvent> changes(FeedPosition after, int limit) {
        lock.readLock().lock();
        try {
            return sliceOf(feed, Optional.of(after.value()), Optional.empty(), limit);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public FeedPosition head() {
        lock.readLock().lock();
        try {
            return FeedPosition.of(lastEvent);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void awaitChanges(FeedPosition after, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (committed) {
            for (long left = timeout.toNanos(); committedHead <= after.value() && left > 0;
                 left = deadline - System.nanoTime()) {
                committed.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /**
     * Members of one organization or workspace: a hash index for point lookups (constant cost
     * whatever the roster's size), a sorted index for keyset pages, and the admins, so that
     * counting the usable ones looks up only the admins' accounts, never the whole roster's.
     */
    private static final class Roster<M> {
        private final Map<String, M> byUser = new HashMap<>();
        final TreeMap<String, M> ordered = new TreeMap<>();
        private final Predicate<M> isAdmin;
        /** Sorted, so that a keyset page of admins walks only admins. */
        final TreeSet<String> admins = new TreeSet<>();

        Roster(Predicate<M> isAdmin) {
            this.isAdmin = isAdmin;
        }

        M get(String user) {
            return byUser.get(user);
        }

        M put(String user, M member) {
            M old = byUser.put(user, member);
            ordered.put(user, member);
            if (isAdmin.test(member)) {
                admins.add(user);
            } else {
                admins.remove(user);
            }
            return old;
        }

        M remove(String user) {
            M old = byUser.remove(user);
            ordered.remove(user);
            admins.remove(user);
            return old;
        }
    }

    /** Where a pending invitation sits in the expiry index: by expiry, then id (expiries may be equal). */
    private record Expiry(Instant at, String id) implements Comparable<Expiry> {
        static Expiry of(Invitation invitation) {
            return new Expiry(invitation.expiresAt(), invitation.id().value());
        }

        @Override
        public int compareTo(Expiry other) {
            int byTime = at.compareTo(other.at);
            return byTime != 0 ? byTime : id.compareTo(other.id);
        }
    }

    private static <T> Iterable<T> idsOf(Map<UserId, TreeSet<T>> index, UserId user) {
        TreeSet<T> ids = index.get(user);
        return ids == null ? List.of() : ids;
    }

    private static <T> List<T> slice(NavigableMap<String, T> rows, Slice slice) {
        if (rows == null) {
            return List.of();
        }
        return sliceOf(rows, slice.after(), slice.before(), slice.limit());
    }

    private static <K, T> List<T> sliceOf(NavigableMap<K, T> rows, Optional<K> after, Optional<K> before, int limit) {
        List<T> out = new ArrayList<>(Math.min(limit, 64));
        if (before.isPresent()) {
            for (T row : rows.headMap(before.get(), false).descendingMap().values()) {
                if (out.size() == limit) {
                    break;
                }
                out.add(row);
            }
            Collections.reverse(out);
            return out;
        }
        Collection<T> from = after.isPresent() ? rows.tailMap(after.get(), false).values() : rows.values();
        for (T row : from) {
            if (out.size() == limit) {
                break;
            }
            out.add(row);
        }
        return out;
    }

    private final class Tx implements StoreTransaction {
        private final boolean writable;
        private final Deque<Runnable> undo = new ArrayDeque<>();
        private final List<Runnable> afterCommit = new ArrayList<>(1);
        boolean done;

        Tx(boolean writable) {
            this.writable = writable;
        }

        private void checkOpen() {
            if (done) {
                throw new IllegalStateException("the transaction has ended");
            }
        }

        private void checkWritable() {
            checkOpen();
            if (!writable) {
                throw new IllegalStateException("read transactions cannot write");
            }
        }

        void rollback() {
            while (!undo.isEmpty()) {
                undo.pop().run();
            }
        }

        @Override
        public void afterCommit(Runnable action) {
            checkWritable();
            afterCommit.add(action);
        }

        /** Runs what waited for the commit, once the write lock is released. */
        void runAfterCommit() {
            for (Runnable action : afterCommit) {
                try {
                    action.run();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "an action after commit failed", e);
                }
            }
        }

        private <K, V> void put(Map<K, V> map, K key, V value) {
            V old = map.put(key, value);
            undo.push(() -> restore(map, key, old));
        }

        private <K, V> void remove(Map<K, V> map, K key) {
            V old = map.remove(key);
            undo.push(() -> restore(map, key, old));
        }

        private <K, V> void restore(Map<K, V> map, K key, V old) {
            if (old == null) {
                map.remove(key);
            } else {
                map.put(key, old);
            }
        }

        private <M> void putMember(Roster<M> roster, String user, M member) {
            M old = roster.put(user, member);
            undo.push(() -> {
                if (old == null) {
                    roster.remove(user);
                } else {
                    roster.put(user, old);
                }
            });
        }

        private <M> M removeMember(Roster<M> roster, String user) {
            M old = roster.remove(user);
            if (old != null) {
                undo.push(() -> roster.put(user, old));
            }
            return old;
        }

        private <T extends Comparable<T>> void index(Map<UserId, TreeSet<T>> map, UserId user, T value, boolean add) {
            TreeSet<T> set = map.computeIfAbsent(user, u -> new TreeSet<>());
            boolean changed = add ? set.add(value) : set.remove(value);
            if (changed) {
                undo.push(() -> {
                    if (add) {
                        set.remove(value);
                    } else {
                        set.add(value);
                    }
                });
            }
        }

        // ---- locking and reads -----------------------------------------------------------

        @Override
        public void lockOrganization(OrganizationId organization) {
            checkOpen();
        }

        @Override
        public void lockUser(UserId user) {
            checkOpen();
        }

        @Override
        public Optional<User> user(UserId id) {
            checkOpen();
            return Optional.ofNullable(users.get(id));
        }

        @Override
        public Optional<User> userByEmail(Email email) {
            checkOpen();
            UserId id = userIdsByEmail.get(email);
            return id == null ? Optional.empty() : Optional.ofNullable(users.get(id));
        }

        @Override
        public Optional<Organization> organization(OrganizationId id) {
            checkOpen();
            return Optional.ofNullable(organizations.get(id));
        }

        @Override
        public Optional<Workspace> workspace(WorkspaceId id) {
            checkOpen();
            return Optional.ofNullable(workspaces.get(id));
        }

        @Override
        public Optional<OrganizationMember> organizationMember(OrganizationId organization, UserId user) {
            checkOpen();
            Roster<OrganizationMember> roster = organizationMembers.get(organization);
            return roster == null ? Optional.empty() : Optional.ofNullable(roster.get(user.value()));
        }

        @Override
        public Optional<WorkspaceMember> workspaceMember(WorkspaceId workspace, UserId user) {
            checkOpen();
            Roster<WorkspaceMember> roster = workspaceMembers.get(workspace);
            return roster == null ? Optional.empty() : Optional.ofNullable(roster.get(user.value()));
        }

        @Override
        public int countOrganizationAdmins(OrganizationId organization) {
            checkOpen();
            Roster<OrganizationMember> roster = organizationMembers.get(organization);
            return roster == null ? 0 : usable(roster.admins);
        }

        @Override
        public int countWorkspaceAdmins(WorkspaceId workspace) {
            checkOpen();
            Roster<WorkspaceMember> roster = workspaceMembers.get(workspace);
            return roster == null ? 0 : usable(roster.admins);
        }

        /** @return how many of these users have a validated account */
        private int usable(Set<String> userIds) {
            int count = 0;
            for (String id : userIds) {
                if (users.get(UserId.of(id)).status() == UserStatus.VALIDATED) {
                    count++;
                }
            }
            return count;
        }

        @Override
        public Optional<Invitation> invitation(InvitationId id) {
            checkOpen();
            return Optional.ofNullable(invitations.get(id));
        }

        @Override
        public Optional<Invitation> pendingInvitation(OrganizationId organization, Email email) {
            checkOpen();
            Map<Email, InvitationId> byEmail = pendingByEmail.get(organization);
            InvitationId id = byEmail == null ? null : byEmail.get(email);
            return id == null ? Optional.empty() : Optional.of(invitations.get(id));
        }

        @Override
        public List<OrganizationMember> organizationMembers(OrganizationId organization, Slice slice) {
            checkOpen();
            Roster<OrganizationMember> roster = organizationMembers.get(organization);
            return roster == null ? List.of() : slice(roster.ordered, slice);
        }

        @Override
        public List<WorkspaceMember> workspaceMembers(WorkspaceId workspace, Slice slice) {
            checkOpen();
            Roster<WorkspaceMember> roster = workspaceMembers.get(workspace);
            return roster == null ? List.of() : slice(roster.ordered, slice);
        }

        @Override
        public List<Invitation> pendingInvitations(OrganizationId organization, Instant now, Slice slice) {
            checkOpen();
            TreeMap<String, Invitation> pending = pendingInvitations.get(organization);
            if (pending == null) {
                return List.of();
            }
            List<Invitation> out = new ArrayList<>();
            Optional<String> after = slice.after();
            Optional<String> before = slice.before();
            // Expired invitations stay stored as pending until the organization's next invitation
            // expires them, so skip them while walking.
            while (true) {
                List<Invitation> batch = sliceOf(pending, after, before, slice.limit() - out.size());
                if (batch.isEmpty()) {
                    break;
                }
                List<Invitation> live = batch.stream().filter(i -> now.isBefore(i.expiresAt())).toList();
                if (before.isPresent()) {
                    out.addAll(0, live);
                    before = Optional.of(batch.get(0).id().value());
                } else {
                    out.addAll(live);
                    after = Optional.of(batch.get(batch.size() - 1).id().value());
                }
                if (out.size() >= slice.limit()) {
                    break;
                }
            }
            return out;
        }

        @Override
        public List<WorkspaceMember> workspaceMembershipsIn(OrganizationId organization, UserId user) {
            checkOpen();
            List<WorkspaceMember> out = new ArrayList<>();
            for (WorkspaceId id : idsOf(workspacesOfUser, user)) {
                if (workspaces.get(id).organization().equals(organization)) {
                    out.add(workspaceMembers.get(id).get(user.value()));
                }
            }
            return out;
        }

        @Override
        public List<OrganizationMember> organizationMembershipsOf(UserId user) {
            checkOpen();
            List<OrganizationMember> out = new ArrayList<>();
            for (OrganizationId id : idsOf(organizationsOfUser, user)) {
                out.add(organizationMembers.get(id).get(user.value()));
            }
            return out;
        }

        @Override
        public List<WorkspaceMember> workspaceMembershipsOf(UserId user) {
            checkOpen();
            List<WorkspaceMember> out = new ArrayList<>();
            for (WorkspaceId id : idsOf(workspacesOfUser, user)) {
                out.add(workspaceMembers.get(id).get(user.value()));
            }
            return out;
        }

        @Override
        public List<AuditEntry> auditTrail(Optional<OrganizationId> organization, Slice slice) {
            checkOpen();
            TreeMap<Long, AuditEntry> trail = audit.get(organization);
            if (trail == null) {
                return List.of();
            }
            return sliceOf(trail, slice.after().map(Long::parseLong), slice.before().map(Long::parseLong), slice.limit());
        }

        // ---- writes ----------------------------------------------------------------------

        @Override
        public void insertUser(User user) {
            checkWritable();
            if (users.containsKey(user.id()) || userIdsByEmail.containsKey(user.email())) {
                throw new IllegalStateException("user " + user.id() + " or its email already exists");
            }
            put(users, user.id(), user);
            put(userIdsByEmail, user.email(), user.id());
        }

        @Override
        public void updateUserStatus(UserId user, UserStatus status) {
            checkWritable();
            put(users, user, existing(users, user).withStatus(status));
        }

        @Override
        public void insertOrganization(Organization organization) {
            checkWritable();
            absent(organizations, organization.id());
            put(organizations, organization.id(), organization);
            put(organizationMembers, organization.id(), new Roster<>(m -> m.role() == OrganizationRole.ADMIN));
        }

        @Override
        public void insertWorkspace(Workspace workspace) {
            checkWritable();
            absent(workspaces, workspace.id());
            existing(organizations, workspace.organization());
            put(workspaces, workspace.id(), workspace);
            put(workspaceMembers, workspace.id(), new Roster<>(m -> m.role() == WorkspaceRole.ADMIN));
            indexOf(workspacesOfOrganization, workspace.organization(), workspace.id(), true);
        }

        @Override
        public void insertOrganizationMember(OrganizationMember member) {
            checkWritable();
            existing(users, member.user());
            Roster<OrganizationMember> roster = existing(organizationMembers, member.organization());
            if (roster.get(member.user().value()) != null) {
                throw new IllegalStateException(member.user() + " is already a member of " + member.organization());
            }
            putMember(roster, member.user().value(), member);
            index(organizationsOfUser, member.user(), member.organization(), true);
        }

        @Override
        public void deleteOrganizationMember(OrganizationId organization, UserId user) {
            checkWritable();
            if (removeMember(existing(organizationMembers, organization), user.value()) != null) {
                index(organizationsOfUser, user, organization, false);
            }
        }

        @Override
        public void insertWorkspaceMember(WorkspaceMember member) {
            checkWritable();
            Workspace workspace = existing(workspaces, member.workspace());
            if (organizationMember(workspace.organization(), member.user()).isEmpty()) {
                throw new IllegalStateException(member.user() + " is not a member of " + workspace.organization());
            }
            Roster<WorkspaceMember> roster = existing(workspaceMembers, member.workspace());
            if (roster.get(member.user().value()) != null) {
                throw new IllegalStateException(member.user() + " is already a member of " + member.workspace());
            }
            putMember(roster, member.user().value(), member);
            index(workspacesOfUser, member.user(), member.workspace(), true);
        }

        @Override
        public void updateWorkspaceMember(WorkspaceMember member) {
            checkWritable();
            Roster<WorkspaceMember> roster = existing(workspaceMembers, member.workspace());
            if (roster.get(member.user().value()) == null) {
                throw new IllegalStateException(member.user() + " is not a member of " + member.workspace());
            }
            putMember(roster, member.user().value(), member);
        }

        @Override
        public void deleteWorkspaceMember(WorkspaceId workspace, UserId user) {
            checkWritable();
            if (removeMember(existing(workspaceMembers, workspace), user.value()) != null) {
                index(workspacesOfUser, user, workspace, false);
            }
        }

        @Override
        public List<WorkspaceId> deleteWorkspaceMembershipsIn(OrganizationId organization, UserId user) {
            checkWritable();
            List<WorkspaceId> removed = new ArrayList<>();
            for (WorkspaceMember member : workspaceMembershipsIn(organization, user)) {
                deleteWorkspaceMember(member.workspace(), user);
                removed.add(member.workspace());
            }
            return removed;
        }

        @Override
        public void insertInvitation(Invitation invitation) {
            checkWritable();
            absent(invitations, invitation.id());
            existing(organizations, invitation.organization());
            if (invitation.storedStatus() == InvitationStatus.PENDING
                    && pendingInvitation(invitation.organization(), invitation.email()).isPresent()) {
                throw new IllegalStateException("a pending invitation for that email already exists");
            }
            put(invitations, invitation.id(), invitation);
            indexOf(invitationsOfOrganization, invitation.organization(), invitation.id(), true);
            if (invitation.storedStatus() == InvitationStatus.PENDING) {
                track(invitation, true);
            }
        }

        @Override
        public void updateInvitationStatus(InvitationId id, InvitationStatus status) {
            checkWritable();
            Invitation old = existing(invitations, id);
            Invitation updated = old.withStoredStatus(status);
            put(invitations, id, updated);
            if (old.storedStatus() == InvitationStatus.PENDING && status != InvitationStatus.PENDING) {
                track(old, false);
            } else if (old.storedStatus() != InvitationStatus.PENDING && status == InvitationStatus.PENDING) {
                track(updated, true);
            }
        }

        @Override
        public int expireInvitations(OrganizationId organization, Instant now) {
            checkWritable();
            TreeMap<Expiry, InvitationId> byExpiry = pendingByExpiry.get(organization);
            if (byExpiry == null) {
                return 0;
            }
            // No id is empty, so (now + 1 ns, "") sorts after every key at or before now and before every later one.
            List<InvitationId> lapsed = new ArrayList<>(
                    byExpiry.headMap(new Expiry(now.plusNanos(1), ""), false).values());
            for (InvitationId id : lapsed) {
                updateInvitationStatus(id, InvitationStatus.EXPIRED);
            }
            return lapsed.size();
        }

        private void track(Invitation invitation, boolean pending) {
            TreeMap<String, Invitation> byId = pendingInvitations.computeIfAbsent(invitation.organization(),
                    o -> new TreeMap<>());
            Map<Email, InvitationId> byEmail = pendingByEmail.computeIfAbsent(invitation.organization(),
                    o -> new HashMap<>());
            TreeMap<Expiry, InvitationId> byExpiry = pendingByExpiry.computeIfAbsent(invitation.organization(),
                    o -> new TreeMap<>());
            if (pending) {
                put(byId, invitation.id().value(), invitation);
                put(byEmail, invitation.email(), invitation.id());
                put(byExpiry, Expiry.of(invitation), invitation.id());
            } else {
                remove(byId, invitation.id().value());
                remove(byEmail, invitation.email());
                remove(byExpiry, Expiry.of(invitation));
            }
        }

        @Override
        public AuditEntry appendAudit(AuditEntry entry) {
            checkWritable();
            long previous = lastSequence;
            AuditEntry stored = entry.withSequence(++lastSequence);
            undo.push(() -> lastSequence = previous);
            put(audit.computeIfAbsent(entry.organization(), o -> new TreeMap<>()), stored.sequence(), stored);
            return stored;
        }

        // ---- the change feed --------------------------------------------------------------

        @Override
        public FeedReceipt appendEvents(List<MembershipEvent> events) {
            checkWritable();
            if (events.isEmpty()) {
                throw new IllegalArgumentException("a change appends at least one event");
            }
            long previous = lastEvent;
            for (MembershipEvent event : events) {
                long position = ++lastEvent;
                put(feed, position, new FeedEvent(position, FeedPosition.of(position), event));
            }
            undo.push(() -> lastEvent = previous);
            Optional<FeedPosition> last = Optional.of(FeedPosition.of(lastEvent));
            return () -> last;
        }

        @Override
        public Optional<ConsumerRecord> consumer(String name) {
            checkOpen();
            return Optional.ofNullable(consumers.get(name));
        }

        @Override
        public List<ConsumerRecord> consumers() {
            checkOpen();
            return List.copyOf(consumers.values());
        }

        @Override
        public void insertConsumer(ConsumerRecord consumer) {
            checkWritable();
            absent(consumers, consumer.name());
            put(consumers, consumer.name(), consumer);
        }

        @Override
        public void updateConsumer(ConsumerRecord consumer) {
            checkWritable();
            existing(consumers, consumer.name());
            put(consumers, consumer.name(), consumer);
        }

        @Override
        public boolean deleteConsumer(String name) {
            checkWritable();
            boolean existed = consumers.containsKey(name);
            remove(consumers, name);
            remove(parked, name);
            return existed;
        }

        @Override
        public void park(String consumer, ParkedEvent event) {
            checkWritable();
            TreeMap<Long, ParkedEvent> ofConsumer = parked.get(consumer);
            if (ofConsumer == null) {
                ofConsumer = new TreeMap<>();
                put(parked, consumer, ofConsumer);
            }
            put(ofConsumer, event.event().position().value(), event);
        }

        @Override
        public List<ParkedEvent> parked(String consumer, int limit) {
            checkOpen();
            TreeMap<Long, ParkedEvent> ofConsumer = parked.get(consumer);
            return ofConsumer == null ? List.of() : sliceOf(ofConsumer, Optional.empty(), Optional.empty(), limit);
        }

        @Override
        public int pruneFeed(FeedPosition through, Instant before, int limit) {
            checkWritable();
            List<Long> prefix = new ArrayList<>();
            for (FeedEvent event : feed.values()) {
                if (prefix.size() == limit || event.position().isAfter(through) || !event.at().isBefore(before)) {
                    break;
                }
                prefix.add(event.position().value());
            }
            prefix.forEach(position -> remove(feed, position));
            return prefix.size();
        }

        // ---- managing organizations directly ----------------------------------------------

        @Override
        public List<OrganizationUser> organizationUsers(OrganizationId organization, Optional<OrganizationRole> role,
                                                        Slice slice) {
            checkOpen();
            Roster<OrganizationMember> roster = organizationMembers.get(organization);
            if (roster == null) {
                return List.of();
            }
            List<OrganizationMember> members;
            if (role.isEmpty()) {
                members = slice(roster.ordered, slice);
            } else if (role.get() == OrganizationRole.ADMIN) {
                // the admins' own sorted index: a page walks admins only
                TreeMap<String, OrganizationMember> admins = new TreeMap<>();
                NavigableSet<String> from = slice.before().isPresent() ? roster.admins.headSet(slice.before().get(), false)
                        .descendingSet() : slice.after().isPresent() ? roster.admins.tailSet(slice.after().get(), false)
                        : roster.admins;
                for (String user : from) {
                    if (admins.size() == slice.limit()) {
                        break;
                    }
                    admins.put(user, roster.get(user));
                }
                members = new ArrayList<>(admins.values());
            } else {
                // members are the many, admins the few: skipping the admins costs little
                members = new ArrayList<>();
                NavigableMap<String, OrganizationMember> from = slice.before().isPresent()
                        ? roster.ordered.headMap(slice.before().get(), false).descendingMap()
                        : slice.after().isPresent() ? roster.ordered.tailMap(slice.after().get(), false) : roster.ordered;
                for (OrganizationMember m : from.values()) {
                    if (members.size() == slice.limit()) {
                        break;
                    }
                    if (m.role() == role.get()) {
                        members.add(m);
                    }
                }
                if (slice.before().isPresent()) {
                    Collections.reverse(members);
                }
            }
            List<OrganizationUser> out = new ArrayList<>(members.size());
            for (OrganizationMember m : members) {
                out.add(new OrganizationUser(m, users.get(m.user())));
            }
            return out;
        }

        @Override
        public void updateOrganizationRole(OrganizationId organization, UserId user, OrganizationRole role) {
            checkWritable();
            Roster<OrganizationMember> roster = existing(organizationMembers, organization);
            OrganizationMember old = roster.get(user.value());
            if (old == null) {
                throw new IllegalStateException(user + " is not a member of " + organization);
            }
            putMember(roster, user.value(), new OrganizationMember(organization, user, role, old.since()));
        }

        @Override
        public void updateUserEmail(UserId user, Email email) {
            checkWritable();
            User old = existing(users, user);
            UserId holder = userIdsByEmail.get(email);
            if (holder != null && !holder.equals(user)) {
                throw new IllegalStateException("another user has the email " + email);
            }
            remove(userIdsByEmail, old.email());
            put(userIdsByEmail, email, user);
            put(users, user, new User(user, email, old.status(), old.instanceAdmin()));
        }

        @Override
        public void updateWorkspaceName(WorkspaceId workspace, String name) {
            checkWritable();
            Workspace old = existing(workspaces, workspace);
            put(workspaces, workspace, new Workspace(workspace, old.organization(), name, old.kind(), old.createdAt()));
        }

        @Override
        public List<UserId> deleteWorkspace(WorkspaceId workspace) {
            checkWritable();
            Workspace old = existing(workspaces, workspace);
            Roster<WorkspaceMember> roster = existing(workspaceMembers, workspace);
            List<UserId> removed = new ArrayList<>();
            for (String user : List.copyOf(roster.ordered.keySet())) {
                deleteWorkspaceMember(workspace, UserId.of(user));
                removed.add(UserId.of(user));
            }
            remove(workspaceMembers, workspace);
            remove(workspaces, workspace);
            indexOf(workspacesOfOrganization, old.organization(), workspace, false);
            return removed;
        }

        @Override
        public DeletedOrganization deleteOrganization(OrganizationId organization) {
            checkWritable();
            existing(organizations, organization);
            int workspaceCount = 0;
            int workspaceMemberCount = 0;
            for (WorkspaceId ws : List.copyOf(indexed(workspacesOfOrganization, organization))) {
                workspaceMemberCount += deleteWorkspace(ws).size();
                workspaceCount++;
            }
            Roster<OrganizationMember> roster = existing(organizationMembers, organization);
            int memberCount = 0;
            for (String user : List.copyOf(roster.ordered.keySet())) {
                deleteOrganizationMember(organization, UserId.of(user));
                memberCount++;
            }
            int invitationCount = 0;
            for (InvitationId id : List.copyOf(indexed(invitationsOfOrganization, organization))) {
                Invitation invitation = existing(invitations, id);
                if (invitation.storedStatus() == InvitationStatus.PENDING) {
                    track(invitation, false);
                }
                remove(invitations, id);
                indexOf(invitationsOfOrganization, organization, id, false);
                invitationCount++;
            }
            remove(organizationMembers, organization);
            remove(organizations, organization);
            return new DeletedOrganization(workspaceCount, memberCount, workspaceMemberCount, invitationCount);
        }

        private <K, T extends Comparable<T>> Set<T> indexed(Map<K, TreeSet<T>> index, K key) {
            TreeSet<T> set = index.get(key);
            return set == null ? Set.of() : set;
        }

        private <K, T extends Comparable<T>> void indexOf(Map<K, TreeSet<T>> index, K key, T value, boolean add) {
            TreeSet<T> set = index.computeIfAbsent(key, k -> new TreeSet<>());
            boolean changed = add ? set.add(value) : set.remove(value);
            if (changed) {
                undo.push(() -> {
                    if (add) {
                        set.remove(value);
                    } else {
                        set.add(value);
                    }
                });
            }
        }

        private <K, V> V existing(Map<K, V> map, K key) {
            V value = map.get(key);
            if (value == null) {
                throw new IllegalStateException("no row for " + key);
            }
            return value;
        }

        private <K> void absent(Map<K, ?> map, K key) {
            if (map.containsKey(key)) {
                throw new IllegalStateException("a row for " + key + " already exists");
            }
        }
    }
}
