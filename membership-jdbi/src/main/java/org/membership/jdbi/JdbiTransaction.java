package org.membership.jdbi;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.jdbi.v3.core.JdbiException;
import org.membership.api.AuditDetail;
import org.membership.api.AuditEntry;
import org.membership.api.Email;
import org.membership.api.FeedEvent;
import org.membership.api.FeedPosition;
import org.membership.api.InvalidInputException;
import org.membership.api.Invitation;
import org.membership.api.InvitationId;
import org.membership.api.InvitationStatus;
import org.membership.api.MembershipEvent;
import org.membership.api.Operation;
import org.membership.api.Organization;
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationMember;
import org.membership.api.OrganizationRole;
import org.membership.api.OrganizationUser;
import org.membership.api.ParkedEvent;
import org.membership.api.UnableToPersistException;
import org.membership.api.User;
import org.membership.api.UserId;
import org.membership.api.UserStatus;
import org.membership.api.Workspace;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceKind;
import org.membership.api.WorkspaceMember;
import org.membership.api.WorkspaceRole;
import org.membership.core.spi.ConsumerRecord;
import org.membership.core.spi.DeletedOrganization;
import org.membership.core.spi.FeedReceipt;
import org.membership.core.spi.Slice;
import org.membership.core.spi.StoreTransaction;
import org.membership.core.spi.WorkspaceStanding;
import org.membership.jdbi.StoreConnection.Row;

/**
 * One transaction of a {@link JdbiStore} on one connection: every method is one statement, run by
 * {@link StoreConnection}. Used by one thread; not thread-safe.
 */
final class JdbiTransaction implements StoreTransaction {
    /** The organization column of audit rows that belong to no organization (no id is empty). */
    static final String INSTANCE_TRAIL = "";

    private static final Row<User> USER = rs -> new User(UserId.of(rs.getString(1)),
            Email.of(rs.getString(2)), UserStatus.valueOf(rs.getString(3)), rs.getBoolean(4));
    private static final Row<Organization> ORGANIZATION = rs -> new Organization(
            OrganizationId.of(rs.getString(1)), rs.getString(2), WorkspaceId.of(rs.getString(3)), instant(rs, 4));
    private static final Row<Workspace> WORKSPACE = rs -> new Workspace(WorkspaceId.of(rs.getString(1)),
            OrganizationId.of(rs.getString(2)), rs.getString(3), WorkspaceKind.valueOf(rs.getString(4)), instant(rs, 5));
    private static final Row<OrganizationMember> ORGANIZATION_MEMBER = rs -> new OrganizationMember(
            OrganizationId.of(rs.getString(1)), UserId.of(rs.getString(2)), OrganizationRole.valueOf(rs.getString(3)),
            instant(rs, 4));
    private static final Row<WorkspaceMember> WORKSPACE_MEMBER = rs -> new WorkspaceMember(
            WorkspaceId.of(rs.getString(1)), UserId.of(rs.getString(2)), WorkspaceRole.valueOf(rs.getString(3)),
            instant(rs, 4));
    private static final Row<Invitation> INVITATION = rs -> new Invitation(
            InvitationId.of(rs.getString(1)), OrganizationId.of(rs.getString(2)), Email.of(rs.getString(3)),
            OrganizationRole.valueOf(rs.getString(4)), InvitationStatus.valueOf(rs.getString(5)), instant(rs, 6),
            instant(rs, 7));
    /** An audit row: typed from its detail (schema version 4 on), or read back from the text versions 1 to 3 kept. */
    private static final Row<AuditEntry> AUDIT = rs -> {
        String organization = rs.getString(5);
        Operation action = Operation.valueOf(rs.getString(4));
        String detail = rs.getString(9);
        return new AuditEntry(rs.getLong(1), instant(rs, 2), rs.getString(3), action,
                organization.equals(INSTANCE_TRAIL) ? Optional.empty() : Optional.of(OrganizationId.of(organization)),
                detail != null ? detail(detail) : LegacyAudit.parse(action, rs.getString(6), Cascade.decode(rs.getString(8))),
                rs.getString(7));
    };

    /* One-column results. */
    private static final Row<Long> FIRST_LONG = rs -> rs.getLong(1);
    private static final Row<Integer> FIRST_INT = rs -> rs.getInt(1);
    private static final Row<String> FIRST_STRING = rs -> rs.getString(1);

    /** A feed event as stored: a row of feed_events (its position per dialect), read back as a {@link FeedEvent}. */
    static final Row<FeedEvent> FEED_EVENT = rs -> new FeedEvent(rs.getLong(1),
            FeedPosition.of(rs.getLong(2)), event(rs.getString(3), rs.getString(4)));
    private static final Row<ConsumerRecord> CONSUMER = rs -> new ConsumerRecord(rs.getString(1),
            FeedPosition.of(rs.getLong(2)), Optional.ofNullable(rs.getString(3)), instant(rs, 4));

    private final StoreConnection db;
    private final Statements sql;
    private final Dialect dialect;
    private final boolean writable;
    private final boolean joined;
    private boolean open = true;
    private JdbiException failure;
    private final List<Runnable> afterCommit = new ArrayList<>(1);
    /** The receipt of this transaction's appended events, and the id of the last of them; null if none. */
    private Receipt receipt;
    private long lastEventId;
    /**
     * The workspace the last standing read, while it cannot have changed: the transaction's reads hold
     * ({@link #readsHoldUnderLocks}) and it has written nothing since. Null otherwise.
     */
    private Workspace known;

    /**
     * @param joined whether this is a host's transaction, which commits after the store returns: positions
     *               are then known only once the host committed
     */
    JdbiTransaction(StoreConnection db, Statements sql, Dialect dialect, boolean writable, boolean joined) {
        this.db = db;
        this.sql = sql;
        this.dialect = dialect;
        this.writable = writable;
        this.joined = joined;
    }

    @Override
    public void afterCommit(Runnable action) {
        if (!writable) {
            throw new IllegalStateException("read transactions do not commit");
        }
        afterCommit.add(action);
    }

    /** @return what the work asked to run once the transaction committed, in order */
    List<Runnable> afterCommitActions() {
        return afterCommit;
    }

    /**
     * The position of a transaction's last event: known at once on SQLite, where the id is the
     * position; on PostgreSQL set by the store once it has numbered the events after commit.
     */
    static final class Receipt implements FeedReceipt {
        private volatile Optional<FeedPosition> position = Optional.empty();

        void set(FeedPosition value) {
            position = Optional.of(value);
        }

        @Override
        public Optional<FeedPosition> position() {
            return position;
        }
    }

    /** @return the receipt of the events this transaction appended, or null if it appended none */
    Receipt receipt() {
        return receipt;
    }

    /** @return the id of the last event this transaction appended (0 if none) */
    long lastEventId() {
        return lastEventId;
    }

    private static AuditDetail detail(String json) {
        try {
            return AuditJson.read(json);
        } catch (IllegalArgumentException e) {
            throw new UnableToPersistException("a stored audit entry is not valid: " + e.getMessage(), e);
        }
    }

    private static MembershipEvent event(String type, String payload) {
        try {
            return EventJson.read(type, payload);
        } catch (IllegalArgumentException e) {
            throw new UnableToPersistException("a stored event is not valid: " + e.getMessage(), e);
        }
    }

    /** Ends the transaction for its user: every later call throws {@link IllegalStateException}. */
    void close() {
        open = false;
    }

    /** @return the first statement failure, after which the database has given up the transaction; or null */
    JdbiException failure() {
        return failure;
    }

    private <T> T run(Supplier<T> statement) {
        if (!open) {
            throw new IllegalStateException("the transaction has ended");
        }
        try {
            return statement.get();
        } catch (JdbiException e) {
            if (failure == null) {
                failure = e;
            }
            throw e;
        } catch (InvalidInputException e) {
            // Every value was validated before it was stored, so a row that fails validation now was
            // written by something else (or corrupted): a store failure, not the caller's mistake.
            throw new UnableToPersistException("a stored row is not valid: " + e.getMessage(), e);
        }
    }

    private <T> T write(Supplier<T> statement) {
        if (open && !writable) {
            throw new IllegalStateException("read transactions cannot write");
        }
        known = null;
        return run(statement);
    }

    private void update(String statement, String what, Object... args) {
        int rows = write(() -> db.update(statement, args));
        if (rows != 1) {
            throw new IllegalStateException("no row for " + what);
        }
    }

    private <T> Optional<T> one(String statement, Row<T> mapper, Object... args) {
        return run(() -> db.optional(statement, mapper, args));
    }

    private <T> List<T> list(String statement, Row<T> mapper, Object... args) {
        return run(() -> db.list(statement, mapper, args));
    }

    private int count(String statement, Object... args) {
        return run(() -> db.one(statement, FIRST_INT, args));
    }

    private <T> List<T> slice(Statements.Sliced statement, Slice slice, boolean numericKey, Row<T> mapper,
                              Object... args) {
        Object[] all = new Object[args.length + (slice.after().isPresent() || slice.before().isPresent() ? 2 : 1)];
        System.arraycopy(args, 0, all, 0, args.length);
        all[all.length - 1] = slice.limit();
        if (slice.before().isPresent()) {
            all[args.length] = key(slice.before().get(), numericKey);
            List<T> rows = new ArrayList<>(list(statement.before(), mapper, all));
            Collections.reverse(rows);
            return rows;
        }
        if (slice.after().isPresent()) {
            all[args.length] = key(slice.after().get(), numericKey);
            return list(statement.after(), mapper, all);
        }
        return list(statement.first(), mapper, all);
    }

    private static Object key(String key, boolean numeric) {
        return numeric ? Long.parseLong(key) : key;
    }

    // ---- locking and reads ---------------------------------------------------------------

    @Override
    public void lockOrganization(OrganizationId organization) {
        if (sql.lockOrganization != null && writable) {
            run(() -> db.optional(sql.lockOrganization, FIRST_INT, organization.value()));
        } else {
            run(() -> null);
        }
    }

    /**
     * A read transaction of the store's own reads one snapshot (SQLite's deferred transaction, PostgreSQL's
     * repeatable read); on SQLite a write transaction the store began holds the file's write lock from its
     * {@code BEGIN IMMEDIATE}. A host's transaction promises neither.
     */
    @Override
    public boolean readsHoldUnderLocks() {
        return !joined && (!writable || dialect == Dialect.SQLITE);
    }

    @Override
    public void lockUser(UserId user) {
        if (sql.lockUser != null && writable) {
            run(() -> db.optional(sql.lockUser, FIRST_INT, user.value()));
        } else {
            run(() -> null);
        }
    }

    @Override
    public Optional<User> user(UserId id) {
        return one(sql.user, USER, id.value());
    }

    /**
     * One statement where the default makes four: the account, the workspace and the user's two
     * memberships there; for an unknown user (no row: it has no memberships) the workspace alone.
     * Where this transaction has read the workspace already and its reads hold (see {@link #known}),
     * the statement leaves the workspace out: a removal reads the actor's standing, then the target's.
     */
    @Override
    public WorkspaceStanding standing(UserId user, WorkspaceId workspace) {
        Workspace ws = known != null && known.id().equals(workspace) ? known : null;
        if (ws != null) {
            Workspace in = ws;
            Optional<WorkspaceStanding> found = run(() -> db.optional(sql.memberStanding,
                    rs -> standing(rs, user, in, 4), in.organization().value(), workspace.value(), user.value()));
            return found.orElseGet(() -> new WorkspaceStanding(Optional.empty(), Optional.of(in), Optional.empty(),
                    Optional.empty()));
        }
        Optional<WorkspaceStanding> found = run(() -> db.optional(sql.standing, rs -> {
            if (rs.getString(4) == null) {
                return new WorkspaceStanding(Optional.of(account(rs, user)), Optional.empty(), Optional.empty(),
                        Optional.empty());
            }
            Workspace read = new Workspace(workspace, OrganizationId.of(rs.getString(4)), rs.getString(5),
                    WorkspaceKind.valueOf(rs.getString(6)), instant(rs, 7));
            return standing(rs, user, read, 8);
        }, workspace.value(), user.value()));
        WorkspaceStanding standing = found.orElseGet(() -> new WorkspaceStanding(Optional.empty(), workspace(workspace),
                Optional.empty(), Optional.empty()));
        if (readsHoldUnderLocks() && standing.workspace().isPresent()) {
            known = standing.workspace().get();
        }
        return standing;
    }

    /** The account in columns 1 to 3 of a standing's row. */
    private static User account(ResultSet rs, UserId user) throws SQLException {
        return new User(user, Email.of(rs.getString(1)), UserStatus.valueOf(rs.getString(2)), rs.getBoolean(3));
    }

    /** A standing's row: the account, then from column {@code roles} the two memberships' roles and times. */
    private static WorkspaceStanding standing(ResultSet rs, UserId user, Workspace workspace, int roles)
            throws SQLException {
        String organizationRole = rs.getString(roles);
        String workspaceRole = rs.getString(roles + 2);
        Optional<OrganizationMember> inOrganization = organizationRole == null ? Optional.empty()
                : Optional.of(new OrganizationMember(workspace.organization(), user,
                        OrganizationRole.valueOf(organizationRole), instant(rs, roles + 1)));
        Optional<WorkspaceMember> inWorkspace = workspaceRole == null ? Optional.empty()
                : Optional.of(new WorkspaceMember(workspace.id(), user, WorkspaceRole.valueOf(workspaceRole),
                        instant(rs, roles + 3)));
        return new WorkspaceStanding(Optional.of(account(rs, user)), Optional.of(workspace), inOrganization, inWorkspace);
    }

    @Override
    public Optional<User> userByEmail(Email email) {
        return one(sql.userByEmail, USER, email.value());
    }

    @Override
    public Optional<Organization> organization(OrganizationId id) {
        return one(sql.organization, ORGANIZATION, id.value());
    }

    @Override
    public Optional<Workspace> workspace(WorkspaceId id) {
        return one(sql.workspace, WORKSPACE, id.value());
    }

    @Override
    public Optional<OrganizationMember> organizationMember(OrganizationId organization, UserId user) {
        return one(sql.organizationMember, ORGANIZATION_MEMBER, organization.value(), user.value());
    }

    @Override
    public Optional<WorkspaceMember> workspaceMember(WorkspaceId workspace, UserId user) {
        return one(sql.workspaceMember, WORKSPACE_MEMBER, workspace.value(), user.value());
    }

    @Override
    public int countOrganizationAdmins(OrganizationId organization) {
        return count(writable ? sql.countOrganizationAdminsLocking : sql.countOrganizationAdmins, organization.value());
    }

    @Override
    public int countWorkspaceAdmins(WorkspaceId workspace) {
        return count(writable ? sql.countWorkspaceAdminsLocking : sql.countWorkspaceAdmins, workspace.value());
    }

    @Override
    public Optional<Invitation> invitation(InvitationId id) {
        return one(sql.invitation, INVITATION, id.value());
    }

    @Override
    public Optional<Invitation> pendingInvitation(OrganizationId organization, Email email) {
        return one(sql.pendingInvitation, INVITATION, organization.value(), email.value());
    }

    @Override
    public List<OrganizationMember> organizationMembers(OrganizationId organization, Slice slice) {
        return slice(sql.organizationMembers, slice, false, ORGANIZATION_MEMBER, organization.value());
    }

    @Override
    public List<WorkspaceMember> workspaceMembers(WorkspaceId workspace, Slice slice) {
        return slice(sql.workspaceMembers, slice, false, WORKSPACE_MEMBER, workspace.value());
    }

    @Override
    public List<Invitation> pendingInvitations(OrganizationId organization, Instant now, Slice slice) {
        return slice(sql.pendingInvitations, slice, false, INVITATION, organization.value(), nanos(now));
    }

    @Override
    public List<WorkspaceMember> workspaceMembershipsIn(OrganizationId organization, UserId user) {
        return list(sql.workspaceMembershipsIn, WORKSPACE_MEMBER, organization.value(), user.value());
    }

    @Override
    public List<OrganizationMember> organizationMembershipsOf(UserId user) {
        return list(sql.organizationMembershipsOf, ORGANIZATION_MEMBER, user.value());
    }

    @Override
    public List<WorkspaceMember> workspaceMembershipsOf(UserId user) {
        return list(sql.workspaceMembershipsOf, WORKSPACE_MEMBER, user.value());
    }

    @Override
    public List<AuditEntry> auditTrail(Optional<OrganizationId> organization, Slice slice) {
        return slice(sql.auditTrail, slice, true, AUDIT, organization.map(OrganizationId::value).orElse(INSTANCE_TRAIL));
    }

    // ---- writes --------------------------------------------------------------------------

    @Override
    public void insertUser(User user) {
        write(() -> db.update(sql.insertUser, user.id().value(), user.email().value(), user.status().name(),
                user.instanceAdmin()));
    }

    @Override
    public void updateUserStatus(UserId user, UserStatus status) {
        update(sql.updateUserStatus, "user " + user, status.name(), user.value());
    }

    @Override
    public void insertOrganization(Organization organization) {
        update(sql.insertOrganization, "organization " + organization.id(), organization.id().value(),
                organization.name(), organization.defaultWorkspace().value(), nanos(organization.createdAt()));
    }

    @Override
    public void insertWorkspace(Workspace workspace) {
        update(sql.insertWorkspace, "workspace " + workspace.id(), workspace.id().value(),
                workspace.organization().value(), workspace.name(), workspace.kind().name(), nanos(workspace.createdAt()));
    }

    @Override
    public void insertOrganizationMember(OrganizationMember member) {
        update(sql.insertOrganizationMember, "organization member " + member.user(), member.organization().value(),
                member.user().value(), member.role().name(), nanos(member.since()));
    }

    @Override
    public void deleteOrganizationMember(OrganizationId organization, UserId user) {
        write(() -> db.update(sql.deleteOrganizationMember, organization.value(), user.value()));
    }

    @Override
    public void insertWorkspaceMember(WorkspaceMember member) {
        update(sql.insertWorkspaceMember, "workspace " + member.workspace(), member.user().value(),
                member.role().name(), nanos(member.since()), member.workspace().value());
    }

    @Override
    public void updateWorkspaceMember(WorkspaceMember member) {
        update(sql.updateWorkspaceMember, member.user() + " in workspace " + member.workspace(), member.role().name(),
                nanos(member.since()), member.workspace().value(), member.user().value());
    }

    @Override
    public void deleteWorkspaceMember(WorkspaceId workspace, UserId user) {
        write(() -> db.update(sql.deleteWorkspaceMember, workspace.value(), user.value()));
    }

    @Override
    public List<WorkspaceId> deleteWorkspaceMembershipsIn(OrganizationId organization, UserId user) {
        List<String> ids = write(() -> db.list(sql.deleteWorkspaceMembershipsIn, FIRST_STRING, organization.value(),
                user.value()));
        // RETURNING gives rows in no promised order; a user is in few workspaces, so sort here.
        return ids.stream().sorted().map(WorkspaceId::of).toList();
    }

    @Override
    public void insertInvitation(Invitation invitation) {
        update(sql.insertInvitation, "invitation " + invitation.id(), invitation.id().value(),
                invitation.organization().value(), invitation.email().value(), invitation.role().name(),
                invitation.storedStatus().name(), nanos(invitation.createdAt()), nanos(invitation.expiresAt()));
    }

    @Override
    public void updateInvitationStatus(InvitationId invitation, InvitationStatus status) {
        update(sql.updateInvitationStatus, "invitation " + invitation, status.name(), invitation.value());
    }

    @Override
    public int expireInvitations(OrganizationId organization, Instant now) {
        return write(() -> db.update(sql.expireInvitations, organization.value(), nanos(now)));
    }

    @Override
    public AuditEntry appendAudit(AuditEntry entry) {
        if (entry.organization().isEmpty() && sql.lockInstanceTrail != null && writable) {
            run(() -> db.one(sql.lockInstanceTrail, FIRST_INT));
        }
        long sequence = write(() -> db.one(sql.appendAudit, FIRST_LONG,
                entry.organization().map(OrganizationId::value).orElse(INSTANCE_TRAIL), nanos(entry.at()),
                entry.actor(), entry.action().name(), entry.target(), entry.reason(), Cascade.encode(entry.cascade()),
                AuditJson.write(entry.detail())));
        return entry.withSequence(sequence);
    }

    // ---- the change feed ------------------------------------------------------------------

    @Override
    public FeedReceipt appendEvents(List<MembershipEvent> events) {
        if (events.isEmpty()) {
            throw new IllegalArgumentException("a change appends at least one event");
        }
        for (MembershipEvent event : events) {
            Optional<OrganizationId> scope = event.scope();
            lastEventId = write(() -> db.one(sql.appendEvent, FIRST_LONG, scope.isPresent() ? "organization" : "user",
                    scope.map(OrganizationId::value).orElseGet(() -> subject(event)), EventJson.type(event),
                    EventJson.payload(event), nanos(event.at())));
        }
        if (receipt == null) {
            receipt = new Receipt();
        }
        if (dialect == Dialect.SQLITE && !joined) {
            receipt.set(FeedPosition.of(lastEventId));
        }
        return receipt;
    }

    /** @return the account an instance-level event is about, its outbox aggregate */
    private static String subject(MembershipEvent event) {
        if (event instanceof MembershipEvent.UserRegistered registered) {
            return registered.user().id().value();
        }
        if (event instanceof MembershipEvent.UserStatusChanged changed) {
            return changed.user().value();
        }
        if (event instanceof MembershipEvent.UserEmailChanged changed) {
            return changed.user().value();
        }
        throw new IllegalArgumentException("an event without an organization is about an account: " + event);
    }

    @Override
    public Optional<ConsumerRecord> consumer(String name) {
        return one(writable ? sql.consumerLocking : sql.consumer, CONSUMER, name);
    }

    @Override
    public List<ConsumerRecord> consumers() {
        return list(sql.consumers, CONSUMER);
    }

    @Override
    public void insertConsumer(ConsumerRecord consumer) {
        update(sql.insertConsumer, "consumer " + consumer.name(), consumer.name(), consumer.position().value(),
                consumer.owner().orElse(null), nanos(consumer.leaseUntil()));
    }

    @Override
    public void updateConsumer(ConsumerRecord consumer) {
        update(sql.updateConsumer, "consumer " + consumer.name(), consumer.position().value(),
                consumer.owner().orElse(null), nanos(consumer.leaseUntil()), consumer.name());
    }

    @Override
    public boolean deleteConsumer(String name) {
        write(() -> db.update(sql.deleteParked, name));
        return write(() -> db.update(sql.deleteConsumer, name)) > 0;
    }

    @Override
    public void park(String consumer, ParkedEvent parked) {
        FeedEvent event = parked.event();
        update(sql.park, "parked event " + event.id(), consumer, event.position().value(), event.id(),
                EventJson.type(event.event()), EventJson.payload(event.event()), parked.attempts(), parked.error(),
                nanos(parked.parkedAt()));
    }

    @Override
    public List<ParkedEvent> parked(String consumer, int limit) {
        return list(sql.parked, rs -> new ParkedEvent(new FeedEvent(rs.getLong(2), FeedPosition.of(rs.getLong(1)),
                event(rs.getString(3), rs.getString(4))), rs.getInt(5), rs.getString(6), instant(rs, 7)), consumer, limit);
    }

    @Override
    public int pruneFeed(FeedPosition through, Instant before, int limit) {
        if (!writable) {
            throw new IllegalStateException("read transactions cannot write");
        }
        long cutoff = nanos(before);
        long last = 0;
        for (long[] row : list(sql.oldestEvents, rs -> new long[] {rs.getLong(1), rs.getLong(2)}, limit)) {
            if (row[0] > through.value() || row[1] >= cutoff) {
                break;
            }
            last = row[0];
        }
        if (last == 0) {
            return 0;
        }
        long prunedThrough = last;
        return write(() -> db.update(sql.pruneEvents, prunedThrough));
    }

    // ---- managing organizations directly ---------------------------------------------------

    private static final Row<OrganizationUser> ORGANIZATION_USER = rs -> new OrganizationUser(
            new OrganizationMember(OrganizationId.of(rs.getString(1)), UserId.of(rs.getString(2)),
                    OrganizationRole.valueOf(rs.getString(3)), instant(rs, 4)),
            new User(UserId.of(rs.getString(5)), Email.of(rs.getString(6)), UserStatus.valueOf(rs.getString(7)),
                    rs.getBoolean(8)));

    @Override
    public List<OrganizationUser> organizationUsers(OrganizationId organization, Optional<OrganizationRole> role,
                                                    Slice slice) {
        return role.isPresent()
                ? slice(sql.organizationUsersWithRole, slice, false, ORGANIZATION_USER, organization.value(), role.get().name())
                : slice(sql.organizationUsers, slice, false, ORGANIZATION_USER, organization.value());
    }

    @Override
    public void updateOrganizationRole(OrganizationId organization, UserId user, OrganizationRole role) {
        update(sql.updateOrganizationRole, user + " in organization " + organization, role.name(), organization.value(),
                user.value());
    }

    @Override
    public void updateUserEmail(UserId user, Email email) {
        update(sql.updateUserEmail, "user " + user, email.value(), user.value());
    }

    @Override
    public void updateWorkspaceName(WorkspaceId workspace, String name) {
        update(sql.updateWorkspaceName, "workspace " + workspace, name, workspace.value());
    }

    @Override
    public List<UserId> deleteWorkspace(WorkspaceId workspace) {
        List<String> members = write(() -> db.list(sql.deleteWorkspaceMembers, FIRST_STRING, workspace.value()));
        update(sql.deleteWorkspace, "workspace " + workspace, workspace.value());
        // RETURNING gives rows in no promised order
        return members.stream().sorted().map(UserId::of).toList();
    }

    @Override
    public DeletedOrganization deleteOrganization(OrganizationId organization) {
        String id = organization.value();
        int workspaceMembers = write(() -> db.update(sql.deleteOrganizationWorkspaceMembers, id));
        int members = write(() -> db.update(sql.deleteOrganizationMembers, id));
        int invitations = write(() -> db.update(sql.deleteOrganizationInvitations, id));
        int workspaces = write(() -> db.update(sql.deleteOrganizationWorkspaces, id));
        update(sql.deleteOrganization, "organization " + organization, id);
        return new DeletedOrganization(workspaces, members, workspaceMembers, invitations);
    }

    // ---- instants ------------------------------------------------------------------------

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    /** @return the instant as epoch nanoseconds, exact */
    static long nanos(Instant instant) {
        try {
            return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), NANOS_PER_SECOND), instant.getNano());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("instant " + instant
                    + " is outside what the store keeps (years 1678 to 2261, to the nanosecond)", e);
        }
    }

    static Instant instant(ResultSet rs, int column) throws SQLException {
        long nanos = rs.getLong(column);
        return Instant.ofEpochSecond(Math.floorDiv(nanos, NANOS_PER_SECOND), Math.floorMod(nanos, NANOS_PER_SECOND));
    }

    /** The audit cascade as one text column: lines joined by newlines, backslash-escaped; null for none. */
    static final class Cascade {
        private Cascade() {}

        static String encode(List<String> lines) {
            if (lines.isEmpty()) {
                return null;
            }
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < lines.size(); i++) {
                if (i > 0) {
                    out.append('\n');
                }
                out.append(lines.get(i).replace("\\", "\\\\").replace("\n", "\\n"));
            }
            return out.toString();
        }

        static List<String> decode(String text) {
            if (text == null) {
                return List.of();
            }
            List<String> lines = new ArrayList<>();
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '\\' && i + 1 < text.length()) {
                    char next = text.charAt(++i);
                    line.append(next == 'n' ? '\n' : next);
                } else if (c == '\n') {
                    lines.add(line.toString());
                    line.setLength(0);
                } else {
                    line.append(c);
                }
            }
            lines.add(line.toString());
            return lines;
        }
    }
}
