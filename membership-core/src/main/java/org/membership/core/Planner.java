package org.membership.core;

import java.time.Instant;
import java.util.Optional;
import org.membership.api.Actor;
import org.membership.api.Command;
import org.membership.api.MembershipRules;
import org.membership.api.Reason;
import org.membership.api.Refusal;
import org.membership.api.User;
import org.membership.core.spi.StoreTransaction;

/**
 * Decides each command: authenticates the actor, then hands the command to the planner of its
 * family, which reads the few rows the decision needs, asks {@link Policies} in order, and describes
 * the effect of an approved command. Never writes: effects are applied by the engine, only for real
 * calls. Checks scope before any lock and again under it; {@link #screen} runs a plan up to its first
 * lock. Stateless apart from the rules; thread-safe.
 */
final class Planner {
    private static final Refusal UNAUTHENTICATED = Refusal.of(Reason.UNAUTHENTICATED);

    private final MembershipRules rules;

    Planner(MembershipRules rules) {
        this.rules = rules;
    }

    /*
     * Rule 3 in time. A caller outside an organization must not wait for that organization's
     * writers, or how long a refusal takes tells it which ids exist. So every plan checks scope on
     * what it read before its first lock, and refuses there, then checks again once the lock is held
     * (the caller may have left the organization meanwhile). On PostgreSQL that is enough: a write
     * transaction holds nothing until it locks an organization's row. Where the write transaction
     * itself is the lock (SQLite's BEGIN IMMEDIATE takes the whole file), the engine first runs the
     * plan in a read transaction up to its first lock (screen): a refusal found there is the one the
     * write would find on that snapshot, and is answered without any write transaction at all.
     */

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
    Optional<Refusal> screen(StoreTransaction tx, Actor actor, Command<?> command, Instant now) {
        try {
            return plan(tx, Locks.SCREENING, actor, command, now).refusal();
        } catch (Locks.ReachedLock e) {
            return Optional.empty();
        }
    }

    <R> Plan<R> plan(StoreTransaction tx, Actor actor, Command<R> command, Instant now) {
        return plan(tx, Locks.of(tx), actor, command, now);
    }

    private <R> Plan<R> plan(StoreTransaction tx, Locks locks, Actor actor, Command<R> command, Instant now) {
        Gate<Caller> caller = authenticate(tx, actor);
        if (caller.refusal().isPresent()) {
            return Plan.refuse(caller.refusal().get());
        }
        return dispatch(new Request(tx, locks, caller.found(), now, rules), command);
    }

    /** Rule 4, before anything else: a user must be known, not disabled and validated; a key's organization must exist. */
    private static Gate<Caller> authenticate(StoreTransaction tx, Actor actor) {
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
            case LIST_INVITATIONS -> ReadPlanner.invitations(r, (Command.ListInvitations) command);
            case LIST_MEMBERSHIPS -> ReadPlanner.memberships(r, (Command.ListMemberships) command);
            case LIST_AUDIT_TRAIL -> ReadPlanner.auditTrail(r, (Command.ListAuditTrail) command);
        };
        return (Plan<R>) plan;
    }
}
