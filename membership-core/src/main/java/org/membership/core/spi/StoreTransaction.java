package org.membership.core.spi;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.membership.api.AuditEntry;
import org.membership.api.Email;
import org.membership.api.FeedPosition;
import org.membership.api.Invitation;
import org.membership.api.InvitationId;
import org.membership.api.MembershipEvent;
import org.membership.api.Organization;
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationMember;
import org.membership.api.ParkedEvent;
import org.membership.api.User;
import org.membership.api.UserId;
import org.membership.api.Workspace;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceMember;

/**
 * The reads and writes of one transaction. Every method touches only the rows it names: none of
 * them loads a whole organization or workspace roster, except the keyset-bounded list reads.
 *
 * <p>Used by one thread, for the duration of one {@link MembershipStore#write} or
 * {@link MembershipStore#read} call; not thread-safe.
 */
public interface StoreTransaction {
    // ---- locking -------------------------------------------------------------------------

    /** Locks the organization until the transaction ends; called before reading anything a change depends on. */
    void lockOrganization(OrganizationId organization);

    /** Locks the user's account until the transaction ends, so that no admin count interleaves with a change of its status; called before reading the account and memberships a status change rests on. */
    void lockUser(UserId user);

    // ---- reads ---------------------------------------------------------------------------

    /** @return the user with that id */
    Optional<User> user(UserId id);

    /** @return the user with that (normalized) email */
    Optional<User> userByEmail(Email email);

    /** @return the organization with that id */
    Optional<Organization> organization(OrganizationId id);

    /** @return the workspace with that id */
    Optional<Workspace> workspace(WorkspaceId id);

    /** @return the user's membership of the organization */
    Optional<OrganizationMember> organizationMember(OrganizationId organization, UserId user);

    /** @return the user's explicit membership of a custom workspace */
    Optional<WorkspaceMember> workspaceMember(WorkspaceId workspace, UserId user);

    /**
     * Counts the organization's usable admins: members with the admin role whose account is
     * {@link org.membership.api.UserStatus#VALIDATED validated}. An admin pending validation or
     * disabled cannot act (rule 4), so it does not count towards keeping one (rule 6). Reaches the
     * admins through an index and looks up each one's account by key: its cost grows with the
     * organization's admins, never with its members.
     *
     * @return how many members of the organization are admins with a validated account
     */
    int countOrganizationAdmins(OrganizationId organization);

    /**
     * Counts the custom workspace's usable admins: explicit members with the admin role whose
     * account is {@link org.membership.api.UserStatus#VALIDATED validated}, at a cost that grows
     * with the workspace's admins, never with its members.
     *
     * @return how many explicit members of the workspace have the admin role and a validated account
     */
    int countWorkspaceAdmins(WorkspaceId workspace);

    /** @return the invitation with that id, whatever its status */
    Optional<Invitation> invitation(InvitationId id);

    /** @return the invitation to that organization for that email whose stored status is pending (it may be past its expiry) */
    Optional<Invitation> pendingInvitation(OrganizationId organization, Email email);

    /** @return a slice of the organization's members, by user id */
    List<OrganizationMember> organizationMembers(OrganizationId organization, Slice slice);

    /** @return a slice of the custom workspace's explicit members, by user id */
    List<WorkspaceMember> workspaceMembers(WorkspaceId workspace, Slice slice);

    /** @return a slice of the organization's invitations that are pending and unexpired at {@code now}, by id */
    List<Invitation> pendingInvitations(OrganizationId organization, Instant now, Slice slice);

    /** @return the user's explicit workspace memberships in the organization's workspaces, by workspace id */
    List<WorkspaceMember> workspaceMembershipsIn(OrganizationId organization, UserId user);

    /** @return all of the user's organization memberships, by organization id */
    List<OrganizationMember> organizationMembershipsOf(UserId user);

    /** @return all of the user's explicit workspace memberships, by workspace id */
    List<WorkspaceMember> workspaceMembershipsOf(UserId user);

    /** @return a slice of the organization's audit trail (empty: the instance-level trail), by sequence number */
    List<AuditEntry> auditTrail(Optional<OrganizationId> organization, Slice slice);

    // ---- writes (each throws IllegalStateException in a read transaction) ------------------

    /** Stores a new user; its id and email are not yet taken. */
    void insertUser(User user);

    /** Replaces an existing user's status. */
    void updateUserStatus(UserId user, org.membership.api.UserStatus status);

    /** Stores a new organization. */
    void insertOrganization(Organization organization);

    /** Stores a new workspace. */
    void insertWorkspace(Workspace workspace);

    /** Stores a new organization membership. */
    void insertOrganizationMember(OrganizationMember member);

    /** Deletes an organization membership. */
    void deleteOrganizationMember(OrganizationId organization, UserId user);

    /** Stores a new explicit workspace membership. */
    void insertWorkspaceMember(WorkspaceMember member);

    /** Replaces an existing workspace membership's role. */
    void updateWorkspaceMember(WorkspaceMember member);

    /** Deletes an explicit workspace membership. */
    void deleteWorkspaceMember(WorkspaceId workspace, UserId user);

    /**
     * Deletes every explicit workspace membership the user has in the organization's workspaces.
     *
     * @return the workspaces the user was removed from, by id
     */
    List<WorkspaceId> deleteWorkspaceMembershipsIn(OrganizationId organization, UserId user);

    /** Stores a new invitation; no other pending invitation exists for its organization and email. */
    void insertInvitation(Invitation invitation);

    /** Replaces an existing invitation's stored status. */
    void updateInvitationStatus(InvitationId invitation, org.membership.api.InvitationStatus status);

    /**
     * Stores as expired every invitation of the organization whose stored status is pending and
     * whose expiry is at or before {@code now} (exactly those {@link Invitation#statusAt} already
     * calls expired), reaching them through an index on expiry rather than walking every pending
     * row; expiry is the clock's doing, not anyone's change, so the engine writes no audit entry
     * and publishes no event for it.
     *
     * @return how many invitations it marked expired
     */
    int expireInvitations(OrganizationId organization, Instant now);

    /**
     * Appends to the audit trail.
     *
     * @return the entry with the sequence number the store assigned: greater than every earlier one
     */
    AuditEntry appendAudit(AuditEntry entry);

    /**
     * Runs {@code action} once this transaction has committed, and never if it does not: for a
     * transaction the store began itself, after the transaction ended (its locks released) and before
     * {@link MembershipStore#write} returns; inside a host's transaction the store joined, when the host
     * commits it. Actions run in the order they were registered; one that throws is logged and does not
     * stop the others or undo anything.
     *
     * @throws IllegalStateException in a read transaction
     */
    void afterCommit(Runnable action);

    // ---- the change feed (see the package documentation for the outbox protocol) -----------

    /**
     * Writes a change's events to the change feed (the outbox), in this transaction: they become
     * readable through {@link MembershipStore#changes} exactly when, and only if, it commits, in the
     * given order, adjacent to each other, each with a new id.
     *
     * @param events the events, in the order the change made them; at least one
     * @return where the last of them lands in the feed, readable after {@link MembershipStore#write} returned
     */
    FeedReceipt appendEvents(List<MembershipEvent> events);

    /**
     * Reads a stored consumer; in a write transaction it also locks the consumer's row until the
     * transaction ends, so that two instances claiming or advancing one consumer take turns.
     *
     * @return the consumer, if stored
     */
    Optional<ConsumerRecord> consumer(String name);

    /** @return every stored consumer, by name */
    List<ConsumerRecord> consumers();

    /**
     * Stores a new consumer. No consumer of that name is stored: where writers run concurrently, one
     * that stored it first (a row {@link #consumer} could not lock, since it did not exist yet) makes
     * this transaction fail as a lost race, which the store runs again.
     */
    void insertConsumer(ConsumerRecord consumer);

    /** Replaces a stored consumer's position, owner and lease. */
    void updateConsumer(ConsumerRecord consumer);

    /**
     * Deletes a stored consumer and its parked events.
     *
     * @return whether it was stored
     */
    boolean deleteConsumer(String name);

    /** Keeps an event the consumer gave up on, with its last failure; a copy that pruning the feed leaves alone. */
    void park(String consumer, ParkedEvent parked);

    /** @return the consumer's parked events, oldest position first, at most {@code limit} */
    List<ParkedEvent> parked(String consumer, int limit);

    /**
     * Deletes the oldest events of the feed: those, in position order, whose position is at most
     * {@code through} and that happened before {@code before}, stopping at the first event that is
     * not both (what is deleted is always a prefix of the feed), at most {@code limit} of them.
     *
     * @return how many it deleted
     */
    int pruneFeed(FeedPosition through, Instant before, int limit);
}
