package org.membership.tck.support;

import java.util.List;
import org.membership.api.Actor;
import org.membership.api.Command;
import org.membership.api.Invitation;
import org.membership.api.Memberships;
import org.membership.api.PageRequest;
import org.membership.tck.World;

/** Reads of a world's state through the library itself, as an instance key that observes and never acts. */
public final class Reads {
    /** The actor the rule contracts read state as. */
    public static final Actor OBSERVER = Actor.instanceKey("rules-observer");

    private Reads() {}

    public static Memberships memberships(World w, String user) {
        return w.membership().execute(OBSERVER, new Command.ListMemberships(w.user(user))).orElseThrow();
    }

    public static List<Invitation> invitations(World w, String organization) {
        return w.membership().execute(OBSERVER, new Command.ListInvitations(w.organization(organization),
                PageRequest.first(PageRequest.MAX_LIMIT))).orElseThrow().items();
    }
}
