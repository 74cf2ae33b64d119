package org.membership.examples.http;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.membership.api.Actor;
import org.membership.api.Command;
import org.membership.api.Email;
import org.membership.api.InvalidInputException;
import org.membership.api.Invitation;
import org.membership.api.InvitationId;
import org.membership.api.Membership;
import org.membership.api.Memberships;
import org.membership.api.Organization;
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationMember;
import org.membership.api.OrganizationRole;
import org.membership.api.Outcome;
import org.membership.api.Page;
import org.membership.api.PageRequest;
import org.membership.api.ProblemDetails;
import org.membership.api.Reason;
import org.membership.api.Refusal;
import org.membership.api.User;
import org.membership.api.UserId;
import org.membership.api.UserStatus;
import org.membership.api.Workspace;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceMember;
import org.membership.api.WorkspaceRole;

/**
 * The few endpoints an operator needs to populate the server, with a bearer credential; the
 * library decides who may do what (registering users and creating organizations needs instance
 * authority, the rest organization admin), and minting credentials needs the instance key. Errors
 * are the library's RFC 9457 problem details.
 * <ul>
 *   <li>{@code POST /admin/users} {@code {"email","id"?,"status"?,"instance_admin"?}} → 201, with a token</li>
 *   <li>{@code POST /admin/users/{id}/status} {@code {"status"}} → 200</li>
 *   <li>{@code POST /admin/users/{id}/tokens} → 201 a new token (instance key only)</li>
 *   <li>{@code POST /admin/organizations} {@code {"name","first_admin","integer_ids"?}} → 201, with an admin key</li>
 *   <li>{@code POST /admin/organizations/{id}/keys} → 201 a new admin key (instance key only)</li>
 *   <li>{@code POST /admin/organizations/{id}/workspaces} {@code {"name"}} → 201</li>
 *   <li>{@code POST /admin/organizations/{id}/invitations} {@code {"email","role"?}} → 201</li>
 *   <li>{@code POST /admin/workspaces/{id}/members} {@code {"user_id","role"?}} → 201</li>
 *   <li>{@code POST /invitations/{id}/accept} (the invitee's token) → 200</li>
 * </ul>
 *
 * <p>Stateless apart from its collaborators; thread-safe.
 */
final class AdminApi {
    static final Dialect DIALECT = new ProblemDialect();

    private final Credentials credentials;
    private final Engines engines;

    AdminApi(Credentials credentials, Engines engines) {
        this.credentials = credentials;
        this.engines = engines;
    }

    void register(Routes routes) {
        routes.prefix("/admin/", DIALECT).prefix("/invitations/", DIALECT)
                .add("POST", "/admin/users", DIALECT, r -> authenticated(r, this::registerUser))
                .add("POST", "/admin/users/{id}/status", DIALECT, r -> authenticated(r, this::changeStatus))
                .add("POST", "/admin/users/{id}/tokens", DIALECT, r -> authenticated(r, this::issueToken))
                .add("POST", "/admin/organizations", DIALECT, r -> authenticated(r, this::createOrganization))
                .add("POST", "/admin/organizations/{id}/keys", DIALECT, r -> authenticated(r, this::issueKey))
                .add("POST", "/admin/organizations/{id}/workspaces", DIALECT, r -> authenticated(r, this::createWorkspace))
                .add("POST", "/admin/organizations/{id}/invitations", DIALECT, r -> authenticated(r, this::invite))
                .add("POST", "/admin/workspaces/{id}/members", DIALECT, r -> authenticated(r, this::addMember))
                .add("POST", "/invitations/{id}/accept", DIALECT, r -> authenticated(r, this::accept));
    }

    private interface ActorHandler {
        Response handle(Request request, Actor actor);
    }

    private Response authenticated(Request request, ActorHandler handler) {
        Optional<String> token = request.bearerToken();
        if (token.isEmpty()) {
            return DIALECT.unauthenticated(true);
        }
        return token.flatMap(credentials::resolve)
                .map(actor -> handler.handle(request, actor))
                .orElseGet(() -> DIALECT.unauthenticated(false));
    }

    private Response registerUser(Request request, Actor actor) {
        RegisterUser body = Json.read(request.body(), RegisterUser.class);
        User user = new User(UserId.of(Optional.ofNullable(body.id()).orElseGet(() -> UUID.randomUUID().toString())),
                Email.of(Json.required("email", body.email())),
                named(UserStatus.class, "status", Optional.ofNullable(body.status()).orElse("validated")),
                Optional.ofNullable(body.instanceAdmin()).orElse(false));
        Outcome<User> outcome = engines.adminUuids().execute(actor, new Command.RegisterUser(user));
        return created(outcome, u -> Json.write(RegisteredUser.of(u, credentials.issueUserToken(u.id()))));
    }

    private Response changeStatus(Request request, Actor actor) {
        UserId id = UserId.of(request.param("id"));
        ChangeStatus body = Json.read(request.body(), ChangeStatus.class);
        UserStatus status = named(UserStatus.class, "status", Json.required("status", body.status()));
        Outcome<User> outcome = engines.adminUuids().execute(actor, new Command.ChangeUserStatus(id, status));
        return ok(outcome, u -> Json.write(UserView.of(u)));
    }

    private Response issueToken(Request request, Actor actor) {
        UserId id = UserId.of(request.param("id"));
        Json.empty(request.body());
        if (!(actor instanceof Actor.InstanceKey)) {
            return DIALECT.refusal(Refusal.of(Reason.INSUFFICIENT_AUTHORITY));
        }
        Outcome<Memberships> exists = engines.adminUuids().execute(actor, new Command.ListMemberships(id));
        return created(exists, m -> Json.write(new UserToken(id.value(), credentials.issueUserToken(id))));
    }

    private Response createOrganization(Request request, Actor actor) {
        CreateOrganization body = Json.read(request.body(), CreateOrganization.class);
        Membership engine = Optional.ofNullable(body.integerIds()).orElse(false)
                ? engines.adminIntegerIds() : engines.adminUuids();
        Outcome<Organization> outcome = engine.execute(actor, new Command.CreateOrganization(
                Json.required("name", body.name()), UserId.of(Json.required("first_admin", body.firstAdmin()))));
        return created(outcome, o -> Json.write(new CreatedOrganization(o.id().value(), o.name(),
                o.defaultWorkspace().value(), credentials.issueOrganizationKey(o.id()))));
    }

    private Response issueKey(Request request, Actor actor) {
        OrganizationId id = OrganizationId.of(request.param("id"));
        Json.empty(request.body());
        if (!(actor instanceof Actor.InstanceKey)) {
            return DIALECT.refusal(Refusal.of(Reason.INSUFFICIENT_AUTHORITY));
        }
        Outcome<Page<Invitation>> exists = engines.adminUuids().execute(actor,
                new Command.ListInvitations(id, PageRequest.first(1)));
        return created(exists, p -> Json.write(new OrganizationKey(id.value(), credentials.issueOrganizationKey(id))));
    }

    private Response createWorkspace(Request request, Actor actor) {
        OrganizationId id = OrganizationId.of(request.param("id"));
        CreateWorkspace body = Json.read(request.body(), CreateWorkspace.class);
        Outcome<Workspace> outcome = engines.adminFor(id).execute(actor,
                new Command.CreateWorkspace(id, Json.required("name", body.name())));
        return created(outcome, w -> Json.write(new WorkspaceView(w.id().value(), w.organization().value(), w.name(),
                lower(w.kind()))));
    }

    private Response invite(Request request, Actor actor) {
        OrganizationId id = OrganizationId.of(request.param("id"));
        Invite body = Json.read(request.body(), Invite.class);
        Outcome<Invitation> outcome = engines.adminFor(id).execute(actor, new Command.InviteToOrganization(id,
                Email.of(Json.required("email", body.email())),
                named(OrganizationRole.class, "role", Optional.ofNullable(body.role()).orElse("member"))));
        return created(outcome, i -> Json.write(InvitationView.of(i)));
    }

    private Response addMember(Request request, Actor actor) {
        WorkspaceId id = WorkspaceId.of(request.param("id"));
        AddMember body = Json.read(request.body(), AddMember.class);
        Outcome<WorkspaceMember> outcome = engines.adminUuids().execute(actor, new Command.AddWorkspaceMember(id,
                UserId.of(Json.required("user_id", body.userId())),
                named(WorkspaceRole.class, "role", Optional.ofNullable(body.role()).orElse("user"))));
        return created(outcome, m -> Json.write(new MemberView(m.workspace().value(), m.user().value(), lower(m.role()))));
    }

    private Response accept(Request request, Actor actor) {
        InvitationId id = InvitationId.of(request.param("id"));
        Json.empty(request.body());
        Outcome<OrganizationMember> outcome = engines.adminUuids().execute(actor, new Command.AcceptInvitation(id));
        return ok(outcome, m -> Json.write(new Joined(m.organization().value(), m.user().value(), lower(m.role()))));
    }

    // ---- bodies ----------------------------------------------------------------------------------

    /** {@code POST /admin/users}. */
    record RegisterUser(String id, String email, String status, Boolean instanceAdmin) {}

    /** {@code POST /admin/users/{id}/status}. */
    record ChangeStatus(String status) {}

    /** {@code POST /admin/organizations}. */
    record CreateOrganization(String name, String firstAdmin, Boolean integerIds) {}

    /** {@code POST /admin/organizations/{id}/workspaces}. */
    record CreateWorkspace(String name) {}

    /** {@code POST /admin/organizations/{id}/invitations}. */
    record Invite(String email, String role) {}

    /** {@code POST /admin/workspaces/{id}/members}. */
    record AddMember(String userId, String role) {}

    record UserView(String id, String email, String status, boolean instanceAdmin) {
        static UserView of(User u) {
            return new UserView(u.id().value(), u.email().value(), lower(u.status()), u.instanceAdmin());
        }
    }

    record RegisteredUser(String id, String email, String status, boolean instanceAdmin, String token) {
        static RegisteredUser of(User u, String token) {
            return new RegisteredUser(u.id().value(), u.email().value(), lower(u.status()), u.instanceAdmin(), token);
        }
    }

    record UserToken(String userId, String token) {}

    record CreatedOrganization(String id, String name, String defaultWorkspaceId, String apiKey) {}

    record OrganizationKey(String organizationId, String apiKey) {}

    record WorkspaceView(String id, String organizationId, String name, String kind) {}

    record InvitationView(String id, String organizationId, String email, String role, String status, String expiresAt) {
        static InvitationView of(Invitation i) {
            return new InvitationView(i.id().value(), i.organization().value(), i.email().value(), lower(i.role()),
                    lower(i.storedStatus()), i.expiresAt().toString());
        }
    }

    record MemberView(String workspaceId, String userId, String role) {}

    record Joined(String organizationId, String userId, String role) {}

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    /**
     * @return the value whose documented name, the lower-case one these endpoints write, is exactly {@code name}
     * @throws InvalidInputException naming the field, listing the documented names, for anything else (another
     *         case, spaces, a prefix the library's own parser would forgive)
     */
    private static <E extends Enum<E>> E named(Class<E> type, String field, String name) {
        for (E value : type.getEnumConstants()) {
            if (lower(value).equals(name)) {
                return value;
            }
        }
        throw new InvalidInputException(field, field + " must be one of: " + java.util.Arrays.stream(type.getEnumConstants())
                .map(AdminApi::lower).collect(java.util.stream.Collectors.joining(", ")));
    }

    private static <T> Response created(Outcome<T> outcome, java.util.function.Function<T, String> body) {
        return answer(201, outcome, body);
    }

    private static <T> Response ok(Outcome<T> outcome, java.util.function.Function<T, String> body) {
        return answer(200, outcome, body);
    }

    private static <T> Response answer(int status, Outcome<T> outcome, java.util.function.Function<T, String> body) {
        if (outcome instanceof Outcome.Refused<T> refused) {
            return DIALECT.refusal(refused.why());
        }
        return Response.json(status, body.apply(outcome.orElseThrow()));
    }

    static Response problem(int status, String title, String detail) {
        return new Response(status, Response.PROBLEM_JSON,
                new ProblemDetails("about:blank", title, status, detail, Map.of()).toJson(), Map.of());
    }

    /** The library's own error model: RFC 9457 problem details with the reason code. */
    private static final class ProblemDialect implements Dialect {
        @Override
        public Response refusal(Refusal refusal) {
            return new Response(refusal.status(), Response.PROBLEM_JSON, refusal.toProblemDetails().toJson(), Map.of());
        }

        @Override
        public Response unauthenticated(boolean missing) {
            return refusal(new Refusal(Reason.UNAUTHENTICATED,
                    missing ? "A bearer token is required" : "The bearer token is not valid", Optional.empty()))
                    .withHeader("WWW-Authenticate", "Bearer");
        }

        @Override
        public Response invalidInput(InvalidInputException e) {
            return refusal(e.refusal());
        }

        @Override
        public Response badRequest(String message) {
            return problem(400, "Bad Request", message);
        }

        @Override
        public Response noRoute() {
            return problem(404, "Not Found", "No such endpoint");
        }

        @Override
        public Response methodNotAllowed(String method, Set<String> allowed) {
            return problem(405, "Method Not Allowed", "Method " + method + " is not allowed here");
        }

        @Override
        public Response tooLarge(int limit) {
            return problem(413, "Content Too Large", "The request body is larger than " + limit + " bytes");
        }

        @Override
        public Response unreadable(int status, String message) {
            return problem(status, Titles.of(status), message);
        }

        @Override
        public Response overloaded() {
            return problem(503, "Service Unavailable", "Too many requests at once; try again later");
        }

        @Override
        public Response serverError() {
            return problem(500, "Internal Server Error", "The request could not be completed");
        }
    }
}
