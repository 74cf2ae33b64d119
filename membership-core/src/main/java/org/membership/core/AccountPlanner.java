package org.membership.core;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.membership.api.Command;
import org.membership.api.MembershipEvent;
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationMember;
import org.membership.api.OrganizationRole;
import org.membership.api.Reason;
import org.membership.api.Refusal;
import org.membership.api.User;
import org.membership.api.UserId;
import org.membership.api.UserStatus;
import org.membership.api.WorkspaceMember;
import org.membership.api.WorkspaceRole;
import org.membership.core.spi.StoreTransaction;

/** Plans the changes to accounts: registering a user and changing its status. */
final class AccountPlanner {
    private static final Refusal USER_NOT_FOUND = Refusal.of(Reason.USER_NOT_FOUND);
    private static final Refusal USER_EXISTS = Refusal.of(Reason.USER_EXISTS);

    private AccountPlanner() {}

    static Plan<User> register(Request req, Command.RegisterUser c) {
        StoreTransaction tx = req.tx();
        Refusal r;
        if ((r = Access.instanceLevel(req, c.operation())) != null) {
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

    static Plan<User> changeStatus(Request req, Command.ChangeUserStatus c) {
        StoreTransaction tx = req.tx();
        Caller caller = req.caller();
        Refusal r;
        User seen = null;
        if ((r = Access.instanceLevel(req, c.operation())) != null
                || (r = Policies.exists(seen = tx.user(c.user()).orElse(null), USER_NOT_FOUND)) != null
                || (r = Policies.noSelfRemoval(req.rules().selfRemoval(),
                        caller.is(c.user()) && c.status() != UserStatus.VALIDATED)) != null) {
            return Plan.refuse(r);
        }
        Set<OrganizationId> locked = new HashSet<>();
        if (seen.status() == UserStatus.VALIDATED && c.status() != UserStatus.VALIDATED) {
            lockAdministeredOrganizations(req, seen.id(), locked);
        }
        req.locks().lockUser(seen.id());
        User before = tx.user(seen.id()).orElseThrow();
        if (before.status() == c.status()) {
            return Plan.approve((t, change) -> before);
        }
        if (before.status() == UserStatus.VALIDATED && (r = keepsUsableAdminsWithout(req, before.id(), locked)) != null) {
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
    private static AdminMemberships lockAdministeredOrganizations(Request req, UserId user,
                                                                  Set<OrganizationId> locked) {
        StoreTransaction tx = req.tx();
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
                req.locks().lockOrganization(organization);
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
    private static Refusal keepsUsableAdminsWithout(Request req, UserId user, Set<OrganizationId> locked) {
        StoreTransaction tx = req.tx();
        AdminMemberships admin = lockAdministeredOrganizations(req, user, locked);
        Refusal r = null;
        for (int i = 0; r == null && i < admin.organizations().size(); i++) {
            r = Policies.keepsAUsableAdmin(true, tx.countOrganizationAdmins(admin.organizations().get(i).organization()));
        }
        for (int i = 0; r == null && i < admin.workspaces().size(); i++) {
            r = LastAdmin.keepsWorkspaceAdmin(tx, admin.workspaces().get(i), true);
        }
        return r;
    }

    private static String name(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
