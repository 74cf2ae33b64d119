package org.membership.examples.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.membership.api.Actor;
import org.membership.api.Command;
import org.membership.api.InvalidInputException;
import org.membership.api.Outcome;
import org.membership.api.Page;
import org.membership.api.PageRequest;
import org.membership.api.Refusal;
import org.membership.api.UserId;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceMember;
import org.membership.api.WorkspaceRole;

/**
 * Anthropic's Admin API workspace-member endpoints (A), authenticated by an organization's admin
 * key in {@code x-api-key} or, as Anthropic's current SDKs send it, {@code Authorization: Bearer},
 * and requiring {@code anthropic-version}:
 * <ul>
 *   <li>{@code GET    /v1/organizations/workspaces/{workspace_id}/members} — list, keyset pages</li>
 *   <li>{@code POST   /v1/organizations/workspaces/{workspace_id}/members} — add</li>
 *   <li>{@code GET    /v1/organizations/workspaces/{workspace_id}/members/{user_id}} — get</li>
 *   <li>{@code POST   /v1/organizations/workspaces/{workspace_id}/members/{user_id}} — update role</li>
 *   <li>{@code DELETE /v1/organizations/workspaces/{workspace_id}/members/{user_id}} — delete</li>
 * </ul>
 * Errors use Anthropic's envelope {@code {"type":"error","error":{"type":…,"message":…}}} with its
 * error types; Anthropic has no 409, so conflicts (already a member, last admin, default workspace)
 * are {@code invalid_request_error} 400, and every 403 (insufficient authority, outranked, an
 * organization admin the {@code anthropicAdmin()} rules protect) is {@code permission_error}. Roles
 * are Anthropic's five names exactly ({@code workspace_user}, {@code workspace_developer},
 * {@code workspace_restricted_developer}, {@code workspace_admin}, {@code workspace_billing}); adding
 * a member as {@code workspace_billing} is refused, as Anthropic documents. The organization's own
 * users and invites are {@link AnthropicOrganizationApi}'s, behind the same key check
 * ({@link #authenticated(Credentials, Request, KeyHandler)}) and page parameters ({@link #page(Request)}).
 *
 * <p>Stateless apart from its collaborators; thread-safe.
 */
final class AnthropicApi {
    static final Dialect DIALECT = new AnthropicDialect();
    private static final String BASE = "/v1/organizations/workspaces/{workspace_id}/members";
    /** The versions Anthropic documents; any other is refused as Anthropic's API refuses it. */
    private static final Set<String> VERSIONS = Set.of("2023-06-01", "2023-01-01");

    private final Credentials credentials;
    private final Engines engines;

    AnthropicApi(Credentials credentials, Engines engines) {
        this.credentials = credentials;
        this.engines = engines;
    }

    void register(Routes routes) {
        routes.prefix("/v1/", DIALECT)
                .add("GET", BASE, DIALECT, r -> authenticated(r, this::list))
                .add("POST", BASE, DIALECT, r -> authenticated(r, this::add))
                .add("GET", BASE + "/{user_id}", DIALECT, r -> authenticated(r, this::get))
                .add("POST", BASE + "/{user_id}", DIALECT, r -> authenticated(r, this::update))
                .add("DELETE", BASE + "/{user_id}", DIALECT, r -> authenticated(r, this::delete));
    }

    /** Answers a request whose admin key and version have been checked. */
    interface KeyHandler {
        Response handle(Request request, Actor key);
    }

    /*
     * The seed document names x-api-key; Anthropic's current SDKs send the same admin key as
     * "Authorization: Bearer <key>" and no x-api-key. Either header carries the key and both go
     * through the one check below, so a wrong key is refused alike whichever header brought it. A
     * request that sends two different keys is refused too: choosing one would let a proxy's or a
     * client's stale header decide who is asking.
     */

    private Response authenticated(Request request, KeyHandler handler) {
        return authenticated(credentials, request, handler);
    }

    /**
     * Checks the admin key and {@code anthropic-version} of a request to any of Anthropic's endpoints.
     *
     * @return the handler's answer if the key is an organization's admin key and the version one
     *         Anthropic documents; else the 401 or 400 Anthropic answers
     */
    static Response authenticated(Credentials credentials, Request request, KeyHandler handler) {
        Optional<String> apiKey = request.header("x-api-key").map(String::strip).filter(k -> !k.isEmpty());
        Optional<String> bearer = request.bearerToken();
        if (apiKey.isEmpty() && bearer.isEmpty()) {
            return DIALECT.unauthenticated(true);
        }
        if (apiKey.isPresent() && bearer.isPresent() && !apiKey.equals(bearer)) {
            return DIALECT.unauthenticated(false);
        }
        Optional<Actor> actor = apiKey.or(() -> bearer).flatMap(credentials::resolve)
                .filter(a -> a instanceof Actor.OrganizationKey);
        if (actor.isEmpty()) {
            return DIALECT.unauthenticated(false);
        }
        Optional<String> version = request.header("anthropic-version").map(String::strip);
        if (version.isEmpty()) {
            return error(400, "invalid_request_error", "anthropic-version: header is required");
        }
        if (!VERSIONS.contains(version.get())) {
            return error(400, "invalid_request_error", "anthropic-version: must be one of 2023-06-01, 2023-01-01");
        }
        return handler.handle(request, actor.get());
    }

    private Response list(Request request, Actor key) {
        WorkspaceId workspace = WorkspaceId.of(request.param("workspace_id"));
        PageRequest page = page(request);
        Outcome<Page<WorkspaceMember>> outcome = engines.anthropic().execute(key,
                new Command.ListWorkspaceMembers(workspace, page));
        if (outcome instanceof Outcome.Refused<Page<WorkspaceMember>> refused) {
            return DIALECT.refusal(refused.why());
        }
        Page<WorkspaceMember> result = outcome.orElseThrow();
        List<Member> data = new ArrayList<>();
        result.items().forEach(m -> data.add(Member.of(m)));
        return Response.json(200, Json.write(new MemberPage(data, result.hasMore(), result.firstId().orElse(null),
                result.lastId().orElse(null))));
    }

    /**
     * @return the page that the {@code after_id}, {@code before_id} and {@code limit} query parameters of
     *         one of Anthropic's list endpoints ask for (limit 1-1000, default 20)
     * @throws InvalidInputException naming the parameter that is not an integer, out of range or not an id
     */
    static PageRequest page(Request request) {
        int limit = PageRequest.DEFAULT_LIMIT;
        Optional<String> rawLimit = request.queryParam("limit");
        if (rawLimit.isPresent()) {
            String v = rawLimit.get();
            if (v.isEmpty() || v.length() > 9 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new InvalidInputException("limit", "limit must be an integer between 1 and 1000");
            }
            limit = Integer.parseInt(v);
        }
        return new PageRequest(request.queryParam("after_id"), request.queryParam("before_id"), limit);
    }

    private Response add(Request request, Actor key) {
        WorkspaceId workspace = WorkspaceId.of(request.param("workspace_id"));
        AddMember body = Json.read(request.body(), AddMember.class);
        UserId user = UserId.of(Json.required("user_id", body.userId()));
        WorkspaceRole role = role(Json.required("workspace_role", body.workspaceRole()), false);
        return answer(engines.anthropic().execute(key, new Command.AddWorkspaceMember(workspace, user, role)));
    }

    private Response get(Request request, Actor key) {
        return answer(engines.anthropic().execute(key, new Command.GetWorkspaceMember(
                WorkspaceId.of(request.param("workspace_id")), UserId.of(request.param("user_id")))));
    }

    private Response update(Request request, Actor key) {
        WorkspaceId workspace = WorkspaceId.of(request.param("workspace_id"));
        UserId user = UserId.of(request.param("user_id"));
        UpdateMember body = Json.read(request.body(), UpdateMember.class);
        WorkspaceRole role = role(Json.required("workspace_role", body.workspaceRole()), true);
        return answer(engines.anthropic().execute(key, new Command.ChangeWorkspaceRole(workspace, user, role)));
    }

    private Response delete(Request request, Actor key) {
        WorkspaceId workspace = WorkspaceId.of(request.param("workspace_id"));
        UserId user = UserId.of(request.param("user_id"));
        Outcome<WorkspaceMember> outcome = engines.anthropic().execute(key,
                new Command.RemoveWorkspaceMember(workspace, user, "via admin API"));
        if (outcome instanceof Outcome.Refused<WorkspaceMember> refused) {
            return DIALECT.refusal(refused.why());
        }
        return Response.json(200, Json.write(new MemberDeleted("workspace_member_deleted", user.value(), workspace.value())));
    }

    private static Response answer(Outcome<WorkspaceMember> outcome) {
        if (outcome instanceof Outcome.Refused<WorkspaceMember> refused) {
            return DIALECT.refusal(refused.why());
        }
        return Response.json(200, Json.write(Member.of(outcome.orElseThrow())));
    }

    /** Anthropic's role names, exactly as its documents spell them; the library's names are not Anthropic's. */
    private static final Map<String, WorkspaceRole> ROLES = roles();
    private static final String ADD_ROLES = "workspace_role must be one of: workspace_user, workspace_developer,"
            + " workspace_restricted_developer, workspace_admin";
    private static final String UPDATE_ROLES = ADD_ROLES + ", workspace_billing";

    private static Map<String, WorkspaceRole> roles() {
        Map<String, WorkspaceRole> roles = new LinkedHashMap<>();
        for (WorkspaceRole role : WorkspaceRole.values()) {
            roles.put(roleName(role), role);
        }
        return Map.copyOf(roles);
    }

    static String roleName(WorkspaceRole role) {
        return "workspace_" + role.name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param update whether the role is for Update Workspace Member, which may set {@code workspace_billing};
     *               Add Workspace Member documents that its role "cannot be workspace_billing"
     * @throws InvalidInputException naming workspace_role for any other value, in Anthropic's names
     */
    private static WorkspaceRole role(String value, boolean update) {
        WorkspaceRole role = ROLES.get(value);
        if (role == WorkspaceRole.BILLING && !update) {
            throw new InvalidInputException("workspace_role", "workspace_role cannot be workspace_billing");
        }
        if (role == null) {
            throw new InvalidInputException("workspace_role", update ? UPDATE_ROLES : ADD_ROLES);
        }
        return role;
    }

    static Response error(int status, String type, String message) {
        return Response.json(status, Json.write(new ErrorEnvelope("error", new ErrorDetail(type, message))));
    }

    /** Add Workspace Member's body. */
    record AddMember(String userId, String workspaceRole) {}

    /** Update Workspace Member's body. */
    record UpdateMember(String workspaceRole) {}

    /** Anthropic's WorkspaceMember object. */
    record Member(String type, String userId, String workspaceId, String workspaceRole) {
        static Member of(WorkspaceMember m) {
            return new Member("workspace_member", m.user().value(), m.workspace().value(), roleName(m.role()));
        }
    }

    /** A page of List Workspace Members; the ids are null on an empty page. */
    record MemberPage(List<Member> data, boolean hasMore, String firstId, String lastId) {}

    /** Delete Workspace Member's answer. */
    record MemberDeleted(String type, String userId, String workspaceId) {}

    /** Anthropic's error envelope. */
    record ErrorEnvelope(String type, ErrorDetail error) {}

    /** What went wrong, with one of Anthropic's error types. */
    record ErrorDetail(String type, String message) {}

    private static final class AnthropicDialect implements Dialect {
        @Override
        public Response refusal(Refusal refusal) {
            switch (refusal.status()) {
                case 401:
                    return error(401, "authentication_error", refusal.message());
                case 403:
                    return error(403, "permission_error", refusal.message());
                case 404:
                    return error(404, "not_found_error", refusal.message());
                default:
                    return error(400, "invalid_request_error", refusal.message());
            }
        }

        @Override
        public Response unauthenticated(boolean missing) {
            return error(401, "authentication_error", missing ? "x-api-key header is required" : "invalid x-api-key");
        }

        @Override
        public Response invalidInput(InvalidInputException e) {
            return error(400, "invalid_request_error", e.getMessage());
        }

        @Override
        public Response badRequest(String message) {
            return error(400, "invalid_request_error", message);
        }

        @Override
        public Response noRoute() {
            return error(404, "not_found_error", "Not found");
        }

        @Override
        public Response methodNotAllowed(String method, Set<String> allowed) {
            return error(405, "invalid_request_error", "Method " + method + " not allowed");
        }

        @Override
        public Response tooLarge(int limit) {
            return error(413, "request_too_large", "Request exceeds the maximum allowed number of bytes");
        }

        @Override
        public Response unreadable(int status, String message) {
            return error(status, status == 408 ? "timeout_error" : "invalid_request_error", message);
        }

        @Override
        public Response overloaded() {
            return error(529, "overloaded_error", "Overloaded");
        }

        @Override
        public Response serverError() {
            return error(500, "api_error", "Internal server error");
        }
    }
}
