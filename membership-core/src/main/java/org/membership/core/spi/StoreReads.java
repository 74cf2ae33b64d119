package org.membership.core.spi;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.membership.api.AuditEntry;
import org.membership.api.Email;
import org.membership.api.Invitation;
import org.membership.api.InvitationId;
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

/**
 * The reads of one transaction: what the engine decides with. Every method touches only the rows it
 * names: none of them loads a whole organization or workspace roster, except the keyset-bounded list
 * reads. Reads in a write transaction see the transaction's own writes and, after a lock, what the
 * lock's previous holders committed (the <a href="package-summary.html#locking">locking protocol</a>).
 *
 * <p>Used by one thread, for the duration of one transaction; not thread-safe.
 */
public interface StoreReads {
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

    // ---- the change feed (the outbox protocol is in the package documentation) ----------

    /**
     * Reads a stored consumer; in a write transaction it also locks the consumer's row until the
     * transaction ends, so that two instances claiming or advancing one consumer take turns.
     *
     * @return the consumer, if stored
     */
    Optional<ConsumerRecord> consumer(String name);

    /** @return every stored consumer, by name */
    List<ConsumerRecord> consumers();

    /** @return the consumer's parked events, oldest position first, at most {@code limit} */
    List<ParkedEvent> parked(String consumer, int limit);

    // ---- managing organizations directly ------------------------------------------------

    /**
     * Reads a keyset slice of an organization's members, each with its account, in one read: all of
     * them, or only those with {@code role}. Reaches them through an index by (organization, user) or
     * (organization, role, user) and each account by its key, so a page costs the same in an
     * organization of any size.
     *
     * @return a slice of the organization's members with their accounts, by user id
     */
    List<OrganizationUser> organizationUsers(OrganizationId organization, Optional<OrganizationRole> role, Slice slice);
}
