package org.membership.core;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.membership.api.AuditDetail;
import org.membership.api.Command;
import org.membership.api.MembershipEvent;
import org.membership.api.Operation;
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationMember;
import org.membership.api.OrganizationRole;
import org.membership.api.Reason;
import org.membership.api.Refusal;
import org.membership.api.User;
import org.membership.api.UserId;
import org.membership.api.UserStatus;
import org.membership.api.Workspace;
import org.membership.api.WorkspaceMember;
import org.membership.api.WorkspaceRole;
import org.membership.core.spi.StoreReads;

/**
 * Plans the changes to accounts: registering a user and changing its status. Each command's
 * policies below, in order, are the precedence of its refusals. Stateless; thread-safe.
 */
final class AccountPlanner {
    private static final Refusal USER_NOT_FOUND = Refusal.of(Reason.USER_NOT_FOUND);
    private static final Refusal USER_EXISTS = Refusal.of(Reason.USER_EXISTS);

    private AccountPlanner() {}

    /** Registering a user. */
    private static final List<Policy<Registration>> REGISTER = List.of(
            Policy.check("the caller has instance-level authority (rule 1)", f -> Access.instanceLevel(f.request, f.operation)),
            Policy.check("no user has the id or the email already", Registration::taken));

    /** Validating, disabling or un-validating an account. */
    private static final List<Policy<StatusChange>> CHANGE_STATUS = List.of(
            Policy.check("the caller has instance-level authority (rule 1)",
                    f -> Access.instanceLevel(f.request, f.command.operation())),
            Policy.check("the user is known", f -> Policies.exists(f.seen.get(), USER_NOT_FOUND)),
            Policy.check("nobody disables or un-validates itself, unless the host lets it leave (rule 5)",
                    f -> Policies.noSelfRemoval(f.request.rules().selfRemoval(),
                            f.request.caller().is(f.command.user()) && f.command.status() != UserStatus.VALIDATED)),
            Policy.lock("every organization the user administers, if it stops being usable, in id order; then its"
                    + " account, read again (the locking protocol's step 3)", f -> f.before.get()),
            Policy.check("an unchanged status changes nothing; a validated admin who stops being usable leaves every"
                    + " organization and custom workspace it administers a usable admin (rule 6)",
                    f -> f.unchanged() || f.before().status() != UserStatus.VALIDATED ? Optional.empty()
                            : keepsUsableAdminsWithout(f.request, f.before().id(), f.locked)));

    static Plan<User> register(Request r, Command.RegisterUser c) {
        User user = c.user();
        return Plan.decide(REGISTER, new Registration(r, c), f -> (t, change) -> {
            t.insertUser(user);
            change.audit(t, Optional.empty(), new AuditDetail.UserRegistered(user.id(), user.status(), user.instanceAdmin()),
                    "");
            change.publish(new MembershipEvent.UserRegistered(user, change.now));
            return user;
        });
    }

    static Plan<User> changeStatus(Request r, Command.ChangeUserStatus c) {
        return Plan.decide(CHANGE_STATUS, new StatusChange(r, c), f -> {
            User before = f.before();
            if (f.unchanged()) {
                return (t, change) -> before;
            }
            return (t, change) -> {
                t.updateUserStatus(before.id(), c.status());
                change.audit(t, Optional.empty(), new AuditDetail.UserStatusChanged(before.id(), before.status(), c.status()),
                        "");
                change.publish(new MembershipEvent.UserStatusChanged(before.id(), before.status(), c.status(),
                        change.now));
                return before.withStatus(c.status());
            };
        });
    }

    /** What registering a user has found. */
    private static final class Registration {
        final Request request;
        final Operation operation;
        private final User user;

        Registration(Request r, Command.RegisterUser c) {
            this.request = r;
            this.operation = c.operation();
            this.user = c.user();
        }

        Optional<Refusal> taken() {
            StoreReads tx = request.reads();
            return Policies.when(tx.user(user.id()).isPresent() || tx.userByEmail(user.email()).isPresent(), USER_EXISTS);
        }
    }

    /** What a status change has found so far, each fact read when first asked. */
    private static final class StatusChange {
        final Request request;
        final Command.ChangeUserStatus command;
        /** The account as read before any lock. */
        final Once<Optional<User>> seen;
        /** The organizations locked so far. */
        final Set<OrganizationId> locked = new HashSet<>();
        /** The account as read under its lock: reading it takes the locks. */
        final Once<User> before;

        StatusChange(Request r, Command.ChangeUserStatus c) {
            this.request = r;
            this.command = c;
            this.seen = Once.of(() -> r.reads().user(c.user()));
            this.before = Once.of(this::lockAndRead);
        }

        private User lockAndRead() {
            User user = seen.get().orElseThrow(() -> new IllegalStateException("no policy found the user"));
            if (user.status() == UserStatus.VALIDATED && command.status() != UserStatus.VALIDATED) {
                lockAdministeredOrganizations(request, user.id(), locked);
            }
            request.locks().lockUser(user.id());
            return request.reads().user(user.id()).orElseThrow(
                    () -> new IllegalStateException("an account is never deleted, so it is still there under its lock"));
        }

        /** @return the account as read under its lock */
        User before() {
            return before.get();
        }

        boolean unchanged() {
            return before().status() == command.status();
        }
    }

    /*
     * Disabling a user (or setting it back to pending validation) is rule 6's third way to lose an
     * admin: the account stays an admin in name but can no longer act. So it is refused where the
     * user is the last usable admin of an organization, or of a custom workspace that has a usable
     * admin only because of the user. Which locks it takes, in which order, and why, is step 3 of the
     * locking protocol in the SPI's package documentation; lockAdministeredOrganizations is that step.
     */
    /**
     * Locks, in id order, every organization in which the user is an admin or administers a custom
     * workspace, reading the memberships again until a read finds nothing new.
     *
     * @return the user's admin memberships of organizations and of custom workspaces, as last read
     */
    private static AdminMemberships lockAdministeredOrganizations(Request req, UserId user,
                                                                  Set<OrganizationId> locked) {
        StoreReads tx = req.reads();
        while (true) {
            List<OrganizationMember> organizations = tx.organizationMembershipsOf(user).stream()
                    .filter(m -> m.role() == OrganizationRole.ADMIN).toList();
            SortedSet<OrganizationId> involved = new TreeSet<>();
            organizations.forEach(m -> involved.add(m.organization()));
            List<WorkspaceMember> workspaces = new ArrayList<>();
            for (WorkspaceMember m : tx.workspaceMembershipsOf(user)) {
                // A workspace gone since its membership was read was deleted with its memberships: none to keep.
                Optional<Workspace> workspace = m.role() == WorkspaceRole.ADMIN ? tx.workspace(m.workspace()) : Optional.empty();
                if (workspace.isPresent()) {
                    workspaces.add(m);
                    involved.add(workspace.get().organization());
                }
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
     *         workspace, it is an admin of; empty otherwise. Locks every such organization not yet in
     *         {@code locked}.
     */
    private static Optional<Refusal> keepsUsableAdminsWithout(Request req, UserId user, Set<OrganizationId> locked) {
        StoreReads tx = req.reads();
        AdminMemberships admin = lockAdministeredOrganizations(req, user, locked);
        for (OrganizationMember m : admin.organizations()) {
            Optional<Refusal> refusal = Policies.keepsAUsableAdmin(true, tx.countOrganizationAdmins(m.organization()));
            if (refusal.isPresent()) {
                return refusal;
            }
        }
        for (WorkspaceMember m : admin.workspaces()) {
            Optional<Refusal> refusal = LastAdmin.keepsWorkspaceAdmin(tx, m, true);
            if (refusal.isPresent()) {
                return refusal;
            }
        }
        return Optional.empty();
    }

}
