package org.membership.examples.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.membership.api.Actor;
import org.membership.api.Command;
import org.membership.api.Email;
import org.membership.api.InvalidInputException;
import org.membership.api.Memberships;
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationMember;
import org.membership.api.OrganizationUserRemoval;
import org.membership.api.Outcome;
import org.membership.api.Reason;
import org.membership.api.Refusal;

/**
 * Factory's removal by email (X), {@code DELETE /api/v0/organization/users?email=…} with a bearer
 * token: an organization admin's user token, or an organization admin key. The organization is the
 * caller's: the key's own, or the one organization the user belongs to. 204 on success; errors
 * as Factory documents them, {@code {"detail","status","title","metadata"}} and nothing else
 * ({@code metadata.code} carries the library's reason code).
 *
 * <p>Stateless apart from its collaborators; thread-safe.
 */
final class FactoryApi {
    static final Dialect DIALECT = new FactoryDialect();

    private final Credentials credentials;
    private final Engines engines;

    FactoryApi(Credentials credentials, Engines engines) {
        this.credentials = credentials;
        this.engines = engines;
    }

    void register(Routes routes) {
        routes.prefix("/api/v0/", DIALECT)
                .add("DELETE", "/api/v0/organization/users", DIALECT, this::remove);
    }

    private Response remove(Request request) {
        Optional<String> token = request.bearerToken();
        if (token.isEmpty()) {
            return DIALECT.unauthenticated(true);
        }
        Optional<Actor> actor = token.flatMap(credentials::resolve);
        if (actor.isEmpty()) {
            return DIALECT.unauthenticated(false);
        }
        Email email = Email.of(request.queryParam("email")
                .orElseThrow(() -> new InvalidInputException("email", "email is required")));
        Organization organization = organizationOf(actor.get());
        if (organization.refusal != null) {
            return DIALECT.refusal(organization.refusal);
        }
        Outcome<OrganizationUserRemoval> outcome = engines.factory().execute(actor.get(),
                new Command.RemoveOrganizationUser(organization.id, email, "via factory API"));
        return outcome instanceof Outcome.Refused<OrganizationUserRemoval> refused
                ? DIALECT.refusal(refused.why())
                : Response.noContent();
    }

    private record Organization(OrganizationId id, Refusal refusal) {}

    private Organization organizationOf(Actor actor) {
        if (actor instanceof Actor.OrganizationKey key) {
            return new Organization(key.organization(), null);
        }
        if (actor instanceof Actor.UserActor user) {
            Outcome<Memberships> outcome = engines.factory().execute(actor, new Command.ListMemberships(user.id()));
            if (outcome instanceof Outcome.Refused<Memberships> refused) {
                return new Organization(null, refused.why());
            }
            List<OrganizationMember> organizations = outcome.orElseThrow().organizations();
            if (organizations.size() == 1) {
                return new Organization(organizations.get(0).organization(), null);
            }
        }
        return new Organization(null, new Refusal(Reason.INSUFFICIENT_AUTHORITY,
                "The caller does not act for exactly one organization; use an organization admin key",
                Optional.empty()));
    }

    static Response problem(int status, String title, String detail, Optional<String> code, Optional<String> field) {
        Map<String, String> metadata = new LinkedHashMap<>();
        code.ifPresent(c -> metadata.put("code", c));
        field.ifPresent(f -> metadata.put("field", f));
        return Response.json(status, Json.write(new Problem(detail, status, title, metadata)));
    }

    /** Factory's error body: exactly the members its document allows, the library's reason code in metadata. */
    record Problem(String detail, int status, String title, Map<String, String> metadata) {}

    private static final class FactoryDialect implements Dialect {
        @Override
        public Response refusal(Refusal refusal) {
            return problem(refusal.status(), refusal.reason().title(), refusal.message(),
                    Optional.of(refusal.code()), refusal.field());
        }

        @Override
        public Response unauthenticated(boolean missing) {
            return problem(401, "Unauthorized", missing ? "A bearer token is required" : "The bearer token is not valid",
                    Optional.of(Reason.UNAUTHENTICATED.code()), Optional.empty())
                    .withHeader("WWW-Authenticate", "Bearer");
        }

        @Override
        public Response invalidInput(InvalidInputException e) {
            return refusal(e.refusal());
        }

        @Override
        public Response badRequest(String message) {
            return problem(400, "Bad Request", message, Optional.of(Reason.INVALID_INPUT.code()), Optional.empty());
        }

        @Override
        public Response noRoute() {
            return problem(404, "Not Found", "No such endpoint", Optional.empty(), Optional.empty());
        }

        @Override
        public Response methodNotAllowed(String method, Set<String> allowed) {
            return problem(405, "Method Not Allowed", "Method " + method + " is not allowed here",
                    Optional.empty(), Optional.empty());
        }

        @Override
        public Response tooLarge(int limit) {
            return problem(413, "Content Too Large", "The request body is larger than " + limit + " bytes",
                    Optional.empty(), Optional.empty());
        }

        @Override
        public Response unreadable(int status, String message) {
            return problem(status, Titles.of(status), message, Optional.empty(), Optional.empty());
        }

        @Override
        public Response overloaded() {
            return problem(503, "Service Unavailable", "Too many requests at once; try again later",
                    Optional.empty(), Optional.empty());
        }

        @Override
        public Response serverError() {
            return problem(500, "Internal Server Error", "Failed to remove the user", Optional.empty(), Optional.empty());
        }
    }
}
