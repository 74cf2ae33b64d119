package org.membership.examples.http;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.membership.api.Actor;
import org.membership.api.AuthorityLevel;
import org.membership.api.Command;
import org.membership.api.InvalidInputException;
import org.membership.api.Outcome;
import org.membership.api.Reason;
import org.membership.api.Refusal;
import org.membership.api.UserId;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceMember;
import org.membership.api.WorkspaceRole;

/**
 * Flashback's removal endpoint (F), {@code DELETE /workspace/{id}/users/{userId}} with a bearer
 * token: 200 {@code {"success":true}}, errors as {@code {"success":false,"message":…}} with the
 * documented messages — 400 for a caller that is unknown, disabled or not validated (a missing or
 * unknown token included), 403 for insufficient rights, 404 when the target is not in the workspace
 * (or the workspace is absent, malformed, or another organization's: all one answer), 500 when the
 * store fails. Flashback documents no 409: the last admin and a default workspace are answered 403
 * with the library's message, as is self-removal.
 *
 * <p>Also {@code GET /workspace/{id}/access}, this host's own check "may this token use this
 * workspace?", answered from the {@link AccessCache} that removal events empty — the check a real
 * host runs on every request to the workspace. An explicit member gets its role; an organization or
 * instance admin who is no member gets {@code admin}, the authority it holds in every workspace of
 * the organization.
 *
 * <p>Stateless apart from its collaborators; thread-safe.
 */
final class FlashbackApi {
    static final Dialect DIALECT = new FlashbackDialect();
    static final String NOT_VALIDATED = "User not found or account is not validated";
    static final String INSUFFICIENT = "Insufficient permissions to manage workspace users";
    static final String NOT_IN_WORKSPACE = "User not found in workspace";
    static final String FAILED = "Failed to remove user from workspace";
    static final String NO_ACCESS = "No access to this workspace";

    private final Credentials credentials;
    private final Engines engines;
    private final AccessCache access;

    FlashbackApi(Credentials credentials, Engines engines, AccessCache access) {
        this.credentials = credentials;
        this.engines = engines;
        this.access = access;
    }

    void register(Routes routes) {
        routes.prefix("/workspace/", DIALECT)
                .add("DELETE", "/workspace/{id}/users/{userId}", DIALECT, this::remove)
                .add("GET", "/workspace/{id}/access", DIALECT, this::access);
    }

    private Optional<Actor.UserActor> caller(Request request) {
        return request.bearerToken().flatMap(credentials::resolve)
                .filter(a -> a instanceof Actor.UserActor).map(a -> (Actor.UserActor) a);
    }

    private Response remove(Request request) {
        Optional<Actor.UserActor> caller = caller(request);
        if (caller.isEmpty()) {
            return DIALECT.unauthenticated(request.bearerToken().isEmpty());
        }
        Optional<WorkspaceId> workspace = id(request.param("id")).map(WorkspaceId::of);
        Optional<UserId> user = id(request.param("userId")).map(UserId::of);
        if (workspace.isEmpty() || user.isEmpty()) {
            return failure(404, NOT_IN_WORKSPACE);
        }
        Outcome<WorkspaceMember> outcome = engines.flashback().execute(caller.get(),
                new Command.RemoveWorkspaceMember(workspace.get(), user.get(), "via flashback API"));
        return outcome instanceof Outcome.Refused<WorkspaceMember> refused
                ? DIALECT.refusal(refused.why())
                : Response.json(200, Json.write(new Succeeded(true)));
    }

    private Response access(Request request) {
        Optional<Actor.UserActor> caller = caller(request);
        if (caller.isEmpty()) {
            return DIALECT.unauthenticated(request.bearerToken().isEmpty());
        }
        Optional<WorkspaceId> workspace = id(request.param("id")).map(WorkspaceId::of);
        if (workspace.isEmpty()) {
            return failure(404, NOT_IN_WORKSPACE);
        }
        UserId user = caller.get().id();
        Refusal[] refusal = new Refusal[1];
        Optional<AccessCache.Grant> grant = access.access(user, workspace.get(), () -> {
            Outcome<WorkspaceMember> outcome = engines.flashback().execute(caller.get(),
                    new Command.GetWorkspaceMember(workspace.get(), user));
            if (outcome instanceof Outcome.Refused<WorkspaceMember> refused) {
                if (refused.why().reason() == Reason.MEMBER_NOT_FOUND && holdsAdminAuthority(caller.get(), workspace.get())) {
                    return Optional.of(WorkspaceRole.ADMIN);
                }
                refusal[0] = refused.why();
                return Optional.empty();
            }
            WorkspaceMember member = outcome.orElseThrow();
            return Optional.of(member.role());
        });
        if (grant.isEmpty()) {
            return refusal[0].status() == 403 ? failure(403, NO_ACCESS) : DIALECT.refusal(refusal[0]);
        }
        return Response.json(200, Json.write(new Access(true, workspace.get().value(), user.value(),
                grant.get().role().name().toLowerCase(Locale.ROOT))));
    }

    /**
     * Whether the caller, though no explicit member, administers the workspace: an organization or
     * instance admin has admin authority in every workspace of the organization. The library is asked
     * its authority there rather than the rule restated here.
     */
    private boolean holdsAdminAuthority(Actor.UserActor caller, WorkspaceId workspace) {
        return engines.flashback().execute(caller, new Command.GetWorkspaceAuthority(workspace))
                .fold(authority -> authority.level().atLeast(AuthorityLevel.WORKSPACE_ADMIN), refusal -> false);
    }

    private static Optional<String> id(String raw) {
        try {
            return Optional.of(UserId.of(raw).value());
        } catch (InvalidInputException e) {
            return Optional.empty();
        }
    }

    static Response failure(int status, String message) {
        return Response.json(status, Json.write(new Failed(false, message)));
    }

    /** Flashback's 200 body. */
    record Succeeded(boolean success) {}

    /** Flashback's error body, for every status. */
    record Failed(boolean success, String message) {}

    /** This host's answer to "may this token use this workspace?". */
    record Access(boolean success, String workspaceId, String userId, String role) {}

    private static final class FlashbackDialect implements Dialect {
        @Override
        public Response refusal(Refusal refusal) {
            switch (refusal.status()) {
                case 400:
                case 401:
                    return failure(400, NOT_VALIDATED);
                case 404:
                    return failure(404, NOT_IN_WORKSPACE);
                default:
                    Reason reason = refusal.reason();
                    // Flashback documents one 403 body for missing rights; only self-removal says more.
                    return failure(403, reason == Reason.INSUFFICIENT_AUTHORITY || reason == Reason.OUTRANKED
                            || reason == Reason.ORGANIZATION_ADMIN_PROTECTED ? INSUFFICIENT : refusal.message());
            }
        }

        @Override
        public Response unauthenticated(boolean missing) {
            return failure(400, NOT_VALIDATED);
        }

        @Override
        public Response invalidInput(InvalidInputException e) {
            return failure(404, NOT_IN_WORKSPACE);
        }

        @Override
        public Response badRequest(String message) {
            return failure(400, message);
        }

        @Override
        public Response noRoute() {
            return failure(404, "Not found");
        }

        @Override
        public Response methodNotAllowed(String method, Set<String> allowed) {
            return failure(405, "Method not allowed");
        }

        @Override
        public Response tooLarge(int limit) {
            return failure(413, "Request body is larger than " + limit + " bytes");
        }

        @Override
        public Response unreadable(int status, String message) {
            return failure(status, message);
        }

        @Override
        public Response overloaded() {
            return failure(503, "Service unavailable, try again later");
        }

        @Override
        public Response serverError() {
            return failure(500, FAILED);
        }
    }
}
