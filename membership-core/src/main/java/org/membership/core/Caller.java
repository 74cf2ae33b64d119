package org.membership.core;

import org.membership.api.Actor;
import org.membership.api.OrganizationId;
import org.membership.api.User;
import org.membership.api.UserId;

/**
 * An actor that passed authentication, with what its authority depends on.
 *
 * @param actor the actor as the host named it
 * @param user the user behind a user actor, else null
 * @param keyOrganization the organization of an organization key, else null
 * @param instance whether the actor has instance-wide authority
 */
record Caller(Actor actor, User user, OrganizationId keyOrganization, boolean instance) {

    boolean is(UserId id) {
        return user != null && user.id().equals(id);
    }
}
