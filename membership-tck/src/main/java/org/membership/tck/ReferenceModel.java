package org.membership.tck;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.membership.api.Actor;
import org.membership.api.AuditDetail;
import org.membership.api.AuthorityLevel;
import org.membership.api.Command;
import org.membership.api.Email;
import org.membership.api.Invitation;
import org.membership.api.InvitationId;
import org.membership.api.InvitationStatus;
import org.membership.api.MembershipEvent;
import org.membership.api.MembershipRules;
import org.membership.api.Memberships;
import org.membership.api.Operation;
import org.membership.api.OrganizationAdminRemoval;
import org.membership.api.Organization;
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationMember;
import org.membership.api.OrganizationRole;
import org.membership.api.OrganizationDeletion;
import org.membership.api.OrganizationUser;
import org.membership.api.OrganizationUserRemoval;
import org.membership.api.Reason;
import org.membership.api.SelfRemoval;
import org.membership.api.User;
import org.membership.api.UserId;
import org.membership.api.UserStatus;
import org.membership.api.Workspace;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceAuthority;
import org.membership.api.WorkspaceDeletion;
import org.membership.api.WorkspaceKind;
import org.membership.api.WorkspaceMember;
import org.membership.api.WorkspaceRole;

/**
 * A deliberately plain model of the whole membership domain: a few sorted maps and, per command,
 * the checks of SPEC §3–4 in the order the library documents them. {@link ModelBasedContract}
 * applies every command to it and to the library and compares what each does.
 *
 * <p>It shares only the api's value types with the library, never its decisions: nothing here
 * calls the engine, its planner or its policies.
 *
 * <p>Not thread-safe; one model per sequence.
 */
final class ReferenceModel {

    /*
     * The order of checks, written once here so that a reader can hold it against SPEC §4. Every
     * command first authenticates its actor (rule 4). Then, for commands on a workspace or an
     * organization: an operation that needs instance authority refuses everyone else before any
     * lookup (rule 1, so nothing leaks); the workspace or organization must exist and be in the
     * actor's scope, else not found (rule 3); the actor's level must reach the operation's minimum
     * (rule 1). Removals and demotions go on: custom workspaces only (7), target is a member (8),
     * no self-removal (5), no outranking (2), then, under BY_INSTANCE_ADMINS_ONLY, nobody below an
     * instance admin touches an organization admin's memberships (2, again not for oneself), last
     * admin (6). A user leaving under ALLOWED_WHILE_ANOTHER_ADMIN_REMAINS skips the authority
     * checks but not the last-admin one; leaving an organization (also by removing oneself from it)
     * needs LEAVE_ORGANIZATION's minimum instead of the minimum to remove others. Rule 6 counts usable admins only, those whose account is
     * validated: removing or demoting an admin who cannot act is never refused by it; disabling a
     * user (or setting it back to pending) is refused where the user is the last usable admin of an
     * organization or custom workspace; an organization's first admin must be validated.
     */

    /** What the model predicts one command does: a success value with the events it publishes, or a refusal reason. */
    record Prediction(Optional<Object> value, Optional<Reason> refusal, List<MembershipEvent> events) {
        static Prediction success(Object value, MembershipEvent... events) {
            return new Prediction(Optional.of(value), Optional.empty(), List.of(events));
        }

        static Prediction refused(Reason reason) {
            return new Prediction(Optional.empty(), Optional.of(reason), List.of());
        }

        @Override
        public String toString() {
            return refusal.map(r -> "refused " + r).orElseGet(() -> "success " + value.orElseThrow());
        }
    }

    /** Who is asking, once authenticated. */
    private record Who(Actor actor, User user, OrganizationId keyOrganization, boolean instance) {
        boolean isUser(UserId id) {
            return user != null && user.id().equals(id);
        }
    }

    private final MembershipRules rules;
    private Instant now;
    private long lastId;

    final TreeMap<UserId, User> users = new TreeMap<>();
    final TreeMap<OrganizationId, Organization> organizations = new TreeMap<>();
    final TreeMap<WorkspaceId, Workspace> workspaces = new TreeMap<>();
    /** Organization members by organization, then user. */
    final TreeMap<OrganizationId, TreeMap<UserId, OrganizationMember>> organizationMembers = new TreeMap<>();
    /** Explicit members of custom workspaces by workspace, then user. Default workspaces have none. */
    final TreeMap<WorkspaceId, TreeMap<UserId, WorkspaceMember>> workspaceMembers = new TreeMap<>();
    /**
     * Every invitation ever sent, with its stored status: pending until accepted, revoked, or
     * expired by the organization's next invitation once its expiry has come.
     */
    final TreeMap<InvitationId, Invitation> invitations = new TreeMap<>();
    /** How many invitations a later invitation to their organization stored as expired. */
    int expiredBySweeps;
    /** Audit lines ("at actor action detail reason") per trail; the empty key is the instance-level trail. */
    final Map<Optional<OrganizationId>, List<String>> audit = new HashMap<>();

    ReferenceModel(MembershipRules rules, Instant start) {
        this.rules = rules;
        this.now = start;
    }

    Instant now() {
        return now;
    }

    void advance(Duration step) {
        now = now.plus(step);
    }

    /** @return the id the library's sequential generator hands out next, without taking it */
    String peekId(int ahead) {
        return Long.toString(lastId + ahead);
    }

    // ---- views of the state --------------------------------------------------------------

    /** The members of a workspace as the library lists them: derived ones for a default workspace. */
    List<WorkspaceMember> membersOf(WorkspaceId id) {
        Workspace ws = workspaces.get(id);
        if (ws.kind() == WorkspaceKind.DEFAULT) {
            List<WorkspaceMember> out = new ArrayList<>();
            for (OrganizationMember m : organizationMembers.get(ws.organization()).values()) {
                out.add(asDefaultMember(ws, m));
            }
            return out;
        }
        return new ArrayList<>(workspaceMembers.get(id).values());
    }

    /** Pending, unexpired invitations of an organization, by id as the library orders them (string order). */
    List<Invitation> pendingInvitations(OrganizationId org) {
        List<Invitation> out = new ArrayList<>();
        for (Invitation i : invitations.values()) {
            if (i.organization().equals(org) && livePending(i)) {
                out.add(i);
            }
        }
        return out;
    }

    /** Stored-pending invitations (expired or not) for one organization and email. */
    long storedPending(OrganizationId org, Email email) {
        return invitations.values().stream()
                .filter(i -> i.organization().equals(org) && i.email().equals(email)
                        && i.storedStatus() == InvitationStatus.PENDING)
                .count();
    }

    Memberships membershipsOf(UserId user) {
        List<OrganizationMember> orgs = new ArrayList<>();
        organizationMembers.forEach((org, members) -> {
            if (members.containsKey(user)) {
                orgs.add(members.get(user));
            }
        });
        // Explicit memberships only: see the javadoc of ModelBasedContract on Memberships.
        List<WorkspaceMember> wss = new ArrayList<>();
        workspaceMembers.forEach((ws, members) -> {
            if (members.containsKey(user)) {
                wss.add(members.get(user));
            }
        });
        return new Memberships(user, orgs, wss);
    }

    private static WorkspaceMember asDefaultMember(Workspace ws, OrganizationMember m) {
        return new WorkspaceMember(ws.id(), m.user(),
                m.role() == OrganizationRole.ADMIN ? WorkspaceRole.ADMIN : WorkspaceRole.USER, m.since());
    }

    private boolean livePending(Invitation i) {
        return i.storedStatus() == InvitationStatus.PENDING && now.isBefore(i.expiresAt());
    }

    // ---- applying commands ---------------------------------------------------------------

    /**
     * Predicts what the library does with one command and, if it succeeds, changes the model.
     *
     * @param actor who asks
     * @param command what to do
     * @return the prediction
     */
    Prediction apply(Actor actor, Command<?> command) {
        Who who;
        if (actor instanceof Actor.UserActor u) {
            User user = users.get(u.id());
            if (user == null || user.status() == UserStatus.DISABLED) {
                return Prediction.refused(Reason.UNAUTHENTICATED);
            }
            if (user.status() != UserStatus.VALIDATED) {
                return Prediction.refused(Reason.ACCOUNT_NOT_VALIDATED);
            }
            who = new Who(actor, user, null, user.instanceAdmin());
        } else if (actor instanceof Actor.OrganizationKey k) {
            if (!organizations.containsKey(k.organization())) {
                return Prediction.refused(Reason.UNAUTHENTICATED);
            }
            who = new Who(actor, null, k.organization(), false);
        } else {
            who = new Who(actor, null, null, true);
        }
        // Exhaustive over Operation, as the library's dispatcher is: a new operation does not compile until modelled.
        return switch (command.operation()) {
            case REGISTER_USER -> registerUser(who, (Command.RegisterUser) command);
            case CHANGE_USER_STATUS -> changeUserStatus(who, (Command.ChangeUserStatus) command);
            case CREATE_ORGANIZATION -> createOrganization(who, (Command.CreateOrganization) command);
            case CREATE_WORKSPACE -> createWorkspace(who, (Command.CreateWorkspace) command);
            case ADD_WORKSPACE_MEMBER -> addWorkspaceMember(who, (Command.AddWorkspaceMember) command);
            case CHANGE_WORKSPACE_ROLE -> changeWorkspaceRole(who, (Command.ChangeWorkspaceRole) command);
            case REMOVE_WORKSPACE_MEMBER -> removeWorkspaceMember(who, (Command.RemoveWorkspaceMember) command);
            case GET_WORKSPACE_MEMBER -> getWorkspaceMember(who, (Command.GetWorkspaceMember) command);
            case LIST_WORKSPACE_MEMBERS -> listWorkspaceMembers(who, (Command.ListWorkspaceMembers) command);
            case GET_WORKSPACE_AUTHORITY -> workspaceAuthority(who, (Command.GetWorkspaceAuthority) command);
            case INVITE_TO_ORGANIZATION -> invite(who, (Command.InviteToOrganization) command);
            case ACCEPT_INVITATION -> accept(who, (Command.AcceptInvitation) command);
            case REVOKE_INVITATION -> revoke(who, (Command.RevokeInvitation) command);
            case LIST_INVITATIONS -> listInvitations(who, (Command.ListInvitations) command);
            case REMOVE_ORGANIZATION_USER -> removeOrganizationUser(who, (Command.RemoveOrganizationUser) command);
            case LIST_MEMBERSHIPS -> listMemberships(who, (Command.ListMemberships) command);
            case LIST_AUDIT_TRAIL -> listAuditTrail(who, (Command.ListAuditTrail) command);
            case ADD_ORGANIZATION_MEMBER -> addOrganizationMember(who, (Command.AddOrganizationMember) command);
            case CHANGE_ORGANIZATION_ROLE -> changeOrganizationRole(who, (Command.ChangeOrganizationRole) command);
            case REMOVE_ORGANIZATION_MEMBER -> removeOrganizationMember(who, (Command.RemoveOrganizationMember) command);
            case LEAVE_ORGANIZATION -> leaveOrganization(who, (Command.LeaveOrganization) command);
            case GET_ORGANIZATION_MEMBER -> getOrganizationMember(who, (Command.GetOrganizationMember) command);
            case LIST_ORGANIZATION_MEMBERS -> listOrganizationMembers(who, (Command.ListOrganizationMembers) command);
            case GET_INVITATION -> getInvitation(who, (Command.GetInvitation) command);
            case GET_USER -> getUser(who, c -> who.isUser(((Command.GetUser) c).user()),
                    users.get(((Command.GetUser) command).user()), command);
            case FIND_USER_BY_EMAIL -> getUser(who, c -> who.user() != null
                            && who.user().email().equals(((Command.FindUserByEmail) c).email()),
                    userByEmail(((Command.FindUserByEmail) command).email()).orElse(null), command);
            case CHANGE_USER_EMAIL -> changeUserEmail(who, (Command.ChangeUserEmail) command);
            case RENAME_WORKSPACE -> renameWorkspace(who, (Command.RenameWorkspace) command);
            case DELETE_WORKSPACE -> deleteWorkspace(who, (Command.DeleteWorkspace) command);
            case DELETE_ORGANIZATION -> deleteOrganization(who, (Command.DeleteOrganization) command);
        };
    }

    // ---- reads ---------------------------------------------------------------------------
    //
    // A read's predicted value is the whole list (the model ignores the page request): the
    // contract reads with pages larger than its tiny universe. An audit trail is predicted as its
    // lines (auditLine), since the store numbers entries in its own way.

    private Prediction listWorkspaceMembers(Who who, Command.ListWorkspaceMembers c) {
        Reason r = workspaceGate(who, c.workspace(), c.operation(), false);
        return r != null ? Prediction.refused(r) : Prediction.success(membersOf(c.workspace()));
    }

    private Prediction workspaceAuthority(Who who, Command.GetWorkspaceAuthority c) {
        Reason r = workspaceGate(who, c.workspace(), c.operation(), false);
        if (r != null) {
            return Prediction.refused(r);
        }
        AuthorityLevel level = inWorkspace(who, workspaces.get(c.workspace()));
        Set<Operation> permitted = new HashSet<>();
        for (Operation op : Operation.values()) {
            if (op.scope() == Operation.Scope.WORKSPACE && level.atLeast(rules.requiredAuthority(op))) {
                permitted.add(op);
            }
        }
        return Prediction.success(new WorkspaceAuthority(c.workspace(), level, permitted));
    }

    private Prediction listInvitations(Who who, Command.ListInvitations c) {
        Reason r = organizationGate(who, c.organization(), c.operation(), false);
        return r != null ? Prediction.refused(r) : Prediction.success(pendingInvitations(c.organization()));
    }

    private Prediction listMemberships(Who who, Command.ListMemberships c) {
        if (!who.isUser(c.user()) && !instanceMay(who, c.operation())) {
            return Prediction.refused(Reason.INSUFFICIENT_AUTHORITY);
        }
        return users.containsKey(c.user())
                ? Prediction.success(membershipsOf(c.user())) : Prediction.refused(Reason.USER_NOT_FOUND);
    }

    private Prediction listAuditTrail(Who who, Command.ListAuditTrail c) {
        if (c.organization().isPresent()) {
            Reason r = organizationGate(who, c.organization().get(), c.operation(), false);
            if (r != null) {
                return Prediction.refused(r);
            }
        } else if (!instanceMay(who, c.operation())) {
            return Prediction.refused(Reason.INSUFFICIENT_AUTHORITY);
        }
        return Prediction.success(List.copyOf(audit.getOrDefault(c.organization(), List.of())));
    }

    // ---- authority -----------------------------------------------------------------------

    private AuthorityLevel inOrganization(Who who, OrganizationId org) {
        if (who.instance()) {
            return AuthorityLevel.INSTANCE_ADMIN;
        }
        if (who.keyOrganization() != null) {
            return who.keyOrganization().equals(org) ? AuthorityLevel.ORGANIZATION_ADMIN : AuthorityLevel.NONE;
        }
        OrganizationMember m = organizationMembers.get(org).get(who.user().id());
        return m == null ? AuthorityLevel.NONE : level(m.role());
    }

    private AuthorityLevel inWorkspace(Who who, Workspace ws) {
        AuthorityLevel org = inOrganization(who, ws.organization());
        if (org == AuthorityLevel.NONE || org.atLeast(AuthorityLevel.ORGANIZATION_ADMIN)) {
            return org;
        }
        if (ws.kind() == WorkspaceKind.DEFAULT) {
            return AuthorityLevel.MEMBER;
        }
        WorkspaceMember m = workspaceMembers.get(ws.id()).get(who.user().id());
        return m == null ? AuthorityLevel.NONE : level(m.role());
    }

    /** A target's standing in a custom workspace: the highest of its account, organization and workspace roles. */
    private AuthorityLevel standing(Workspace ws, WorkspaceMember target) {
        if (users.get(target.user()).instanceAdmin()) {
            return AuthorityLevel.INSTANCE_ADMIN;
        }
        OrganizationMember m = organizationMembers.get(ws.organization()).get(target.user());
        AuthorityLevel inOrg = m == null ? AuthorityLevel.NONE : level(m.role());
        AuthorityLevel inWs = level(target.role());
        return inOrg.atLeast(inWs) ? inOrg : inWs;
    }

    /**
     * Whether the rules keep this actor from removing or re-roling that user: they protect
     * organization admins, the user is one in that organization, and the actor is no instance admin.
     */
    private boolean protectedFrom(Who who, OrganizationId org, UserId target) {
        OrganizationMember m = organizationMembers.get(org).get(target);
        return rules.organizationAdminRemoval() == OrganizationAdminRemoval.BY_INSTANCE_ADMINS_ONLY
                && !who.instance() && m != null && m.role() == OrganizationRole.ADMIN;
    }

    private static AuthorityLevel level(OrganizationRole role) {
        return role == OrganizationRole.ADMIN ? AuthorityLevel.ORGANIZATION_ADMIN : AuthorityLevel.MEMBER;
    }

    private static AuthorityLevel level(WorkspaceRole role) {
        return role == WorkspaceRole.ADMIN ? AuthorityLevel.WORKSPACE_ADMIN : AuthorityLevel.MEMBER;
    }

    private boolean instanceMay(Who who, Operation op) {
        return (who.instance() ? AuthorityLevel.INSTANCE_ADMIN : AuthorityLevel.NONE)
                .atLeast(rules.requiredAuthority(op));
    }

    /** Rules 1 and 3 for a command on a workspace; null when they let it through. */
    private Reason workspaceGate(Who who, WorkspaceId id, Operation op, boolean exempt) {
        AuthorityLevel required = rules.requiredAuthority(op);
        if (!exempt && required == AuthorityLevel.INSTANCE_ADMIN && !who.instance()) {
            return Reason.INSUFFICIENT_AUTHORITY;
        }
        Workspace ws = workspaces.get(id);
        if (ws == null || inOrganization(who, ws.organization()) == AuthorityLevel.NONE) {
            return Reason.WORKSPACE_NOT_FOUND;
        }
        if (!exempt && !inWorkspace(who, ws).atLeast(required)) {
            return Reason.INSUFFICIENT_AUTHORITY;
        }
        return null;
    }

    /** Rules 1 and 3 for a command on an organization; null when they let it through. */
    private Reason organizationGate(Who who, OrganizationId id, Operation op, boolean exempt) {
        AuthorityLevel required = rules.requiredAuthority(op);
        if (!exempt && required == AuthorityLevel.INSTANCE_ADMIN && !who.instance()) {
            return Reason.INSUFFICIENT_AUTHORITY;
        }
        if (!organizations.containsKey(id) || inOrganization(who, id) == AuthorityLevel.NONE) {
            return Reason.ORGANIZATION_NOT_FOUND;
        }
        if (!exempt && !inOrganization(who, id).atLeast(required)) {
            return Reason.INSUFFICIENT_AUTHORITY;
        }
        return null;
    }

    /** The same gate for a command on one invitation ({@code i}, null if there is none): outside its organization, none. */
    private Reason invitationGate(Who who, Invitation i, Operation op) {
        AuthorityLevel required = rules.requiredAuthority(op);
        if (required == AuthorityLevel.INSTANCE_ADMIN && !who.instance()) {
            return Reason.INSUFFICIENT_AUTHORITY;
        }
        if (i == null || inOrganization(who, i.organization()) == AuthorityLevel.NONE) {
            return Reason.INVITATION_NOT_FOUND;
        }
        if (!inOrganization(who, i.organization()).atLeast(required)) {
            return Reason.INSUFFICIENT_AUTHORITY;
        }
        return null;
    }

    /** @return the workspace's usable admins: admins whose account is validated, the only ones who can act */
    private long workspaceAdmins(WorkspaceId ws) {
        return workspaceMembers.get(ws).values().stream()
                .filter(m -> m.role() == WorkspaceRole.ADMIN && usable(m.user())).count();
    }

    /** @return the organization's usable admins: admins whose account is validated */
    private long organizationAdmins(OrganizationId org) {
        return organizationMembers.get(org).values().stream()
                .filter(m -> m.role() == OrganizationRole.ADMIN && usable(m.user())).count();
    }

    private boolean usable(UserId user) {
        return users.get(user).status() == UserStatus.VALIDATED;
    }

    /** Rule 6: losing this workspace admin would leave the workspace, which had a usable admin, without one. */
    private boolean lastUsableAdmin(WorkspaceMember m) {
        return m.role() == WorkspaceRole.ADMIN && usable(m.user()) && workspaceAdmins(m.workspace()) <= 1;
    }

    private String nextId() {
        return Long.toString(++lastId);
    }

    private void audit(Who who, Optional<OrganizationId> org, Operation op, AuditDetail detail, String reason) {
        audit.computeIfAbsent(org, o -> new ArrayList<>()).add(auditLine(now, who.actor().describe(), op, detail, reason));
    }

    /** An audit entry as the model predicts it: everything but the store's own sequence number. */
    static String auditLine(Instant at, String actor, Operation op, AuditDetail detail, String reason) {
        return at + " " + actor + " " + op + " " + detail + " '" + reason + "'";
    }

    // ---- users and organizations ---------------------------------------------------------

    private Prediction registerUser(Who who, Command.RegisterUser c) {
        if (!instanceMay(who, c.operation())) {
            return Prediction.refused(Reason.INSUFFICIENT_AUTHORITY);
        }
        User user = c.user();
        boolean emailTaken = users.values().stream().anyMatch(u -> u.email().equals(user.email()));
        if (users.containsKey(user.id()) || emailTaken) {
            return Prediction.refused(Reason.USER_EXISTS);
        }
        users.put(user.id(), user);
        audit(who, Optional.empty(), c.operation(), new AuditDetail.UserRegistered(user.id(), user.status(), user.instanceAdmin()), "");
        return Prediction.success(user, new MembershipEvent.UserRegistered(user, now));
    }

    private Prediction changeUserStatus(Who who, Command.ChangeUserStatus c) {
        if (!instanceMay(who, c.operation())) {
            return Prediction.refused(Reason.INSUFFICIENT_AUTHORITY);
        }
        User user = users.get(c.user());
        if (user == null) {
            return Prediction.refused(Reason.USER_NOT_FOUND);
        }
        if (who.isUser(c.user()) && c.status() != UserStatus.VALIDATED && rules.selfRemoval() == SelfRemoval.FORBIDDEN) {
            return Prediction.refused(Reason.SELF_REMOVAL);
        }
        if (user.status() == c.status()) {
            return Prediction.success(user);
        }
        if (user.status() == UserStatus.VALIDATED && lastUsableAdminAnywhere(user.id())) {
            return Prediction.refused(Reason.LAST_ADMIN);
        }
        User changed = user.withStatus(c.status());
        users.put(user.id(), changed);
        audit(who, Optional.empty(), c.operation(), new AuditDetail.UserStatusChanged(user.id(), user.status(), c.status()), "");
        return Prediction.success(changed,
                new MembershipEvent.UserStatusChanged(user.id(), user.status(), c.status(), now));
    }

    /** Rule 6: the user is the last usable admin of an organization or of a custom workspace. */
    private boolean lastUsableAdminAnywhere(UserId user) {
        boolean organization = organizationMembers.values().stream().map(members -> members.get(user))
                .anyMatch(m -> m != null && m.role() == OrganizationRole.ADMIN && organizationAdmins(m.organization()) <= 1);
        boolean workspace = workspaceMembers.values().stream().map(members -> members.get(user))
                .anyMatch(m -> m != null && lastUsableAdmin(m));
        return organization || workspace;
    }

    private Prediction createOrganization(Who who, Command.CreateOrganization c) {
        if (!instanceMay(who, c.operation())) {
            return Prediction.refused(Reason.INSUFFICIENT_AUTHORITY);
        }
        if (!users.containsKey(c.firstAdmin())) {
            return Prediction.refused(Reason.USER_NOT_FOUND);
        }
        if (!usable(c.firstAdmin())) {
            return Prediction.refused(Reason.ACCOUNT_NOT_VALIDATED);
        }
        OrganizationId id = OrganizationId.of(nextId());
        WorkspaceId defaultWs = WorkspaceId.of(nextId());
        Organization org = new Organization(id, c.name(), defaultWs, now);
        Workspace ws = new Workspace(defaultWs, id, "Default", WorkspaceKind.DEFAULT, now);
        organizations.put(id, org);
        workspaces.put(defaultWs, ws);
        organizationMembers.put(id, new TreeMap<>());
        organizationMembers.get(id).put(c.firstAdmin(),
                new OrganizationMember(id, c.firstAdmin(), OrganizationRole.ADMIN, now));
        audit(who, Optional.of(id), c.operation(), new AuditDetail.OrganizationCreated(id, defaultWs, c.firstAdmin()), "");
        return Prediction.success(org, new MembershipEvent.OrganizationCreated(org, c.firstAdmin(), now),
                new MembershipEvent.WorkspaceCreated(ws, now));
    }

    private Prediction createWorkspace(Who who, Command.CreateWorkspace c) {
        Reason r = organizationGate(who, c.organization(), c.operation(), false);
        if (r != null) {
            return Prediction.refused(r);
        }
        Workspace ws = new Workspace(WorkspaceId.of(nextId()), c.organization(), c.name(), WorkspaceKind.CUSTOM, now);
        workspaces.put(ws.id(), ws);
        workspaceMembers.put(ws.id(), new TreeMap<>());
        audit(who, Optional.of(c.organization()), c.operation(), new AuditDetail.WorkspaceCreated(ws.id()), "");
        return Prediction.success(ws, new MembershipEvent.WorkspaceCreated(ws, now));
    }

    // ---- workspace members ---------------------------------------------------------------

    private Prediction addWorkspaceMember(Who who, Command.AddWorkspaceMember c) {
        Reason r = workspaceGate(who, c.workspace(), c.operation(), false);
        if (r != null) {
            return Prediction.refused(r);
        }
        Workspace ws = workspaces.get(c.workspace());
        if (ws.kind() == WorkspaceKind.DEFAULT) {
            return Prediction.refused(Reason.DEFAULT_WORKSPACE);
        }
        if (!organizationMembers.get(ws.organization()).containsKey(c.user())) {
            return Prediction.refused(Reason.USER_NOT_FOUND);
        }
        if (workspaceMembers.get(ws.id()).containsKey(c.user())) {
            return Prediction.refused(Reason.ALREADY_MEMBER);
        }
        if (!inWorkspace(who, ws).atLeast(level(c.role()))) {
            return Prediction.refused(Reason.INSUFFICIENT_AUTHORITY);
        }
        WorkspaceMember added = new WorkspaceMember(ws.id(), c.user(), c.role(), now);
        workspaceMembers.get(ws.id()).put(c.user(), added);
        audit(who, Optional.of(ws.organization()), c.operation(), new AuditDetail.AddedToWorkspace(ws.id(), c.user(), c.role()), "");
        return Prediction.success(added, new MembershipEvent.WorkspaceMemberAdded(ws.organization(), added, now));
    }

    private Prediction changeWorkspaceRole(Who who, Command.ChangeWorkspaceRole c) {
        Reason r = workspaceGate(who, c.workspace(), c.operation(), false);
        if (r != null) {
            return Prediction.refused(r);
        }
        Workspace ws = workspaces.get(c.workspace());
        if (ws.kind() == WorkspaceKind.DEFAULT) {
            return Prediction.refused(Reason.DEFAULT_WORKSPACE);
        }
        WorkspaceMember target = workspaceMembers.get(ws.id()).get(c.user());
        boolean self = who.isUser(c.user());
        AuthorityLevel mine = inWorkspace(who, ws);
        if (target == null) {
            return Prediction.refused(Reason.MEMBER_NOT_FOUND);
        }
        boolean selfDemotion = self && target.role() == WorkspaceRole.ADMIN && c.role() != WorkspaceRole.ADMIN;
        if (selfDemotion && rules.selfRemoval() == SelfRemoval.FORBIDDEN) {
            return Prediction.refused(Reason.SELF_REMOVAL);
        }
        if (!self && !mine.atLeast(standing(ws, target))) {
            return Prediction.refused(Reason.OUTRANKED);
        }
        if (!self && protectedFrom(who, ws.organization(), c.user())) {
            return Prediction.refused(Reason.ORGANIZATION_ADMIN_PROTECTED);
        }
        if (!mine.atLeast(level(c.role()))) {
            return Prediction.refused(Reason.INSUFFICIENT_AUTHORITY);
        }
        if (target.role() == c.role()) {
            return Prediction.success(target);
        }
        if (lastUsableAdmin(target)) {
            return Prediction.refused(Reason.LAST_ADMIN);
        }
        WorkspaceMember changed = target.withRole(c.role());
        workspaceMembers.get(ws.id()).put(c.user(), changed);
        audit(who, Optional.of(ws.organization()), c.operation(),
                new AuditDetail.RoleChanged(ws.id(), c.user(), target.role(), c.role()), "");
        return Prediction.success(changed, new MembershipEvent.WorkspaceRoleChanged(ws.organization(), ws.id(),
                c.user(), target.role(), c.role(), now));
    }

    private Prediction removeWorkspaceMember(Who who, Command.RemoveWorkspaceMember c) {
        boolean self = who.isUser(c.user());
        boolean leaving = self && rules.selfRemoval() == SelfRemoval.ALLOWED_WHILE_ANOTHER_ADMIN_REMAINS;
        Reason r = workspaceGate(who, c.workspace(), c.operation(), leaving);
        if (r != null) {
            return Prediction.refused(r);
        }
        Workspace ws = workspaces.get(c.workspace());
        if (ws.kind() == WorkspaceKind.DEFAULT) {
            return Prediction.refused(Reason.DEFAULT_WORKSPACE);
        }
        WorkspaceMember target = workspaceMembers.get(ws.id()).get(c.user());
        if (target == null) {
            return Prediction.refused(Reason.MEMBER_NOT_FOUND);
        }
        if (self && rules.selfRemoval() == SelfRemoval.FORBIDDEN) {
            return Prediction.refused(Reason.SELF_REMOVAL);
        }
        if (!self && !inWorkspace(who, ws).atLeast(standing(ws, target))) {
            return Prediction.refused(Reason.OUTRANKED);
        }
        if (!self && protectedFrom(who, ws.organization(), c.user())) {
            return Prediction.refused(Reason.ORGANIZATION_ADMIN_PROTECTED);
        }
        if (lastUsableAdmin(target)) {
            return Prediction.refused(Reason.LAST_ADMIN);
        }
        workspaceMembers.get(ws.id()).remove(c.user());
        audit(who, Optional.of(ws.organization()), c.operation(), new AuditDetail.RemovedFromWorkspace(ws.id(), c.user()), c.reason());
        return Prediction.success(target,
                new MembershipEvent.WorkspaceMemberRemoved(ws.organization(), ws.id(), c.user(), now));
    }

    private Prediction getWorkspaceMember(Who who, Command.GetWorkspaceMember c) {
        Reason r = workspaceGate(who, c.workspace(), c.operation(), false);
        if (r != null) {
            return Prediction.refused(r);
        }
        for (WorkspaceMember m : membersOf(c.workspace())) {
            if (m.user().equals(c.user())) {
                return Prediction.success(m);
            }
        }
        return Prediction.refused(Reason.MEMBER_NOT_FOUND);
    }

    // ---- invitations and organization members --------------------------------------------

    private Optional<Invitation> storedPendingFor(OrganizationId org, Email email) {
        return invitations.values().stream()
                .filter(i -> i.organization().equals(org) && i.email().equals(email)
                        && i.storedStatus() == InvitationStatus.PENDING)
                .findFirst();
    }

    private Optional<User> userByEmail(Email email) {
        return users.values().stream().filter(u -> u.email().equals(email)).findFirst();
    }

    private Prediction invite(Who who, Command.InviteToOrganization c) {
        Reason r = organizationGate(who, c.organization(), c.operation(), false);
        if (r != null) {
            return Prediction.refused(r);
        }
        if (!inOrganization(who, c.organization()).atLeast(level(c.role()))) {
            return Prediction.refused(Reason.INSUFFICIENT_AUTHORITY);
        }
        Optional<User> existing = userByEmail(c.email());
        if (existing.isPresent() && organizationMembers.get(c.organization()).containsKey(existing.get().id())) {
            return Prediction.refused(Reason.ALREADY_MEMBER);
        }
        Optional<Invitation> stale = storedPendingFor(c.organization(), c.email());
        if (stale.isPresent() && livePending(stale.get())) {
            return Prediction.refused(Reason.ALREADY_INVITED);
        }
        // Sending an invitation stores as expired every pending invitation of the organization whose
        // expiry has come (the stale one for this email among them): no audit line, no event.
        for (Invitation i : List.copyOf(invitations.values())) {
            if (i.organization().equals(c.organization()) && i.storedStatus() == InvitationStatus.PENDING
                    && !now.isBefore(i.expiresAt())) {
                invitations.put(i.id(), i.withStoredStatus(InvitationStatus.EXPIRED));
                expiredBySweeps++;
            }
        }
        Invitation sent = new Invitation(InvitationId.of(nextId()), c.organization(), c.email(), c.role(),
                InvitationStatus.PENDING, now, now.plus(rules.invitationLifetime()));
        invitations.put(sent.id(), sent);
        audit(who, Optional.of(c.organization()), c.operation(), new AuditDetail.InvitationSent(sent.id(), c.email(), c.role()), "");
        return Prediction.success(sent, new MembershipEvent.InvitationSent(sent, now));
    }

    /** Rule 9: only a pending invitation before its expiry can be accepted or revoked. */
    private Reason notPending(Invitation i) {
        if (i.storedStatus() == InvitationStatus.EXPIRED
                || (i.storedStatus() == InvitationStatus.PENDING && !now.isBefore(i.expiresAt()))) {
            return Reason.INVITATION_EXPIRED;
        }
        return i.storedStatus() == InvitationStatus.PENDING ? null : Reason.INVITATION_NOT_PENDING;
    }

    private Prediction accept(Who who, Command.AcceptInvitation c) {
        if (who.user() == null) {
            return Prediction.refused(Reason.INSUFFICIENT_AUTHORITY);
        }
        Invitation i = invitations.get(c.invitation());
        if (i == null || !i.email().equals(who.user().email())) {
            return Prediction.refused(Reason.INVITATION_NOT_FOUND);
        }
        if (!inOrganization(who, i.organization()).atLeast(rules.requiredAuthority(c.operation()))) {
            return Prediction.refused(Reason.INSUFFICIENT_AUTHORITY);
        }
        Reason r = notPending(i);
        if (r != null) {
            return Prediction.refused(r);
        }
        if (organizationMembers.get(i.organization()).containsKey(who.user().id())) {
            return Prediction.refused(Reason.ALREADY_MEMBER);
        }
        Invitation accepted = i.withStoredStatus(InvitationStatus.ACCEPTED);
        invitations.put(i.id(), accepted);
        OrganizationMember joined = new OrganizationMember(i.organization(), who.user().id(), i.role(), now);
        organizationMembers.get(i.organization()).put(joined.user(), joined);
        audit(who, Optional.of(i.organization()), c.operation(), new AuditDetail.InvitationAccepted(i.id(), joined.user(), i.role()), "");
        return Prediction.success(joined, new MembershipEvent.InvitationAccepted(accepted, joined.user(), now));
    }

    private Prediction revoke(Who who, Command.RevokeInvitation c) {
        Invitation i = invitations.get(c.invitation());
        Reason r = invitationGate(who, i, c.operation());
        if (r != null) {
            return Prediction.refused(r);
        }
        r = notPending(i);
        if (r != null) {
            return Prediction.refused(r);
        }
        Invitation revoked = i.withStoredStatus(InvitationStatus.REVOKED);
        invitations.put(i.id(), revoked);
        audit(who, Optional.of(i.organization()), c.operation(), new AuditDetail.InvitationRevoked(i.id(), i.email()), c.reason());
        return Prediction.success(revoked, new MembershipEvent.InvitationRevoked(revoked, now));
    }

    private Prediction removeOrganizationUser(Who who, Command.RemoveOrganizationUser c) {
        boolean self = who.user() != null && who.user().email().equals(c.email());
        boolean leaving = self && rules.selfRemoval() == SelfRemoval.ALLOWED_WHILE_ANOTHER_ADMIN_REMAINS;
        Reason r = organizationGate(who, c.organization(), leaving ? Operation.LEAVE_ORGANIZATION : c.operation(), false);
        if (r != null) {
            return Prediction.refused(r);
        }
        OrganizationId org = c.organization();
        Optional<User> user = userByEmail(c.email());
        OrganizationMember member = user.map(u -> organizationMembers.get(org).get(u.id())).orElse(null);
        Invitation invitation = storedPendingFor(org, c.email()).filter(this::livePending).orElse(null);
        if (member == null && invitation == null) {
            return Prediction.refused(Reason.NEITHER_MEMBER_NOR_INVITATION);
        }
        List<WorkspaceMember> cascade = new ArrayList<>();
        if (member != null) {
            if (self && rules.selfRemoval() == SelfRemoval.FORBIDDEN) {
                return Prediction.refused(Reason.SELF_REMOVAL);
            }
            AuthorityLevel standing = user.get().instanceAdmin() ? AuthorityLevel.INSTANCE_ADMIN : level(member.role());
            if (!self && !inOrganization(who, org).atLeast(standing)) {
                return Prediction.refused(Reason.OUTRANKED);
            }
            if (!self && protectedFrom(who, org, member.user())) {
                return Prediction.refused(Reason.ORGANIZATION_ADMIN_PROTECTED);
            }
            if (member.role() == OrganizationRole.ADMIN && usable(member.user()) && organizationAdmins(org) <= 1) {
                return Prediction.refused(Reason.LAST_ADMIN);
            }
            workspaceMembers.forEach((ws, members) -> {
                if (workspaces.get(ws).organization().equals(org) && members.containsKey(member.user())) {
                    cascade.add(members.get(member.user()));
                }
            });
            for (WorkspaceMember m : cascade) {
                if (lastUsableAdmin(m)) {
                    return Prediction.refused(Reason.LAST_ADMIN);
                }
            }
        }
        List<WorkspaceId> removedFrom = cascade.stream().map(WorkspaceMember::workspace).toList();
        removedFrom.forEach(ws -> workspaceMembers.get(ws).remove(member.user()));
        if (member != null) {
            organizationMembers.get(org).remove(member.user());
        }
        Optional<Invitation> revoked = Optional.ofNullable(invitation).map(i -> i.withStoredStatus(InvitationStatus.REVOKED));
        revoked.ifPresent(i -> invitations.put(i.id(), i));
        audit(who, Optional.of(org), c.operation(), member != null
                ? new AuditDetail.RemovedFromOrganization(c.email(), member.user(), removedFrom, revoked.map(Invitation::id))
                : new AuditDetail.InvitationRevoked(invitation.id(), c.email()), c.reason());
        MembershipEvent event = member != null
                ? new MembershipEvent.OrganizationMemberRemoved(org, member.user(), removedFrom,
                        revoked.map(Invitation::id), now)
                : new MembershipEvent.InvitationRevoked(revoked.orElseThrow(), now);
        return Prediction.success(member != null ? new OrganizationUserRemoval.MemberRemoved(member, removedFrom, revoked)
                : new OrganizationUserRemoval.InvitationRevoked(revoked.orElseThrow()), event);
    }

    // ---- managing organizations directly -------------------------------------------------
    //
    // The order of checks follows the planners' documented lists: the organization's gate (rules 1
    // and 3), the target (8), self-removal (5), outranking and protection (2), the role granted
    // (1), last admin (6), then the workspaces the member leaves (6).

    /** @return the live pending invitation for that email in the organization, if any */
    private Optional<Invitation> livePendingFor(OrganizationId org, Email email) {
        return storedPendingFor(org, email).filter(this::livePending);
    }

    private Prediction addOrganizationMember(Who who, Command.AddOrganizationMember c) {
        Reason r = organizationGate(who, c.organization(), c.operation(), false);
        if (r != null) {
            return Prediction.refused(r);
        }
        User user = users.get(c.user());
        if (user == null) {
            return Prediction.refused(Reason.USER_NOT_FOUND);
        }
        if (!who.instance()) {
            List<OrganizationId> theirs = new ArrayList<>();
            organizationMembers.forEach((org, members) -> {
                if (members.containsKey(c.user())) {
                    theirs.add(org);
                }
            });
            if (!theirs.isEmpty() && theirs.stream().allMatch(org -> inOrganization(who, org) == AuthorityLevel.NONE)) {
                return Prediction.refused(Reason.USER_NOT_FOUND);
            }
        }
        if (organizationMembers.get(c.organization()).containsKey(c.user())) {
            return Prediction.refused(Reason.ALREADY_MEMBER);
        }
        if (!inOrganization(who, c.organization()).atLeast(level(c.role()))) {
            return Prediction.refused(Reason.INSUFFICIENT_AUTHORITY);
        }
        Optional<Invitation> revoked = livePendingFor(c.organization(), user.email())
                .map(i -> i.withStoredStatus(InvitationStatus.REVOKED));
        revoked.ifPresent(i -> invitations.put(i.id(), i));
        OrganizationMember added = new OrganizationMember(c.organization(), c.user(), c.role(), now);
        organizationMembers.get(c.organization()).put(c.user(), added);
        Optional<InvitationId> revokedId = revoked.map(Invitation::id);
        audit(who, Optional.of(c.organization()), c.operation(),
                new AuditDetail.AddedToOrganization(c.user(), c.role(), revokedId), "");
        return Prediction.success(added, new MembershipEvent.OrganizationMemberAdded(added, revokedId, now));
    }

    /** Rule 2 for a change to someone else's organization membership; null when it lets it through. */
    private Reason outrankedInOrganization(Who who, OrganizationId org, OrganizationMember target) {
        AuthorityLevel standing = users.get(target.user()).instanceAdmin() ? AuthorityLevel.INSTANCE_ADMIN : level(target.role());
        if (!inOrganization(who, org).atLeast(standing)) {
            return Reason.OUTRANKED;
        }
        return protectedFrom(who, org, target.user()) ? Reason.ORGANIZATION_ADMIN_PROTECTED : null;
    }

    private boolean lastUsableOrganizationAdmin(OrganizationMember m) {
        return m.role() == OrganizationRole.ADMIN && usable(m.user()) && organizationAdmins(m.organization()) <= 1;
    }

    private Prediction changeOrganizationRole(Who who, Command.ChangeOrganizationRole c) {
        Reason r = organizationGate(who, c.organization(), c.operation(), false);
        if (r != null) {
            return Prediction.refused(r);
        }
        OrganizationMember target = organizationMembers.get(c.organization()).get(c.user());
        if (target == null) {
            return Prediction.refused(Reason.MEMBER_NOT_FOUND);
        }
        boolean self = who.isUser(c.user());
        boolean demotion = target.role() == OrganizationRole.ADMIN && c.role() != OrganizationRole.ADMIN;
        if (self && demotion && rules.selfRemoval() == SelfRemoval.FORBIDDEN) {
            return Prediction.refused(Reason.SELF_REMOVAL);
        }
        if (!self) {
            r = outrankedInOrganization(who, c.organization(), target);
            if (r != null) {
                return Prediction.refused(r);
            }
        }
        if (!inOrganization(who, c.organization()).atLeast(level(c.role()))) {
            return Prediction.refused(Reason.INSUFFICIENT_AUTHORITY);
        }
        if (target.role() == c.role()) {
            return Prediction.success(target);
        }
        if (lastUsableOrganizationAdmin(target)) {
            return Prediction.refused(Reason.LAST_ADMIN);
        }
        OrganizationMember changed = new OrganizationMember(target.organization(), target.user(), c.role(), target.since());
        organizationMembers.get(c.organization()).put(c.user(), changed);
        audit(who, Optional.of(c.organization()), c.operation(),
                new AuditDetail.OrganizationRoleChanged(c.user(), target.role(), c.role()), "");
        return Prediction.success(changed, new MembershipEvent.OrganizationRoleChanged(c.organization(), c.user(),
                target.role(), c.role(), now));
    }

    private Prediction removeOrganizationMember(Who who, Command.RemoveOrganizationMember c) {
        boolean self = who.isUser(c.user());
        boolean leaving = self && rules.selfRemoval() == SelfRemoval.ALLOWED_WHILE_ANOTHER_ADMIN_REMAINS;
        Reason r = organizationGate(who, c.organization(), leaving ? Operation.LEAVE_ORGANIZATION : c.operation(), false);
        if (r != null) {
            return Prediction.refused(r);
        }
        OrganizationMember target = organizationMembers.get(c.organization()).get(c.user());
        if (target == null) {
            return Prediction.refused(Reason.MEMBER_NOT_FOUND);
        }
        if (self && rules.selfRemoval() == SelfRemoval.FORBIDDEN) {
            return Prediction.refused(Reason.SELF_REMOVAL);
        }
        if (!self) {
            r = outrankedInOrganization(who, c.organization(), target);
            if (r != null) {
                return Prediction.refused(r);
            }
        }
        return removeWithCascade(who, c.operation(), target, c.reason());
    }

    private Prediction leaveOrganization(Who who, Command.LeaveOrganization c) {
        if (who.user() == null) {
            return Prediction.refused(Reason.INSUFFICIENT_AUTHORITY);
        }
        Reason r = organizationGate(who, c.organization(), c.operation(), false);
        if (r != null) {
            return Prediction.refused(r);
        }
        OrganizationMember target = organizationMembers.get(c.organization()).get(who.user().id());
        if (target == null) {
            return Prediction.refused(Reason.MEMBER_NOT_FOUND);
        }
        if (rules.selfRemoval() == SelfRemoval.FORBIDDEN) {
            return Prediction.refused(Reason.SELF_REMOVAL);
        }
        return removeWithCascade(who, c.operation(), target, c.reason());
    }

    /** Rule 6 for the member and every custom workspace it leaves, then the removal with its cascade. */
    private Prediction removeWithCascade(Who who, Operation op, OrganizationMember member, String reason) {
        OrganizationId org = member.organization();
        if (lastUsableOrganizationAdmin(member)) {
            return Prediction.refused(Reason.LAST_ADMIN);
        }
        List<WorkspaceMember> cascade = new ArrayList<>();
        workspaceMembers.forEach((ws, members) -> {
            if (workspaces.get(ws).organization().equals(org) && members.containsKey(member.user())) {
                cascade.add(members.get(member.user()));
            }
        });
        for (WorkspaceMember m : cascade) {
            if (lastUsableAdmin(m)) {
                return Prediction.refused(Reason.LAST_ADMIN);
            }
        }
        Email email = users.get(member.user()).email();
        List<WorkspaceId> removedFrom = cascade.stream().map(WorkspaceMember::workspace).toList();
        removedFrom.forEach(ws -> workspaceMembers.get(ws).remove(member.user()));
        organizationMembers.get(org).remove(member.user());
        Optional<Invitation> revoked = livePendingFor(org, email).map(i -> i.withStoredStatus(InvitationStatus.REVOKED));
        revoked.ifPresent(i -> invitations.put(i.id(), i));
        Optional<InvitationId> revokedId = revoked.map(Invitation::id);
        audit(who, Optional.of(org), op, new AuditDetail.RemovedFromOrganization(email, member.user(), removedFrom, revokedId),
                reason);
        return Prediction.success(new OrganizationUserRemoval.MemberRemoved(member, removedFrom, revoked),
                new MembershipEvent.OrganizationMemberRemoved(org, member.user(), removedFrom, revokedId, now));
    }

    private Prediction getOrganizationMember(Who who, Command.GetOrganizationMember c) {
        Reason r = organizationGate(who, c.organization(), c.operation(), false);
        if (r != null) {
            return Prediction.refused(r);
        }
        OrganizationMember m = organizationMembers.get(c.organization()).get(c.user());
        return m == null ? Prediction.refused(Reason.MEMBER_NOT_FOUND)
                : Prediction.success(new OrganizationUser(m, users.get(m.user())));
    }

    /** An organization's members with their accounts, by user id, all or only those with the role. */
    List<OrganizationUser> organizationUsers(OrganizationId org, Optional<OrganizationRole> role) {
        List<OrganizationUser> out = new ArrayList<>();
        for (OrganizationMember m : organizationMembers.get(org).values()) {
            if (role.isEmpty() || role.get() == m.role()) {
                out.add(new OrganizationUser(m, users.get(m.user())));
            }
        }
        return out;
    }

    private Prediction listOrganizationMembers(Who who, Command.ListOrganizationMembers c) {
        Reason r = organizationGate(who, c.organization(), c.operation(), false);
        return r != null ? Prediction.refused(r) : Prediction.success(organizationUsers(c.organization(), c.role()));
    }

    private Prediction getInvitation(Who who, Command.GetInvitation c) {
        Invitation i = invitations.get(c.invitation());
        Reason r = invitationGate(who, i, c.operation());
        return r != null ? Prediction.refused(r) : Prediction.success(i);
    }

    /**
     * Reading an account by id or email: the user itself always may; anyone else meets the instance
     * gate, then scope (a user sharing no organization with the actor is not found), then authority,
     * measured as the actor's highest level in the organizations the two share.
     */
    private Prediction getUser(Who who, java.util.function.Predicate<Command<?>> selfTest, User target, Command<?> c) {
        boolean self = selfTest.test(c);
        AuthorityLevel required = rules.requiredAuthority(c.operation());
        if (!self && required == AuthorityLevel.INSTANCE_ADMIN && !who.instance()) {
            return Prediction.refused(Reason.INSUFFICIENT_AUTHORITY);
        }
        if (target == null) {
            return Prediction.refused(Reason.USER_NOT_FOUND);
        }
        if (self) {
            return Prediction.success(target);
        }
        AuthorityLevel best = who.instance() ? AuthorityLevel.INSTANCE_ADMIN : AuthorityLevel.NONE;
        if (!who.instance()) {
            for (Map.Entry<OrganizationId, TreeMap<UserId, OrganizationMember>> e : organizationMembers.entrySet()) {
                if (e.getValue().containsKey(target.id())) {
                    AuthorityLevel level = inOrganization(who, e.getKey());
                    best = level.atLeast(best) ? level : best;
                }
            }
        }
        if (best == AuthorityLevel.NONE) {
            return Prediction.refused(Reason.USER_NOT_FOUND);
        }
        return best.atLeast(required) ? Prediction.success(target) : Prediction.refused(Reason.INSUFFICIENT_AUTHORITY);
    }

    private Prediction changeUserEmail(Who who, Command.ChangeUserEmail c) {
        if (!instanceMay(who, c.operation())) {
            return Prediction.refused(Reason.INSUFFICIENT_AUTHORITY);
        }
        User user = users.get(c.user());
        if (user == null) {
            return Prediction.refused(Reason.USER_NOT_FOUND);
        }
        if (user.email().equals(c.email())) {
            return Prediction.success(user);
        }
        if (userByEmail(c.email()).isPresent()) {
            return Prediction.refused(Reason.USER_EXISTS);
        }
        User changed = new User(user.id(), c.email(), user.status(), user.instanceAdmin());
        users.put(user.id(), changed);
        audit(who, Optional.empty(), c.operation(), new AuditDetail.UserEmailChanged(user.id(), user.email(), c.email()), "");
        return Prediction.success(changed, new MembershipEvent.UserEmailChanged(user.id(), user.email(), c.email(), now));
    }

    private Prediction renameWorkspace(Who who, Command.RenameWorkspace c) {
        Reason r = workspaceGate(who, c.workspace(), c.operation(), false);
        if (r != null) {
            return Prediction.refused(r);
        }
        Workspace ws = workspaces.get(c.workspace());
        if (ws.name().equals(c.name())) {
            return Prediction.success(ws);
        }
        Workspace renamed = new Workspace(ws.id(), ws.organization(), c.name(), ws.kind(), ws.createdAt());
        workspaces.put(ws.id(), renamed);
        audit(who, Optional.of(ws.organization()), c.operation(), new AuditDetail.WorkspaceRenamed(ws.id(), ws.name(), c.name()), "");
        return Prediction.success(renamed, new MembershipEvent.WorkspaceRenamed(ws.organization(), ws.id(), ws.name(),
                c.name(), now));
    }

    private Prediction deleteWorkspace(Who who, Command.DeleteWorkspace c) {
        Reason r = workspaceGate(who, c.workspace(), c.operation(), false);
        if (r != null) {
            return Prediction.refused(r);
        }
        Workspace ws = workspaces.get(c.workspace());
        if (ws.kind() == WorkspaceKind.DEFAULT) {
            return Prediction.refused(Reason.DEFAULT_WORKSPACE);
        }
        List<UserId> members = List.copyOf(workspaceMembers.remove(ws.id()).keySet());
        workspaces.remove(ws.id());
        audit(who, Optional.of(ws.organization()), c.operation(), new AuditDetail.WorkspaceDeleted(ws.id(), members), c.reason());
        return Prediction.success(new WorkspaceDeletion(ws, members),
                new MembershipEvent.WorkspaceDeleted(ws.organization(), ws.id(), members, now));
    }

    private Prediction deleteOrganization(Who who, Command.DeleteOrganization c) {
        Reason r = organizationGate(who, c.organization(), c.operation(), false);
        if (r != null) {
            return Prediction.refused(r);
        }
        OrganizationId id = c.organization();
        Organization org = organizations.remove(id);
        int workspaceCount = 0;
        int workspaceMemberCount = 0;
        for (Workspace ws : List.copyOf(workspaces.values())) {
            if (ws.organization().equals(id)) {
                workspaces.remove(ws.id());
                TreeMap<UserId, WorkspaceMember> members = workspaceMembers.remove(ws.id());
                workspaceMemberCount += members == null ? 0 : members.size();
                workspaceCount++;
            }
        }
        int memberCount = organizationMembers.remove(id).size();
        int invitationCount = 0;
        for (Invitation i : List.copyOf(invitations.values())) {
            if (i.organization().equals(id)) {
                invitations.remove(i.id());
                invitationCount++;
            }
        }
        audit(who, Optional.empty(), c.operation(), new AuditDetail.OrganizationDeleted(id, org.name(), workspaceCount,
                memberCount, workspaceMemberCount, invitationCount), c.reason());
        return Prediction.success(new OrganizationDeletion(org, workspaceCount, memberCount, workspaceMemberCount,
                invitationCount), new MembershipEvent.OrganizationDeleted(org, now));
    }
}
