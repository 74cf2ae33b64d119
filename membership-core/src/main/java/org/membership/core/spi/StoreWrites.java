package org.membership.core.spi;

import java.time.Instant;
import java.util.List;
import org.membership.api.AuditEntry;
import org.membership.api.Email;
import org.membership.api.FeedPosition;
import org.membership.api.Invitation;
import org.membership.api.InvitationId;
import org.membership.api.InvitationStatus;
import org.membership.api.MembershipEvent;
import org.membership.api.Organization;
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationMember;
import org.membership.api.OrganizationRole;
import org.membership.api.ParkedEvent;
import org.membership.api.User;
import org.membership.api.UserId;
import org.membership.api.UserStatus;
import org.membership.api.Workspace;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceMember;

/**
 * The writes of one transaction: what the engine carries an approved command out with, never what
 * it decides with. Each throws {@link IllegalStateException} in a read transaction. Everything a
 * write transaction writes commits together or not at all.
 *
 * <p>Used by one thread, for the duration of one {@link MembershipStore#write}; not thread-safe.
 */
public interface StoreWrites {
    /** Stores a new user; its id and email are not yet taken. */
    void insertUser(User user);

    /** Replaces an existing user's status. */
    void updateUserStatus(UserId user, UserStatus status);

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
    void updateInvitationStatus(InvitationId invitation, InvitationStatus status);

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

    // ---- the change feed (the outbox protocol is in the package documentation) ----------

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
     * Stores a new consumer. No consumer of that name is stored: where writers run concurrently, one
     * that stored it first (a row {@link StoreReads#consumer} could not lock, since it did not exist yet) makes
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

    /**
     * Deletes the oldest events of the feed: those, in position order, whose position is at most
     * {@code through} and that happened before {@code before}, stopping at the first event that is
     * not both (what is deleted is always a prefix of the feed), at most {@code limit} of them.
     *
     * @return how many it deleted
     */
    int pruneFeed(FeedPosition through, Instant before, int limit);

    // ---- managing organizations directly ------------------------------------------------

    /** Replaces an existing organization membership's role. */
    void updateOrganizationRole(OrganizationId organization, UserId user, OrganizationRole role);

    /** Replaces an existing user's email; no other user has it. */
    void updateUserEmail(UserId user, Email email);

    /** Replaces an existing workspace's name. */
    void updateWorkspaceName(WorkspaceId workspace, String name);

    /**
     * Deletes an existing custom workspace and every explicit membership of it.
     *
     * @return the users whose memberships it deleted, by user id
     */
    List<UserId> deleteWorkspace(WorkspaceId workspace);

    /**
     * Deletes an existing organization and everything that belongs to it: every workspace membership,
     * organization membership, invitation (whatever its status) and workspace, and the organization
     * itself. Its audit trail and its events stay. A store does it in a number of statements that does
     * not grow with the organization (never one per row, never reading a roster first), each reaching
     * its rows through an index on the organization.
     *
     * @return how many rows of each kind it deleted
     */
    DeletedOrganization deleteOrganization(OrganizationId organization);
}
