package org.membership.examples.http;

import java.util.Optional;
import java.util.Set;
import org.membership.api.Actor;
import org.membership.api.Command;
import org.membership.api.InvalidInputException;
import org.membership.api.Membership;
import org.membership.api.Outcome;
import org.membership.api.Reason;
import org.membership.api.Refusal;
import org.membership.api.UserId;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceMember;

/**
 * Paradigm's two removal endpoints (P1, P2): {@code DELETE /api/v3/company/…} for company admins or
 * higher, {@code DELETE /api/v3/instance/…} for instance admins, both with a bearer token, integer
 * ids and 204 / 401 / 403 / 404.
 *
 * <p>Paradigm documents no bodies; this host answers errors the way its framework does,
 * {@code {"detail":"…"}}. Every 404 has the same body, so an id that is not an integer, a missing
 * workspace, another company's workspace and a user who is not a member are indistinguishable.
 * Paradigm documents no 400 or 409: an unvalidated account, the last admin of a workspace and a
 * default workspace are refusals to modify, answered 403 with the library's message.
 *
 * <p>Stateless apart from its collaborators; thread-safe.
 */
final class ParadigmApi {
    static final Dialect DIALECT = new ParadigmDialect();
    private static final Response NOT_FOUND = Response.json(404, detail("Not found."));

    private final Credentials credentials;
    private final Engines engines;

    ParadigmApi(Credentials credentials, Engines engines) {
        this.credentials = credentials;
        this.engines = engines;
    }

    void register(Routes routes) {
        routes.prefix("/api/v3/", DIALECT)
                .add("DELETE", "/api/v3/company/workspaces/{id}/members/users/{user_id}", DIALECT,
                        r -> remove(r, engines.paradigmCompany(), "paradigm company API"))
                .add("DELETE", "/api/v3/instance/workspaces/{id}/members/users/{user_id}", DIALECT,
                        r -> remove(r, engines.paradigmInstance(), "paradigm instance API"));
    }

    private Response remove(Request request, Membership membership, String via) {
        Optional<String> token = request.bearerToken();
        if (token.isEmpty()) {
            return DIALECT.unauthenticated(true);
        }
        Optional<Actor> actor = token.flatMap(credentials::resolve);
        if (actor.isEmpty()) {
            return DIALECT.unauthenticated(false);
        }
        String workspace = request.param("id");
        String user = request.param("user_id");
        if (!Engines.isInteger(workspace) || !Engines.isInteger(user)) {
            return NOT_FOUND;
        }
        Outcome<WorkspaceMember> outcome = membership.execute(actor.get(),
                new Command.RemoveWorkspaceMember(WorkspaceId.of(workspace), UserId.of(user), "via " + via));
        return outcome instanceof Outcome.Refused<WorkspaceMember> refused
                ? DIALECT.refusal(refused.why())
                : Response.noContent();
    }

    static String detail(String message) {
        return Json.write(new Detail(message));
    }

    /** The body of every error, as Paradigm's framework writes it. */
    record Detail(String detail) {}

    private static final class ParadigmDialect implements Dialect {
        @Override
        public Response refusal(Refusal refusal) {
            switch (refusal.status()) {
                case 401:
                    return unauthenticated(false);
                case 404:
                    return NOT_FOUND;
                default:
                    return Response.json(403, detail(refusal.reason() == Reason.INSUFFICIENT_AUTHORITY
                            ? "You do not have permission to perform this action." : refusal.message()));
            }
        }

        @Override
        public Response unauthenticated(boolean missing) {
            return Response.json(401, detail(missing ? "Authentication credentials were not provided." : "Invalid token."))
                    .withHeader("WWW-Authenticate", "Bearer");
        }

        @Override
        public Response invalidInput(InvalidInputException e) {
            return NOT_FOUND;
        }

        @Override
        public Response badRequest(String message) {
            return Response.json(400, detail(message));
        }

        @Override
        public Response noRoute() {
            return NOT_FOUND;
        }

        @Override
        public Response methodNotAllowed(String method, Set<String> allowed) {
            return Response.json(405, detail("Method \"" + method + "\" not allowed."));
        }

        @Override
        public Response tooLarge(int limit) {
            return Response.json(413, detail("Request body is larger than " + limit + " bytes."));
        }

        @Override
        public Response unreadable(int status, String message) {
            return Response.json(status, detail(message));
        }

        @Override
        public Response overloaded() {
            return Response.json(503, detail("Service temporarily unavailable, try again later."));
        }

        @Override
        public Response serverError() {
            return Response.json(500, detail("A server error occurred."));
        }
    }
}
