package org.membership.examples.http;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.membership.api.Actor;
import org.membership.api.OrganizationId;
import org.membership.api.UserId;

/**
 * The host's credentials: opaque bearer tokens and API keys, each naming the {@link Actor} it
 * authenticates. A credential says only <em>who</em> is asking; what that actor may do is decided
 * by the library on every request, from the store, so a token never carries stale rights.
 *
 * <p>Credentials live in memory: after a restart on a durable store, mint new ones through the
 * admin endpoints (the demo's fixed credentials are registered again at every start).
 *
 * <p>Thread-safe.
 */
final class Credentials {
    private final Map<String, Actor> byToken = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final AtomicLong keyNames = new AtomicLong();

    /** @return the actor a token or key authenticates */
    Optional<Actor> resolve(String token) {
        return Optional.ofNullable(byToken.get(token));
    }

    /** Registers a credential chosen by the operator (the instance key, the demo's tokens). */
    void register(String token, Actor actor) {
        byToken.put(token, actor);
    }

    /** @return a new bearer token for the user */
    String issueUserToken(UserId user) {
        String token = "tok_" + secret();
        byToken.put(token, Actor.user(user));
        return token;
    }

    /** @return a new admin API key for the organization */
    String issueOrganizationKey(OrganizationId organization) {
        String key = "key_" + secret();
        byToken.put(key, Actor.organizationKey(organization, "admin-key-" + keyNames.incrementAndGet()));
        return key;
    }

    /** Forgets every token of the user (used when its account is disabled). */
    void revokeUser(UserId user) {
        byToken.values().removeIf(a -> a instanceof Actor.UserActor u && u.id().equals(user));
    }

    String secret() {
        byte[] bytes = new byte[20];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
