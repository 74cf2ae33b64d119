package org.membership.core;

import static org.membership.api.AuthorityLevel.INSTANCE_ADMIN;
import static org.membership.api.AuthorityLevel.NONE;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.membership.api.Actor;
import org.membership.api.AuditEntry;
import org.membership.api.AuthorityLevel;
import org.membership.api.Command;
import org.membership.api.Invitation;
import org.membership.api.InvitationId;
import org.membership.api.InvitationStatus;
import org.membership.api.MembershipEvent;
import org.membership.api.MembershipRules;
import org.membership.api.Memberships;
import org.membership.api.Operation;
import org.membership.api.Organization;
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationMember;
import org.membership.api.OrganizationRole;
import org.membership.api.OrganizationUserRemoval;
import org.membership.api.Page;
import org.membership.api.Reason;
import org.membership.api.Refusal;
import org.membership.api.SelfRemoval;
import org.membership.api.User;
import org.membership.api.UserId;
import org.membership.api.UserStatus;
import org.membership.api.Workspace;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceKind;
import org.membership.api.WorkspaceMember;
import org.membership.api.WorkspaceRole;
import org.membership.core.spi.StoreTransaction;

/**
 * Decides each command from the rows it reads, asking {@link Policies} in order, and describes
 * the effect of an approved one. Never writes: effects are applied by the engine, only for real
 * calls. Checks scope before any lock and again under it; {@link #screen} runs a plan up to its
 * first lock. Stateless apart from the rules; thread-safe.
 */
final class Planner {
    private static final Refusal UNAUTHENTICATED = Refusal.of(Reason.UNAUTHENTICATED);
    private static final Refusal INSUFFICIENT = Refusal.of(Reason.INSUFFICIENT_AUTHORITY);
    private static final Refusal ORGANIZATION_NOT_FOUND = Refusal.of(Reason.ORGANIZATION_NOT_FOUND);
    private static final Refusal WORKSPACE_NOT_FOUND = Refusal.of(Reason.WORKSPACE_NOT_FOUND);
    private static final Refusal USER_NOT_FOUND = Refusal.of(Reason.USER_NOT_FOUND);
    private static final Refusal MEMBER_NOT_FOUND = Refusal.of(Reason.MEMBER_NOT_FOUND);
    private static final Refusal INVITATION_NOT_FOUND = Refusal.of(Reason.INVITATION_NOT_FOUND);
    private static final Refusal NEITHER = Refusal.of(Reason.NEITHER_MEMBER_NOR_INVITATION);
    private static final Refusal ALREADY_MEMBER = Refusal.of(Reason.ALREADY_MEMBER);
    private static final Refusal ALREADY_INVITED = Refusal.of(Reason.ALREADY_INVITED);
    private static final Refusal USER_EXISTS = Refusal.of(Reason.USER_EXISTS);
    private static final String DEFAULT_WORKSPACE_NAME = "Default";

    private final MembershipRules rules;
    /** Whether this planner stops every plan at its first lock (the twin that {@link #screen} runs). */
    private final boolean screening;
    private final Planner screeningTwin;

    Planner(MembershipRules rules) {
        this.rules = rules;
        this.screening = false;
        this.screeningTwin = new Planner(rules, true);
    }

    private Planner(MembershipRules rules, boolean screening) {
        this.rules = rules;
        this.screening = screening;
        this.screeningTwin = this;
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

    /** The plan's lock, or, in the screening twin, the point where screening ends. */
    private void lockOrganization(StoreTransaction tx, OrganizationId organization) {
        if (screening) {
            throw ReachedLock.INSTANCE;
        }
        tx.lockOrganization(organization);
    }

    private void lockUser(StoreTransaction tx, UserId user) {
        if (screening) {
            throw ReachedLock.INSTANCE;
        }
        tx.lockUser(user);
    }

    /** Ends a screening plan where the real one would take its first lock. */
    private static final class ReachedLock extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final ReachedLock INSTANCE = new ReachedLock();

        private ReachedLock() {
            super("screening reached a lock", null, false, false);
        }
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
    Optional<Refusal> screen(StoreTransaction tx, Actor actor, Command<?> command, Instant now) {
        try {
            return Optional.ofNullable(screeningTwin.plan(tx, actor, command, now).refusal);
        } catch (ReachedLock e) {
            return Optional.empty();
        }
    }

    @SuppressWarnings("unchecked")
    <R> Plan<R> plan(StoreTransaction tx, Actor actor, Command<R> command, Instant now) {
        Caller caller;
        if (actor instanceof Actor.UserActor u) {
            User user = tx.user(u.id()).orElse(null);
            Refusal r = Policies.validActor(user);
            if (r != null) {
                return Plan.refuse(r);
            }
            caller = new Caller(actor, user, null, user.instanceAdmin());
        } else if (actor instanceof Actor.OrganizationKey key) {
            if (tx.organization(key.organization()).isEmpty()) {
                return Plan.refuse(UNAUTHENTICATED);
            }
            caller = new Caller(actor, null, key.organization(), false);
        } else {
            caller = new Caller(actor, null, null, true);
        }
        Plan<?> plan;
        if (command instanceof Command.RemoveWorkspaceMember c) {
            plan = removeWorkspaceMember(tx, caller, c);
        } else if (command instanceof Command.RemoveOrganizationUser c) {
            plan = removeOrganizationUser(tx, caller, c, now);
        } else if (command instanceof Command.AddWorkspaceMember c) {
            plan = addWorkspaceMember(tx, caller, c);
        } else if (command instanceof Command.ChangeWorkspaceRole c) {
            plan = changeWorkspaceRole(tx, caller, c);
        } else if (command instanceof Command.GetWorkspaceMember c) {
            plan = getWorkspaceMember(tx, caller, c);
        } else if (command instanceof Command.ListWorkspaceMembers c) {
            plan = listWorkspaceMembers(tx, caller, c);
        } else if (command instanceof Command.InviteToOrganization c) {
            plan = invite(tx, caller, c, now);
        } else if (command instanceof Command.AcceptInvitation c) {
            plan = accept(tx, caller, c, now);
        } else if (command instanceof Command.RevokeInvitation c) {
            plan = revoke(tx, caller, c, now);
        } else if (command instanceof Command.ListInvitations c) {
            plan = listInvitations(tx, caller, c, now);
        } else if (command instanceof Command.CreateOrganization c) {
            plan = createOrganization(tx, caller, c);
        } else if (command instanceof Command.CreateWorkspace c) {
            plan = createWorkspace(tx, caller, c);
        } else if (command instanceof Command.RegisterUser c) {
            plan = registerUser(tx, caller, c);
        } else if (command instanceof Command.ChangeUserStatus c) {
            plan = changeUserStatus(tx, caller, c);
        } else if (command instanceof Command.ListMemberships c) {
            plan = listMemberships(tx, caller, c);
        } else if (command instanceof Command.ListAuditTrail c) {
            plan = listAuditTrail(tx, caller, c);
        } else {
            throw new IllegalArgumentException("unknown command " + command.getClass().getName());
        }
        return (Plan<R>) plan;
    }

    // ---- workspaces --------------------------------------------------------------------------

    /** The steps every workspace command starts with: gate, find, lock, scope, authority. */
    private final class WorkspaceAccess {
        Workspace workspace;
        AuthorityLevel level;
        Refusal refusal;

        WorkspaceAccess(StoreTransaction tx, Caller caller, WorkspaceId id, Operation operation, boolean lock,
                        boolean exemptFromAuthority) {
            AuthorityLevel required = rules.requiredAuthority(operation);
            if (!exemptFromAuthority && (refusal = Policies.instanceGate(required, caller)) != null) {
                return;
            }
            workspace = tx.workspace(id).orElse(null);
            if ((refusal = Policies.exists(workspace, WORKSPACE_NOT_FOUND)) != null) {
                return;
            }
            AuthorityLevel inOrganization = Authority.inOrganization(tx, caller, workspace.organization());
            if ((refusal = Policies.inScope(inOrganization, WORKSPACE_NOT_FOUND)) != null) {
                return;
            }
            if (lock) {
                lockOrganization(tx, workspace.organization());
                inOrganization = Authority.inOrganization(tx, caller, workspace.organization());
                if ((refusal = Policies.inScope(inOrganization, WORKSPACE_NOT_FOUND)) != null) {
                    return;
                }
            }
            level = Authority.inWorkspace(tx, caller, workspace, inOrganization);
            if (!exemptFromAuthority) {
                refusal = Policies.sufficientAuthority(level, required);
            }
        }
    }

    private Plan<WorkspaceMember> removeWorkspaceMember(StoreTransaction tx, Caller caller,
                                                       Command.RemoveWorkspaceMember c) {
        boolean self = caller.is(c.user());
        boolean leaving = self && rules.selfRemoval() == SelfRemoval.ALLOWED_WHILE_ANOTHER_ADMIN_REMAINS;
        WorkspaceAccess access = new WorkspaceAccess(tx, caller, c.workspace(), c.operation(), true, leaving);
        Refusal r;
        if ((r = access.refusal) != null || (r = Policies.customWorkspaceOnly(access.workspace)) != null) {
            return Plan.refuse(r);
        }
        Workspace ws = access.workspace;
        WorkspaceMember target = tx.workspaceMember(ws.id(), c.user()).orElse(null);
        if ((r = Policies.exists(target, MEMBER_NOT_FOUND)) != null
                || (r = Policies.noSelfRemoval(rules.selfRemoval(), self)) != null
                || (!self && (r = mayActOn(access.level, Authority.ofMember(tx, ws.organization(), target))) != null)
                || (r = keepsWorkspaceAdmin(tx, target)) != null) {
            return Plan.refuse(r);
        }
        return Plan.approve((t, change) -> {
            t.deleteWorkspaceMember(ws.id(), target.user());
            change.audit(t, Optional.of(ws.organization()), member(target), c.reason(), List.of());
            change.publish(new MembershipEvent.WorkspaceMemberRemoved(ws.organization(), ws.id(), target.user(), change.now));
            return target;
        });
    }

    private Plan<WorkspaceMember> changeWorkspaceRole(StoreTransaction tx, Caller caller, Command.ChangeWorkspaceRole c) {
        WorkspaceAccess access = new WorkspaceAccess(tx, caller, c.workspace(), c.operation(), true, false);
        Refusal r;
        if ((r = access.refusal) != null || (r = Policies.customWorkspaceOnly(access.workspace)) != null) {
            return Plan.refuse(r);
        }
        Workspace ws = access.workspace;
        boolean self = caller.is(c.user());
        WorkspaceMember target = tx.workspaceMember(ws.id(), c.user()).orElse(null);
        if ((r = Policies.exists(target, MEMBER_NOT_FOUND)) != null
                || (r = Policies.noSelfRemoval(rules.selfRemoval(), self && isDemotion(target, c.role()))) != null
                || (!self && (r = mayActOn(access.level, Authority.ofMember(tx, ws.organization(), target))) != null)
                || (r = Policies.grantWithinAuthority(access.level, Authority.of(c.role()))) != null) {
            return Plan.refuse(r);
        }
        if (target.role() == c.role()) {
            return Plan.approve((t, change) -> target);
        }
        if ((r = keepsWorkspaceAdmin(tx, target)) != null) {
            return Plan.refuse(r);
        }
        WorkspaceMember changed = target.withRole(c.role());
        return Plan.approve((t, change) -> {
            t.updateWorkspaceMember(changed);
            change.audit(t, Optional.of(ws.organization()), member(target), "",
                    List.of("role " + name(target.role()) + " -> " + name(c.role())));
            change.publish(new MembershipEvent.WorkspaceRoleChanged(ws.organization(), ws.id(), target.user(),
                    target.role(), c.role(), change.now));
            return changed;
        });
    }

    private Plan<WorkspaceMember> addWorkspaceMember(StoreTransaction tx, Caller caller, Command.AddWorkspaceMember c) {
        WorkspaceAccess access = new WorkspaceAccess(tx, caller, c.workspace(), c.operation(), true, false);
        Refusal r;
        if ((r = access.refusal) != null || (r = Policies.customWorkspaceOnly(access.workspace)) != null) {
            return Plan.refuse(r);
        }
        Workspace ws = access.workspace;
        OrganizationMember inOrganization = tx.organizationMember(ws.organization(), c.user()).orElse(null);
        if ((r = Policies.exists(inOrganization, USER_NOT_FOUND)) != null
                || (tx.workspaceMember(ws.id(), c.user()).isPresent() && (r = ALREADY_MEMBER) != null)
                || (r = Policies.grantWithinAuthority(access.level, Authority.of(c.role()))) != null) {
            return Plan.refuse(r);
        }
        return Plan.approve((t, change) -> {
            WorkspaceMember added = new WorkspaceMember(ws.id(), c.user(), c.role(), change.now);
            t.insertWorkspaceMember(added);
            change.audit(t, Optional.of(ws.organization()), member(added), "", List.of("role " + name(c.role())));
            change.publish(new MembershipEvent.WorkspaceMemberAdded(ws.organization(), added, change.now));
            return added;
        });
    }

    private Plan<WorkspaceMember> getWorkspaceMember(StoreTransaction tx, Caller caller, Command.GetWorkspaceMember c) {
        WorkspaceAccess access = new WorkspaceAccess(tx, caller, c.workspace(), c.operation(), false, false);
        if (access.refusal != null) {
            return Plan.refuse(access.refusal);
        }
        Workspace ws = access.workspace;
        WorkspaceMember found = ws.kind() == WorkspaceKind.DEFAULT
                ? tx.organizationMember(ws.organization(), c.user())
                        .map(m -> Authority.asDefaultWorkspaceMember(ws, m)).orElse(null)
                : tx.workspaceMember(ws.id(), c.user()).orElse(null);
        Refusal r = Policies.exists(found, MEMBER_NOT_FOUND);
        return r != null ? Plan.refuse(r) : Plan.approve((t, change) -> found);
    }

    private Plan<Page<WorkspaceMember>> listWorkspaceMembers(StoreTransaction tx, Caller caller,
                                                            Command.ListWorkspaceMembers c) {
        WorkspaceAccess access = new WorkspaceAccess(tx, caller, c.workspace(), c.operation(), false, false);
        if (access.refusal != null) {
            return Plan.refuse(access.refusal);
        }
        Workspace ws = access.workspace;
        return Plan.approve((t, change) -> {
            List<WorkspaceMember> fetched = ws.kind() == WorkspaceKind.DEFAULT
                    ? t.organizationMembers(ws.organization(), Paging.slice(c.page())).stream()
                            .map(m -> Authority.asDefaultWorkspaceMember(ws, m)).toList()
                    : t.workspaceMembers(ws.id(), Paging.slice(c.page()));
            return Paging.page(fetched, c.page(), m -> m.user().value());
        });
    }

    /**
     * Rule 2, for a change to someone else's membership: the target may not outrank the actor, and
     * where the host protects organization admins, only an instance admin changes theirs.
     */
    private Refusal mayActOn(AuthorityLevel actor, AuthorityLevel target) {
        Refusal r = Policies.doesNotOutrank(actor, target);
        return r != null ? r : Policies.organizationAdminProtected(rules.organizationAdminRemoval(), actor, target);
    }

    /** Stepping down from admin is the change that can lock someone out; other role changes cannot. */
    private static boolean isDemotion(WorkspaceMember member, WorkspaceRole to) {
        return member.role() == WorkspaceRole.ADMIN && to != WorkspaceRole.ADMIN;
    }

    /** Rule 6 for a workspace membership about to go or lose its admin role. */
    private static Refusal keepsWorkspaceAdmin(StoreTransaction tx, WorkspaceMember target) {
        return keepsWorkspaceAdmin(tx, target, target.role() == WorkspaceRole.ADMIN && usable(tx, target.user()));
    }

    private static Refusal keepsWorkspaceAdmin(StoreTransaction tx, WorkspaceMember target, boolean targetUsable) {
        boolean usableAdmin = targetUsable && target.role() == WorkspaceRole.ADMIN;
        return Policies.keepsAUsableAdmin(usableAdmin, usableAdmin ? tx.countWorkspaceAdmins(target.workspace()) : 0);
    }

    /** @return whether the user's account is validated: only such an admin can act, so only it counts for rule 6 */
    private static boolean usable(StoreTransaction tx, UserId user) {
        return tx.user(user).map(u -> u.status() == UserStatus.VALIDATED).orElse(false);
    }

    // ---- organizations -------------------------------------------------------------------------

    /** The steps every organization command starts with: gate, find, lock, scope, authority. */
    private final class OrganizationAccess {
        Organization organization;
        AuthorityLevel level;
        Refusal refusal;

        OrganizationAccess(StoreTransaction tx, Caller caller, OrganizationId id, Operation operation, boolean lock,
                           boolean exemptFromAuthority) {
            AuthorityLevel required = rules.requiredAuthority(operation);
            if (!exemptFromAuthority && (refusal = Policies.instanceGate(required, caller)) != null) {
                return;
            }
            organization = tx.organization(id).orElse(null);
            if ((refusal = Policies.exists(organization, ORGANIZATION_NOT_FOUND)) != null) {
                return;
            }
            level = Authority.inOrganization(tx, caller, id);
            if ((refusal = Policies.inScope(level, ORGANIZATION_NOT_FOUND)) != null) {
                return;
            }
            if (lock) {
                lockOrganization(tx, id);
                level = Authority.inOrganization(tx, caller, id);
                if ((refusal = Policies.inScope(level, ORGANIZATION_NOT_FOUND)) != null) {
                    return;
                }
            }
            if (!exemptFromAuthority) {
                refusal = Policies.sufficientAuthority(level, required);
            }
        }
    }

    private Plan<OrganizationUserRemoval> removeOrganizationUser(StoreTransaction tx, Caller caller,
                                                                 Command.RemoveOrganizationUser c, Instant now) {
        boolean self = caller.user() != null && caller.user().email().equals(c.email());
        boolean leaving = self && rules.selfRemoval() == SelfRemoval.ALLOWED_WHILE_ANOTHER_ADMIN_REMAINS;
        OrganizationAccess access = new OrganizationAccess(tx, caller, c.organization(), c.operation(), true, leaving);
        if (access.refusal != null) {
            return Plan.refuse(access.refusal);
        }
        OrganizationId org = c.organization();
        User user = tx.userByEmail(c.email()).orElse(null);
        OrganizationMember member = user == null ? null : tx.organizationMember(org, user.id()).orElse(null);
        Invitation invitation = tx.pendingInvitation(org, c.email())
                .filter(i -> i.statusAt(now) == InvitationStatus.PENDING).orElse(null);
        if (member == null && invitation == null) {
            return Plan.refuse(NEITHER);
        }
        if (member != null) {
            Refusal r;
            if ((r = Policies.noSelfRemoval(rules.selfRemoval(), self)) != null
                    || (!self && (r = mayActOn(access.level, Authority.ofMember(user, member))) != null)
                    || (r = Policies.keepsAUsableAdmin(usableAdmin(user, member),
                            usableAdmin(user, member) ? tx.countOrganizationAdmins(org) : 0)) != null) {
                return Plan.refuse(r);
            }
            boolean usable = user.status() == UserStatus.VALIDATED;
            for (WorkspaceMember inWorkspace : tx.workspaceMembershipsIn(org, user.id())) {
                if ((r = keepsWorkspaceAdmin(tx, inWorkspace, usable)) != null) {
                    return Plan.refuse(r);
                }
            }
        }
        return Plan.approve((t, change) -> {
            List<WorkspaceId> workspaces = List.of();
            List<String> cascade = new ArrayList<>();
            if (member != null) {
                workspaces = t.deleteWorkspaceMembershipsIn(org, member.user());
                t.deleteOrganizationMember(org, member.user());
                workspaces.forEach(w -> cascade.add("removed from workspace:" + w.value()));
            }
            Optional<Invitation> revoked = Optional.ofNullable(invitation).map(i -> i.withStatus(InvitationStatus.REVOKED));
            if (invitation != null) {
                t.updateInvitationStatus(invitation.id(), InvitationStatus.REVOKED);
                cascade.add("revoked invitation:" + invitation.id().value());
            }
            String target = "email:" + c.email().value() + (member != null ? " user:" + member.user().value() : "");
            change.audit(t, Optional.of(org), target, c.reason(), cascade);
            if (member != null) {
                change.publish(new MembershipEvent.OrganizationMemberRemoved(org, member.user(), workspaces,
                        revoked.map(Invitation::id), change.now));
            } else {
                change.publish(new MembershipEvent.InvitationRevoked(revoked.get(), change.now));
            }
            return new OrganizationUserRemoval(Optional.ofNullable(member), workspaces, revoked);
        });
    }

    private static boolean usableAdmin(User user, OrganizationMember member) {
        return member.role() == OrganizationRole.ADMIN && user.status() == UserStatus.VALIDATED;
    }

    /*
     * Recording expiry. An invitation past its expiry is expired in meaning at once (statusAt), but
     * until something stores that, its row stays in the pending index that listing walks in id
     * order, skipping it; left alone, those rows would pile up for ever and every listing page
     * would cost more the longer an organization has been inviting people (SPEC section 6).
     *
     * So every invitation sent first expires, in the same locked transaction, every pending
     * invitation of that organization whose expiry is at or before now. Inviting is the only
     * change that adds pending rows, which is why this one place bounds them: right after an
     * invitation is sent, no pending row of its organization is past its expiry; until the next
     * one is sent, the only rows that can lapse are those that were live at that moment. So at any
     * time the rows a listing skips are at most the invitations the organization had pending at
     * its last invitation (those sent within one lifetime before it) -- never its history and
     * never its membership. Each row is expired once, through an index on (organization, expiry),
     * so the sweep's own cost is one index probe plus the rows it ends, paid by the invitations
     * that created them.
     *
     * Sweeping elsewhere as well would not change that bound in kind. Accepting, revoking and
     * removing by email only end pending rows; sweeping there too would add a statement to three
     * more changes and shorten the stale window only when they happen to follow the last
     * invitation. Listing is a read: sweeping there would turn every listing into a locked write
     * (on SQLite, the one write lock of the whole file). What remains is the burst: an
     * organization that sends N invitations and then none while they all lapse leaves N stale rows
     * for listing to skip until it invites again -- bounded by what it sent within one lifetime.
     *
     * Expiry writes no audit entry and publishes no event: nobody made that change, and the
     * invitation was already expired for every rule and every reader before its row said so. The
     * invitation's own audit entry and InvitationSent event are unchanged.
     */

    private Plan<Invitation> invite(StoreTransaction tx, Caller caller, Command.InviteToOrganization c, Instant now) {
        OrganizationAccess access = new OrganizationAccess(tx, caller, c.organization(), c.operation(), true, false);
        Refusal r;
        if ((r = access.refusal) != null
                || (r = Policies.grantWithinAuthority(access.level, Authority.granted(c.role()))) != null) {
            return Plan.refuse(r);
        }
        OrganizationId org = c.organization();
        User existing = tx.userByEmail(c.email()).orElse(null);
        if (existing != null && tx.organizationMember(org, existing.id()).isPresent()) {
            return Plan.refuse(ALREADY_MEMBER);
        }
        Invitation stale = tx.pendingInvitation(org, c.email()).orElse(null);
        if (stale != null && stale.statusAt(now) == InvitationStatus.PENDING) {
            return Plan.refuse(ALREADY_INVITED);
        }
        return Plan.approve((t, change) -> {
            // Also ends the stale invitation for this email, if any: it expired at or before now.
            t.expireInvitations(org, change.now);
            Invitation invitation = new Invitation(new InvitationId(change.newId()), org, c.email(), c.role(),
                    InvitationStatus.PENDING, change.now, change.now.plus(rules.invitationLifetime()));
            t.insertInvitation(invitation);
            change.audit(t, Optional.of(org), "email:" + c.email().value(), "",
                    List.of("invitation:" + invitation.id().value() + " as " + name(c.role())));
            change.publish(new MembershipEvent.InvitationSent(invitation, change.now));
            return invitation;
        });
    }

    private Plan<OrganizationMember> accept(StoreTransaction tx, Caller caller, Command.AcceptInvitation c, Instant now) {
        if (caller.user() == null) {
            return Plan.refuse(INSUFFICIENT);
        }
        Invitation seen = tx.invitation(c.invitation()).orElse(null);
        if (seen == null || !seen.email().equals(caller.user().email())) {
            return Plan.refuse(INVITATION_NOT_FOUND);
        }
        OrganizationId org = seen.organization();
        lockOrganization(tx, org);
        Invitation invitation = tx.invitation(c.invitation()).orElseThrow();
        Refusal r;
        if ((r = Policies.sufficientAuthority(Authority.inOrganization(tx, caller, org),
                rules.requiredAuthority(c.operation()))) != null
                || (r = Policies.stillPending(invitation, now)) != null
                || (tx.organizationMember(org, caller.user().id()).isPresent() && (r = ALREADY_MEMBER) != null)) {
            return Plan.refuse(r);
        }
        return Plan.approve((t, change) -> {
            t.updateInvitationStatus(invitation.id(), InvitationStatus.ACCEPTED);
            OrganizationMember joined = new OrganizationMember(org, caller.user().id(), invitation.role(), change.now);
            t.insertOrganizationMember(joined);
            change.audit(t, Optional.of(org), "user:" + joined.user().value(), "",
                    List.of("accepted invitation:" + invitation.id().value() + " as " + name(invitation.role())));
            change.publish(new MembershipEvent.InvitationAccepted(invitation.withStatus(InvitationStatus.ACCEPTED),
                    joined.user(), change.now));
            return joined;
        });
    }

    private Plan<Invitation> revoke(StoreTransaction tx, Caller caller, Command.RevokeInvitation c, Instant now) {
        AuthorityLevel required = rules.requiredAuthority(c.operation());
        Refusal r;
        if ((r = Policies.instanceGate(required, caller)) != null) {
            return Plan.refuse(r);
        }
        Invitation seen = tx.invitation(c.invitation()).orElse(null);
        if ((r = Policies.exists(seen, INVITATION_NOT_FOUND)) != null) {
            return Plan.refuse(r);
        }
        OrganizationId org = seen.organization();
        if ((r = Policies.inScope(Authority.inOrganization(tx, caller, org), INVITATION_NOT_FOUND)) != null) {
            return Plan.refuse(r);
        }
        lockOrganization(tx, org);
        Invitation invitation = tx.invitation(c.invitation()).orElseThrow();
        AuthorityLevel level = Authority.inOrganization(tx, caller, org);
        if ((r = Policies.inScope(level, INVITATION_NOT_FOUND)) != null
                || (r = Policies.sufficientAuthority(level, required)) != null
                || (r = Policies.stillPending(invitation, now)) != null) {
            return Plan.refuse(r);
        }
        Invitation revoked = invitation.withStatus(InvitationStatus.REVOKED);
        return Plan.approve((t, change) -> {
            t.updateInvitationStatus(invitation.id(), InvitationStatus.REVOKED);
            change.audit(t, Optional.of(org), "email:" + invitation.email().value(), c.reason(),
                    List.of("revoked invitation:" + invitation.id().value()));
            change.publish(new MembershipEvent.InvitationRevoked(revoked, change.now));
            return revoked;
        });
    }

    private Plan<Page<Invitation>> listInvitations(StoreTransaction tx, Caller caller, Command.ListInvitations c,
                                                   Instant now) {
        OrganizationAccess access = new OrganizationAccess(tx, caller, c.organization(), c.operation(), false, false);
        if (access.refusal != null) {
            return Plan.refuse(access.refusal);
        }
        return Plan.approve((t, change) -> Paging.page(
                t.pendingInvitations(c.organization(), now, Paging.slice(c.page())), c.page(), i -> i.id().value()));
    }

    private Plan<Organization> createOrganization(StoreTransaction tx, Caller caller, Command.CreateOrganization c) {
        Refusal r;
        User firstAdmin = null;
        if ((r = instanceLevelAuthority(caller, c.operation())) != null
                || (r = Policies.exists(firstAdmin = tx.user(c.firstAdmin()).orElse(null), USER_NOT_FOUND)) != null
                || (r = Policies.usableFirstAdmin(firstAdmin)) != null) {
            return Plan.refuse(r);
        }
        return Plan.approve((t, change) -> {
            OrganizationId id = new OrganizationId(change.newId());
            WorkspaceId defaultWorkspace = new WorkspaceId(change.newId());
            Organization organization = new Organization(id, c.name(), defaultWorkspace, change.now);
            Workspace workspace = new Workspace(defaultWorkspace, id, DEFAULT_WORKSPACE_NAME, WorkspaceKind.DEFAULT,
                    change.now);
            t.insertOrganization(organization);
            t.insertWorkspace(workspace);
            t.insertOrganizationMember(new OrganizationMember(id, c.firstAdmin(), OrganizationRole.ADMIN, change.now));
            change.audit(t, Optional.of(id), "organization:" + id.value(), "",
                    List.of("created default workspace:" + defaultWorkspace.value(),
                            "added admin user:" + c.firstAdmin().value()));
            change.publish(new MembershipEvent.OrganizationCreated(organization, c.firstAdmin(), change.now));
            change.publish(new MembershipEvent.WorkspaceCreated(workspace, change.now));
            return organization;
        });
    }

    private Plan<Workspace> createWorkspace(StoreTransaction tx, Caller caller, Command.CreateWorkspace c) {
        OrganizationAccess access = new OrganizationAccess(tx, caller, c.organization(), c.operation(), true, false);
        if (access.refusal != null) {
            return Plan.refuse(access.refusal);
        }
        return Plan.approve((t, change) -> {
            Workspace workspace = new Workspace(new WorkspaceId(change.newId()), c.organization(), c.name(),
                    WorkspaceKind.CUSTOM, change.now);
            t.insertWorkspace(workspace);
            change.audit(t, Optional.of(c.organization()), "workspace:" + workspace.id().value(), "", List.of());
            change.publish(new MembershipEvent.WorkspaceCreated(workspace, change.now));
            return workspace;
        });
    }

    // ---- users -------------------------------------------------------------------------------

    private Refusal instanceLevelAuthority(Caller caller, Operation operation) {
        return Policies.sufficientAuthority(caller.instance() ? INSTANCE_ADMIN : NONE, rules.requiredAuthority(operation));
    }

    private Plan<User> registerUser(StoreTransaction tx, Caller caller, Command.RegisterUser c) {
        Refusal r;
        if ((r = instanceLevelAuthority(caller, c.operation())) != null) {
            return Plan.refuse(r);
        }
        User user = c.user();
        if (tx.user(user.id()).isPresent() || tx.userByEmail(user.email()).isPresent()) {
            return Plan.refuse(USER_EXISTS);
        }
        return Plan.approve((t, change) -> {
            t.insertUser(user);
            change.audit(t, Optional.empty(), "user:" + user.id().value(), "",
                    List.of("status " + name(user.status()) + (user.instanceAdmin() ? ", instance admin" : "")));
            change.publish(new MembershipEvent.UserRegistered(user, change.now));
            return user;
        });
    }

    private Plan<User> changeUserStatus(StoreTransaction tx, Caller caller, Command.ChangeUserStatus c) {
        Refusal r;
        User seen = null;
        if ((r = instanceLevelAuthority(caller, c.operation())) != null
                || (r = Policies.exists(seen = tx.user(c.user()).orElse(null), USER_NOT_FOUND)) != null
                || (r = Policies.noSelfRemoval(rules.selfRemoval(),
                        caller.is(c.user()) && c.status() != UserStatus.VALIDATED)) != null) {
            return Plan.refuse(r);
        }
        Set<OrganizationId> locked = new HashSet<>();
        if (seen.status() == UserStatus.VALIDATED && c.status() != UserStatus.VALIDATED) {
            lockAdministeredOrganizations(tx, seen.id(), locked);
        }
        lockUser(tx, seen.id());
        User before = tx.user(seen.id()).orElseThrow();
        if (before.status() == c.status()) {
            return Plan.approve((t, change) -> before);
        }
        if (before.status() == UserStatus.VALIDATED && (r = keepsUsableAdminsWithout(tx, before.id(), locked)) != null) {
            return Plan.refuse(r);
        }
        return Plan.approve((t, change) -> {
            t.updateUserStatus(before.id(), c.status());
            change.audit(t, Optional.empty(), "user:" + before.id().value(), "",
                    List.of("status " + name(before.status()) + " -> " + name(c.status())));
            change.publish(new MembershipEvent.UserStatusChanged(before.id(), before.status(), c.status(), change.now));
            return before.withStatus(c.status());
        });
    }

    /*
     * Disabling a user (or setting it back to pending validation) is rule 6's third way to lose an
     * admin: the account stays an admin in name but can no longer act. So it is refused where the
     * user is the last usable admin of an organization, or of a custom workspace that has a usable
     * admin only because of the user. The counts must not race with removals and demotions in those
     * organizations, which count under the organization's lock; so this takes the same lock on every
     * organization involved before counting, in id order, so that two such changes (or one and a
     * removal that locks one organization) do not wait on each other in a cycle. The memberships are
     * read again once the locks are held, and any organization that appeared in between is locked
     * too, until a read finds nothing new: the counts are then taken with every lock held.
     *
     * Organization locks alone leave a hole where the store runs writers concurrently: the user may
     * become an admin of another organization (an invitation accepted, a workspace admin added)
     * after this change read its memberships, and a removal there may then count the user as usable
     * and remove the other admin just before this change commits. So the user's account is locked
     * too, after those organizations and before the user and its memberships are read again: from
     * then on a count that includes the user either ended before (and these reads see what it
     * changed) or waits for this change to end and counts the account as it leaves it (see
     * StoreTransaction#lockUser). Organizations first, then the user, is also a removal's order (its
     * organization, then the accounts it counts), so the common race only queues. Only an admin
     * membership (or the account's validation) that appears between the first reads and the reads
     * under the user's lock makes this lock an organization after the user; that rare case can wait
     * in a cycle with a removal there, which a store that runs writers concurrently must detect and
     * undo (PostgreSQL reports a deadlock and the JDBI store runs the change again).
     */

    /**
     * Locks, in id order, every organization in which the user is an admin or administers a custom
     * workspace, reading the memberships again until a read finds nothing new.
     *
     * @return the user's admin memberships of organizations and of custom workspaces, as last read
     */
    private AdminMemberships lockAdministeredOrganizations(StoreTransaction tx, UserId user,
                                                           Set<OrganizationId> locked) {
        while (true) {
            List<OrganizationMember> organizations = tx.organizationMembershipsOf(user).stream()
                    .filter(m -> m.role() == OrganizationRole.ADMIN).toList();
            List<WorkspaceMember> workspaces = tx.workspaceMembershipsOf(user).stream()
                    .filter(m -> m.role() == WorkspaceRole.ADMIN).toList();
            SortedSet<OrganizationId> involved = new TreeSet<>();
            organizations.forEach(m -> involved.add(m.organization()));
            for (WorkspaceMember m : workspaces) {
                tx.workspace(m.workspace()).ifPresent(w -> involved.add(w.organization()));
            }
            involved.removeAll(locked);
            if (involved.isEmpty()) {
                return new AdminMemberships(organizations, workspaces);
            }
            for (OrganizationId organization : involved) {
                lockOrganization(tx, organization);
                locked.add(organization);
            }
        }
    }

    /** A user's admin memberships of organizations and of custom workspaces. */
    private record AdminMemberships(List<OrganizationMember> organizations, List<WorkspaceMember> workspaces) {}

    /**
     * @return LAST_ADMIN if the user is the last usable admin of an organization, or of a custom
     *         workspace, it is an admin of; null otherwise. Locks every such organization not yet in
     *         {@code locked}.
     */
    private Refusal keepsUsableAdminsWithout(StoreTransaction tx, UserId user, Set<OrganizationId> locked) {
        AdminMemberships admin = lockAdministeredOrganizations(tx, user, locked);
        Refusal r = null;
        for (int i = 0; r == null && i < admin.organizations().size(); i++) {
            r = Policies.keepsAUsableAdmin(true, tx.countOrganizationAdmins(admin.organizations().get(i).organization()));
        }
        for (int i = 0; r == null && i < admin.workspaces().size(); i++) {
            r = keepsWorkspaceAdmin(tx, admin.workspaces().get(i), true);
        }
        return r;
    }

    private Plan<Memberships> listMemberships(StoreTransaction tx, Caller caller, Command.ListMemberships c) {
        boolean self = caller.is(c.user());
        Refusal r;
        if (!self && (r = instanceLevelAuthority(caller, c.operation())) != null) {
            return Plan.refuse(r);
        }
        if ((r = Policies.exists(tx.user(c.user()).orElse(null), USER_NOT_FOUND)) != null) {
            return Plan.refuse(r);
        }
        List<OrganizationMember> organizations = tx.organizationMembershipsOf(c.user());
        List<WorkspaceMember> workspaces = tx.workspaceMembershipsOf(c.user());
        if (!self && !caller.instance()) {
            // Reachable only where a host lowered the level below instance admin. Rule 3 still
            // holds: the caller sees the memberships its own organizations hold, and a user who
            // shares none with it is not found. (One workspace read per listed membership: this
            // is the rare configuration, not the hot path.)
            organizations = organizations.stream()
                    .filter(m -> Authority.inOrganization(tx, caller, m.organization()) != NONE).toList();
            Set<OrganizationId> visible = organizations.stream().map(OrganizationMember::organization)
                    .collect(java.util.stream.Collectors.toSet());
            workspaces = workspaces.stream().filter(m -> tx.workspace(m.workspace())
                    .map(w -> visible.contains(w.organization())).orElse(false)).toList();
            if (organizations.isEmpty()) {
                return Plan.refuse(USER_NOT_FOUND);
            }
        }
        Memberships memberships = new Memberships(c.user(), organizations, workspaces);
        return Plan.approve((t, change) -> memberships);
    }

    private Plan<Page<AuditEntry>> listAuditTrail(StoreTransaction tx, Caller caller, Command.ListAuditTrail c) {
        if (c.organization().isPresent()) {
            OrganizationAccess access = new OrganizationAccess(tx, caller, c.organization().get(), c.operation(),
                    false, false);
            if (access.refusal != null) {
                return Plan.refuse(access.refusal);
            }
        } else {
            Refusal r = instanceLevelAuthority(caller, c.operation());
            if (r != null) {
                return Plan.refuse(r);
            }
        }
        return Plan.approve((t, change) -> Paging.page(t.auditTrail(c.organization(), Paging.slice(c.page())),
                c.page(), e -> Long.toString(e.sequence())));
    }

    // ---- audit wording -----------------------------------------------------------------------

    private static String member(WorkspaceMember m) {
        return "user:" + m.user().value() + " in workspace:" + m.workspace().value();
    }

    private static String name(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
