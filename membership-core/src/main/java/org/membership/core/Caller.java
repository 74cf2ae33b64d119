package org.membership.core;

import java.util.Optional;
import org.membership.api.Actor;
import org.membership.api.OrganizationId;
import org.membership.api.User;
import org.membership.api.UserId;
import org.membership.api.WorkspaceId;
import org.membership.core.spi.WorkspaceStanding;

/**
 * An actor that passed authentication, with what its authority depends on.
 *
 * @param actor the actor as the host named it
 * @param user the user behind a user actor; empty for a key
 * @param keyOrganization the organization of an organization key; empty otherwise
 * @param instance whether the actor has instance-wide authority
 * @param standing for a user acting on a workspace, its standing there, read with its account when it was
 *                 authenticated (before any lock); empty otherwise
 */
record Caller(Actor actor, Optional<User> user, Optional<OrganizationId> keyOrganization, boolean instance,
              Optional<StandingIn> standing) {

    /**
     * A user's standing in the workspace its command names, read with its account.
     *
     * @param workspace the workspace asked about
     * @param read what the store answered
     */
    record StandingIn(WorkspaceId workspace, WorkspaceStanding read) {}

    static Caller ofUser(Actor actor, User user) {
        return new Caller(actor, Optional.of(user), Optional.empty(), user.instanceAdmin(), Optional.empty());
    }

    static Caller ofUser(Actor actor, User user, WorkspaceId workspace, WorkspaceStanding standing) {
        return new Caller(actor, Optional.of(user), Optional.empty(), user.instanceAdmin(),
                Optional.of(new StandingIn(workspace, standing)));
    }

    static Caller ofOrganizationKey(Actor actor, OrganizationId organization) {
        return new Caller(actor, Optional.empty(), Optional.of(organization), false, Optional.empty());
    }

    static Caller ofInstanceKey(Actor actor) {
        return new Caller(actor, Optional.empty(), Optional.empty(), true, Optional.empty());
    }

    /** @return the standing read at authentication, if it was read for this workspace */
    Optional<WorkspaceStanding> standingIn(WorkspaceId workspace) {
        return standing.isPresent() && standing.get().workspace().equals(workspace)
                ? Optional.of(standing.get().read()) : Optional.empty();
    }

    boolean is(UserId id) {
        return user.map(u -> u.id().equals(id)).orElse(false);
    }
}
