package org.membership.examples.http;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.membership.api.Actor;
import org.membership.api.Command;
import org.membership.api.Email;
import org.membership.api.InvalidInputException;
import org.membership.api.Invitation;
import org.membership.api.InvitationId;
import org.membership.api.InvitationStatus;
import org.membership.api.Membership;
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationRole;
import org.membership.api.OrganizationUser;
import org.membership.api.OrganizationUserRemoval;
import org.membership.api.Outcome;
import org.membership.api.Page;
import org.membership.api.PageRequest;
import org.membership.api.Reason;
import org.membership.api.Refusal;
import org.membership.api.User;
import org.membership.api.UserId;

/**
 * Anthropic's Admin API organization endpoints (A), Organization Member Management and Organization
 * Invites, with the same authentication as {@link AnthropicApi}: the organization's admin key in
 * {@code x-api-key} or {@code Authorization: Bearer}, and {@code anthropic-version}. The organization
 * is always the key's own; no path names it.
 * <ul>
 *   <li>{@code GET    /v1/organizations/users} — list users, keyset pages ({@code before_id},
 *       {@code after_id}, {@code limit} 1-1000, default 20), optionally only the one with {@code email}</li>
 *   <li>{@code GET    /v1/organizations/users/{user_id}} — get user</li>
 *   <li>{@code POST   /v1/organizations/users/{user_id}} — update user ({@code {"role":…}})</li>
 *   <li>{@code DELETE /v1/organizations/users/{user_id}} — remove user from the organization</li>
 *   <li>{@code POST   /v1/organizations/invites} — create invite ({@code {"email":…,"role":…}})</li>
 *   <li>{@code GET    /v1/organizations/invites} — list invites, keyset pages</li>
 *   <li>{@code GET    /v1/organizations/invites/{invite_id}} — get invite</li>
 *   <li>{@code DELETE /v1/organizations/invites/{invite_id}} — delete invite</li>
 * </ul>
 *
 * <p><b>Roles.</b> Anthropic documents five organization roles: {@code user}, {@code developer},
 * {@code billing}, {@code admin} and {@code claude_code_user}. The library's organizations have two,
 * member and admin: {@code user} is {@link OrganizationRole#MEMBER} and {@code admin} is
 * {@link OrganizationRole#ADMIN}, in both directions. {@code developer}, {@code billing} and
 * {@code claude_code_user} have no counterpart, and are refused, never mapped onto another role:
 * giving one (Create Invite, Update User) is a 400 {@code invalid_request_error} naming {@code role}
 * and saying the role is not supported by this host. Anthropic documents that neither endpoint may
 * give {@code admin} ("Cannot be \"admin\""), so that is a 400 naming {@code role} too; any other
 * value is a 400 listing the roles the endpoint documents. The only role these endpoints can give
 * is therefore {@code user}; admins are made through the library (or the host's admin endpoints).
 *
 * <p><b>Objects.</b> A user is Anthropic's User object ({@code id}, {@code added_at} — when it joined
 * the organization —, {@code email}, {@code name}, {@code role}, {@code type:"user"}); the library keeps
 * no display names, so {@code name} is the user's email. An invite is Anthropic's Invite object
 * ({@code id}, {@code email}, {@code expires_at}, {@code invited_at}, {@code role}, {@code status},
 * {@code type:"invite"}); its status is the one in effect now: {@code pending}, {@code accepted},
 * {@code expired} (its lifetime passed), or {@code deleted} (revoked). Times are RFC 3339, in UTC.
 * Removing a user answers {@code {"id":…,"type":"user_deleted"}} and deleting an invite
 * {@code {"id":…,"type":"invite_deleted"}}.
 *
 * <p><b>What each does in the library.</b> Remove User is {@link Command.RemoveOrganizationMember}: the
 * membership, every custom-workspace membership of it in the organization and a pending invitation
 * for its email go in one change, so the user is also gone from every workspace's members. Update
 * User is {@link Command.ChangeOrganizationRole}. Delete Invite is {@link Command.RevokeInvitation}: the
 * invite stays readable with status {@code deleted}. List Invites is {@link Command.ListInvitations},
 * which lists the pending ones only (Anthropic does not say which it lists). List Users with
 * {@code email} finds the user by email in any case ({@link Command.FindUserByEmail}) and answers a
 * page of it if it is a member, or an empty page.
 *
 * <p><b>Errors</b> are {@link AnthropicApi}'s: Anthropic's envelope; 401 {@code authentication_error}
 * for a missing or unknown key; 403 {@code permission_error} for every refusal of authority —
 * notably an organization admin, whom the {@code anthropicAdmin()} rules protect from being removed
 * or demoted by a key; 404 {@code not_found_error}; and, as Anthropic has no 409, 400
 * {@code invalid_request_error} for conflicts (the last admin of a workspace the user administers,
 * already a member, already invited, an invite no longer pending). A user or invite of another
 * organization answers byte for byte as one that does not exist. Ids, emails and page parameters
 * that are not valid are 400s naming the field ({@code user_id}, {@code invite_id}, {@code email},
 * {@code limit}, {@code before_id}, {@code after_id}).
 *
 * <p>Stateless apart from its collaborators; thread-safe.
 */
final class AnthropicOrganizationApi {
    private static final Dialect DIALECT = AnthropicApi.DIALECT;
    private static final String USERS = "/v1/organizations/users";
    private static final String INVITES = "/v1/organizations/invites";

    private final Credentials credentials;
    private final Engines engines;
    private final Clock clock;

    /**
     * @param credentials the admin keys
     * @param engines the engines; these endpoints use {@link Engines#anthropic()}
     * @param clock the clock the engines read, for the status of an invite now
     */
    AnthropicOrganizationApi(Credentials credentials, Engines engines, Clock clock) {
        this.credentials = credentials;
        this.engines = engines;
        this.clock = clock;
    }

    void register(Routes routes) {
        routes.prefix("/v1/", DIALECT)
                .add("GET", USERS, DIALECT, r -> authenticated(r, this::listUsers))
                .add("GET", USERS + "/{user_id}", DIALECT, r -> authenticated(r, this::getUser))
                .add("POST", USERS + "/{user_id}", DIALECT, r -> authenticated(r, this::updateUser))
                .add("DELETE", USERS + "/{user_id}", DIALECT, r -> authenticated(r, this::removeUser))
                .add("POST", INVITES, DIALECT, r -> authenticated(r, this::createInvite))
                .add("GET", INVITES, DIALECT, r -> authenticated(r, this::listInvites))
                .add("GET", INVITES + "/{invite_id}", DIALECT, r -> authenticated(r, this::getInvite))
                .add("DELETE", INVITES + "/{invite_id}", DIALECT, r -> authenticated(r, this::deleteInvite));
    }

    private Response authenticated(Request request, AnthropicApi.KeyHandler handler) {
        return AnthropicApi.authenticated(credentials, request, handler);
    }

    private Membership engine() {
        return engines.anthropic();
    }

    /** @return the organization of the admin key, the only kind of actor {@link AnthropicApi#authenticated} lets through */
    private static OrganizationId organization(Actor key) {
        return ((Actor.OrganizationKey) key).organization();
    }

    // ---- Organization Member Management ---------------------------------------------------------

    private Response listUsers(Request request, Actor key) {
        PageRequest page = AnthropicApi.page(request);
        Optional<String> email = request.queryParam("email");
        if (email.isPresent()) {
            return userByEmail(key, Email.of(email.get()), page);
        }
        Outcome<Page<OrganizationUser>> outcome = engine().execute(key,
                new Command.ListOrganizationMembers(organization(key), page));
        if (outcome instanceof Outcome.Refused<Page<OrganizationUser>> refused) {
            return userRefusal(refused.why());
        }
        Page<OrganizationUser> result = outcome.orElseThrow();
        List<UserObject> data = new ArrayList<>();
        result.items().forEach(u -> data.add(UserObject.of(u)));
        return Response.json(200, Json.write(new UserPage(data, result.hasMore(), result.firstId().orElse(null),
                result.lastId().orElse(null))));
    }

    /*
     * List Users filtered by email: at most one user has that email, so the page is that user or
     * nothing. Finding the account first (by email, in any case) and then its membership costs two
     * point reads, whatever the organization's size. A user who is not in the key's organization,
     * whether it exists elsewhere or not at all, gives the same empty page. The page parameters still
     * apply: the user is on the page only if its id is after after_id or before before_id.
     */

    private Response userByEmail(Actor key, Email email, PageRequest page) {
        Outcome<User> account = engine().execute(key, new Command.FindUserByEmail(email));
        if (account instanceof Outcome.Refused<User> refused) {
            return refused.why().reason() == Reason.USER_NOT_FOUND ? emptyUserPage() : userRefusal(refused.why());
        }
        UserId id = account.orElseThrow().id();
        Outcome<OrganizationUser> member = engine().execute(key, new Command.GetOrganizationMember(organization(key), id));
        if (member instanceof Outcome.Refused<OrganizationUser> refused) {
            return refused.why().reason() == Reason.MEMBER_NOT_FOUND ? emptyUserPage() : userRefusal(refused.why());
        }
        String value = id.value();
        boolean onPage = page.afterId().map(after -> value.compareTo(after) > 0).orElse(true)
                && page.beforeId().map(before -> value.compareTo(before) < 0).orElse(true);
        if (!onPage) {
            return emptyUserPage();
        }
        return Response.json(200, Json.write(new UserPage(List.of(UserObject.of(member.orElseThrow())), false, value, value)));
    }

    private static Response emptyUserPage() {
        return Response.json(200, Json.write(new UserPage(List.of(), false, null, null)));
    }

    private Response getUser(Request request, Actor key) {
        UserId user = UserId.of(request.param("user_id"));
        Outcome<OrganizationUser> outcome = engine().execute(key, new Command.GetOrganizationMember(organization(key), user));
        if (outcome instanceof Outcome.Refused<OrganizationUser> refused) {
            return userRefusal(refused.why());
        }
        return Response.json(200, Json.write(UserObject.of(outcome.orElseThrow())));
    }

    private Response updateUser(Request request, Actor key) {
        UserId user = UserId.of(request.param("user_id"));
        UpdateUser body = Json.read(request.body(), UpdateUser.class);
        OrganizationRole role = role(Json.required("role", body.role()));
        OrganizationId organization = organization(key);
        Outcome<?> changed = engine().execute(key, new Command.ChangeOrganizationRole(organization, user, role));
        if (changed instanceof Outcome.Refused<?> refused) {
            return userRefusal(refused.why());
        }
        // The answer is Anthropic's whole User object, with its email: read back, as any client would see it now.
        Outcome<OrganizationUser> now = engine().execute(key, new Command.GetOrganizationMember(organization, user));
        if (now instanceof Outcome.Refused<OrganizationUser> refused) {
            return userRefusal(refused.why());
        }
        return Response.json(200, Json.write(UserObject.of(now.orElseThrow())));
    }

    private Response removeUser(Request request, Actor key) {
        UserId user = UserId.of(request.param("user_id"));
        Outcome<OrganizationUserRemoval.MemberRemoved> outcome = engine().execute(key,
                new Command.RemoveOrganizationMember(organization(key), user, "via admin API"));
        if (outcome instanceof Outcome.Refused<OrganizationUserRemoval.MemberRemoved> refused) {
            return userRefusal(refused.why());
        }
        return Response.json(200, Json.write(new Deleted(user.value(), "user_deleted")));
    }

    /**
     * The library says a member who is not there is "not found in workspace" (its reason is shared with
     * workspace membership); these endpoints are about the organization, so they say "User not found",
     * for an unknown id and for another organization's user alike.
     */
    private static Response userRefusal(Refusal refusal) {
        if (refusal.reason() == Reason.MEMBER_NOT_FOUND || refusal.reason() == Reason.USER_NOT_FOUND) {
            return AnthropicApi.error(404, "not_found_error", "User not found");
        }
        return DIALECT.refusal(refusal);
    }

    // ---- Organization Invites -------------------------------------------------------------------

    private Response createInvite(Request request, Actor key) {
        CreateInvite body = Json.read(request.body(), CreateInvite.class);
        Email email = Email.of(Json.required("email", body.email()));
        OrganizationRole role = role(Json.required("role", body.role()));
        Outcome<Invitation> outcome = engine().execute(key, new Command.InviteToOrganization(organization(key), email, role));
        return invite(outcome);
    }

    private Response listInvites(Request request, Actor key) {
        PageRequest page = AnthropicApi.page(request);
        Outcome<Page<Invitation>> outcome = engine().execute(key, new Command.ListInvitations(organization(key), page));
        if (outcome instanceof Outcome.Refused<Page<Invitation>> refused) {
            return DIALECT.refusal(refused.why());
        }
        Page<Invitation> result = outcome.orElseThrow();
        Instant now = clock.instant();
        List<InviteObject> data = new ArrayList<>();
        result.items().forEach(i -> data.add(InviteObject.of(i, now)));
        return Response.json(200, Json.write(new InvitePage(data, result.hasMore(), result.firstId().orElse(null),
                result.lastId().orElse(null))));
    }

    private Response getInvite(Request request, Actor key) {
        return invite(engine().execute(key, new Command.GetInvitation(inviteId(request))));
    }

    private Response deleteInvite(Request request, Actor key) {
        InvitationId id = inviteId(request);
        Outcome<Invitation> outcome = engine().execute(key, new Command.RevokeInvitation(id, "via admin API"));
        if (outcome instanceof Outcome.Refused<Invitation> refused) {
            return DIALECT.refusal(refused.why());
        }
        return Response.json(200, Json.write(new Deleted(id.value(), "invite_deleted")));
    }

    private Response invite(Outcome<Invitation> outcome) {
        if (outcome instanceof Outcome.Refused<Invitation> refused) {
            return DIALECT.refusal(refused.why());
        }
        return Response.json(200, Json.write(InviteObject.of(outcome.orElseThrow(), clock.instant())));
    }

    /** @throws InvalidInputException naming {@code invite_id}, Anthropic's name for the path parameter */
    private static InvitationId inviteId(Request request) {
        try {
            return InvitationId.of(request.param("invite_id"));
        } catch (InvalidInputException e) {
            throw new InvalidInputException("invite_id", e.getMessage().replaceFirst("^invitation_id", "invite_id"));
        }
    }

    // ---- roles ----------------------------------------------------------------------------------

    /** The roles Anthropic documents for Create Invite's and Update User's {@code role}, which exclude {@code admin}. */
    private static final String ROLES = "role must be one of: user, developer, billing, claude_code_user";
    /** Anthropic's roles that the library's organizations have no counterpart for. */
    private static final Set<String> UNSUPPORTED = Set.of("developer", "billing", "claude_code_user");

    /**
     * @param value a role as Anthropic names it, exactly
     * @return the library's role: {@code user} is a member
     * @throws InvalidInputException naming {@code role} for {@code admin} (Anthropic's documents forbid it
     *         here), for a documented role the library has no counterpart for, and for anything else
     */
    private static OrganizationRole role(String value) {
        if (value.equals("user")) {
            return OrganizationRole.MEMBER;
        }
        if (value.equals("admin")) {
            throw new InvalidInputException("role", "role cannot be admin");
        }
        if (UNSUPPORTED.contains(value)) {
            throw new InvalidInputException("role", "role " + value
                    + " is not supported by this host: its organizations have only the roles user and admin");
        }
        throw new InvalidInputException("role", ROLES);
    }

    /** @return Anthropic's name for the library's role */
    static String roleName(OrganizationRole role) {
        return switch (role) {
            case MEMBER -> "user";
            case ADMIN -> "admin";
        };
    }

    /** @return Anthropic's name for an invitation's status now */
    static String statusName(InvitationStatus status) {
        return switch (status) {
            case PENDING -> "pending";
            case ACCEPTED -> "accepted";
            case REVOKED -> "deleted";
            case EXPIRED -> "expired";
        };
    }

    /** @return the time as Anthropic writes it, RFC 3339 in UTC, to the microsecond at most */
    static String rfc3339(Instant time) {
        return time.truncatedTo(ChronoUnit.MICROS).toString();
    }

    // ---- bodies and objects ---------------------------------------------------------------------

    /** Update User's body. */
    record UpdateUser(String role) {}

    /** Create Invite's body. */
    record CreateInvite(String email, String role) {}

    /** Anthropic's User object; {@code name} is the email, as the library keeps no display name. */
    record UserObject(String id, String addedAt, String email, String name, String role, String type) {
        static UserObject of(OrganizationUser u) {
            String email = u.user().email().value();
            return new UserObject(u.user().id().value(), rfc3339(u.membership().since()), email, email,
                    roleName(u.role()), "user");
        }
    }

    /** A page of List Users; the ids are null on an empty page. */
    record UserPage(List<UserObject> data, boolean hasMore, String firstId, String lastId) {}

    /** Anthropic's Invite object, with the status in effect at the time of the answer. */
    record InviteObject(String id, String email, String expiresAt, String invitedAt, String role, String status,
                        String type) {
        static InviteObject of(Invitation i, Instant now) {
            return new InviteObject(i.id().value(), i.email().value(), rfc3339(i.expiresAt()), rfc3339(i.createdAt()),
                    roleName(i.role()), statusName(i.statusAt(now)), "invite");
        }
    }

    /** A page of List Invites; the ids are null on an empty page. */
    record InvitePage(List<InviteObject> data, boolean hasMore, String firstId, String lastId) {}

    /** Remove User's and Delete Invite's answer. */
    record Deleted(String id, String type) {}
}
