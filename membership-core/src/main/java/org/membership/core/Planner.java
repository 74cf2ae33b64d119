package org.membership.core;

import java.time.Instant;
import java.util.Optional;
import org.membership.api.Actor;
import org.membership.api.Command;
import org.membership.api.MembershipRules;
import org.membership.api.Reason;
import org.membership.api.Refusal;
import org.membership.api.User;
import org.membership.core.spi.StoreLocks;
import org.membership.core.spi.StoreReads;
import org.membership.core.spi.StoreTransaction;

/**
 * Decides each command: authenticates the actor, then hands the command to the planner of its
 * family, which reads the few rows the decision needs, runs the command's policies in order, and
 * describes the effect of an approved command. Never writes: a decision is handed only the
 * transaction's reads and locks, and the engine applies effects, only for real calls. Takes its locks
 * as the locking protocol of the SPI's package documentation sets out (scope before any lock, then
 * again under it); {@link #screen} runs a decision up to its first lock. Stateless apart from the
 * rules; thread-safe.
 */
final class Planner {
    private static final Refusal UNAUTHENTICATED = Refusal.of(Reason.UNAUTHENTICATED);

    private final MembershipRules rules;

    Planner(MembershipRules rules) {
        this.rules = rules;
    }

    /**
     * @return whether {@link #screen} can refuse anything for this actor: an instance key is in scope everywhere
     */
    static boolean screens(Actor actor) {
        return !(actor instanceof Actor.InstanceKey);
    }

    /**
     * Runs the checks the command makes before its first lock, on a read transaction.
     *
     * @return the refusal the command meets before any lock; empty if it gets as far as a lock or is approved
     */
    Optional<Refusal> screen(StoreReads reads, Actor actor, Command<?> command, Instant now) {
        try {
            return plan(reads, Screening.LOCKS, actor, command, now).refusal();
        } catch (Screening.ReachedLock e) {
            return Optional.empty();
        }
    }

    /** Decides a command in a transaction, taking the locks it needs there. */
    <R> Plan<R> plan(StoreTransaction tx, Actor actor, Command<R> command, Instant now) {
        return plan(tx, tx, actor, command, now);
    }

    private <R> Plan<R> plan(StoreReads tx, StoreLocks locks, Actor actor, Command<R> command, Instant now) {
        Gate<Caller> caller = authenticate(tx, actor);
        if (caller.refusal().isPresent()) {
            return Plan.refuse(caller.refusal().get());
        }
        return dispatch(new Request(tx, locks, caller.found(), now, rules), command);
    }

    /** Rule 4, before anything else: a user must be known, not disabled and validated; a key's organization must exist. */
    private static Gate<Caller> authenticate(StoreReads tx, Actor actor) {
        if (actor instanceof Actor.UserActor u) {
            Optional<User> user = tx.user(u.id());
            Optional<Refusal> refusal = Policies.validActor(user);
            return refusal.isPresent() ? Gate.refused(refusal.get()) : Gate.passed(Caller.ofUser(actor, user.get()));
        }
        if (actor instanceof Actor.OrganizationKey key) {
            return tx.organization(key.organization()).isPresent()
                    ? Gate.passed(Caller.ofOrganizationKey(actor, key.organization())) : Gate.refused(UNAUTHENTICATED);
        }
        return Gate.passed(Caller.ofInstanceKey(actor));
    }

    /**
     * Hands a command to the planner of its family. The switch is exhaustive over {@link
     * org.membership.api.Operation}, so a new operation does not compile until it is planned; each
     * case casts the command to the one record that reports that operation.
     */
    @SuppressWarnings("unchecked") // each case's command record fixes R, so the plan is a Plan<R>
    private static <R> Plan<R> dispatch(Request r, Command<R> command) {
        Plan<?> plan = switch (command.operation()) {
            case ADD_WORKSPACE_MEMBER -> WorkspaceMemberPlanner.add(r, (Command.AddWorkspaceMember) command);
            case CHANGE_WORKSPACE_ROLE -> WorkspaceMemberPlanner.changeRole(r, (Command.ChangeWorkspaceRole) command);
            case REMOVE_WORKSPACE_MEMBER -> WorkspaceMemberPlanner.remove(r, (Command.RemoveWorkspaceMember) command);
            case REMOVE_ORGANIZATION_USER -> OrganizationPlanner.removeUser(r, (Command.RemoveOrganizationUser) command);
            case CREATE_ORGANIZATION -> OrganizationPlanner.create(r, (Command.CreateOrganization) command);
            case CREATE_WORKSPACE -> OrganizationPlanner.createWorkspace(r, (Command.CreateWorkspace) command);
            case INVITE_TO_ORGANIZATION -> InvitationPlanner.invite(r, (Command.InviteToOrganization) command);
            case ACCEPT_INVITATION -> InvitationPlanner.accept(r, (Command.AcceptInvitation) command);
            case REVOKE_INVITATION -> InvitationPlanner.revoke(r, (Command.RevokeInvitation) command);
            case REGISTER_USER -> AccountPlanner.register(r, (Command.RegisterUser) command);
            case CHANGE_USER_STATUS -> AccountPlanner.changeStatus(r, (Command.ChangeUserStatus) command);
            case GET_WORKSPACE_MEMBER -> ReadPlanner.workspaceMember(r, (Command.GetWorkspaceMember) command);
            case LIST_WORKSPACE_MEMBERS -> ReadPlanner.workspaceMembers(r, (Command.ListWorkspaceMembers) command);
            case GET_WORKSPACE_AUTHORITY -> ReadPlanner.workspaceAuthority(r, (Command.GetWorkspaceAuthority) command);
            case LIST_INVITATIONS -> ReadPlanner.invitations(r, (Command.ListInvitations) command);
            case LIST_MEMBERSHIPS -> ReadPlanner.memberships(r, (Command.ListMemberships) command);
            case LIST_AUDIT_TRAIL -> ReadPlanner.auditTrail(r, (Command.ListAuditTrail) command);
            case ADD_ORGANIZATION_MEMBER -> OrganizationMemberPlanner.add(r, (Command.AddOrganizationMember) command);
            case CHANGE_ORGANIZATION_ROLE -> OrganizationMemberPlanner.changeRole(r, (Command.ChangeOrganizationRole) command);
            case REMOVE_ORGANIZATION_MEMBER -> OrganizationMemberPlanner.remove(r, (Command.RemoveOrganizationMember) command);
            case LEAVE_ORGANIZATION -> OrganizationMemberPlanner.leave(r, (Command.LeaveOrganization) command);
            case GET_ORGANIZATION_MEMBER -> DirectoryPlanner.organizationMember(r, (Command.GetOrganizationMember) command);
            case LIST_ORGANIZATION_MEMBERS -> DirectoryPlanner.organizationMembers(r, (Command.ListOrganizationMembers) command);
            case GET_INVITATION -> DirectoryPlanner.invitation(r, (Command.GetInvitation) command);
            case GET_USER -> DirectoryPlanner.user(r, (Command.GetUser) command);
            case FIND_USER_BY_EMAIL -> DirectoryPlanner.userByEmail(r, (Command.FindUserByEmail) command);
            case CHANGE_USER_EMAIL -> AccountEmailPlanner.changeEmail(r, (Command.ChangeUserEmail) command);
            case RENAME_WORKSPACE -> StructurePlanner.rename(r, (Command.RenameWorkspace) command);
            case DELETE_WORKSPACE -> StructurePlanner.deleteWorkspace(r, (Command.DeleteWorkspace) command);
            case DELETE_ORGANIZATION -> StructurePlanner.deleteOrganization(r, (Command.DeleteOrganization) command);
        };
        return (Plan<R>) plan;
    }
}
