package org.membership.core;

import java.util.Optional;
import org.membership.api.Actor;
import org.membership.api.OrganizationId;
import org.membership.api.User;
import org.membership.api.UserId;

/**
 * An actor that passed authentication, with what its authority depends on.
 *
 * @param actor the actor as the host named it
 * @param user the user behind a user actor; empty for a key
 * @param keyOrganization the organization of an organization key; empty otherwise
 * @param instance whether the actor has instance-wide authority
 */
record Caller(Actor actor, Optional<User> user, Optional<OrganizationId> keyOrganization, boolean instance) {

    static Caller ofUser(Actor actor, User user) {
        return new Caller(actor, Optional.of(user), Optional.empty(), user.instanceAdmin());
    }

    static Caller ofOrganizationKey(Actor actor, OrganizationId organization) {
        return new Caller(actor, Optional.empty(), Optional.of(organization), false);
    }

    static Caller ofInstanceKey(Actor actor) {
        return new Caller(actor, Optional.empty(), Optional.empty(), true);
    }

    boolean is(UserId id) {
        return user.map(u -> u.id().equals(id)).orElse(false);
    }
}
