package org.membership.tck.support;

import static org.membership.api.WorkspaceRole.ADMIN;
import static org.membership.api.WorkspaceRole.USER;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.membership.api.OrganizationRole;
import org.membership.api.WorkspaceRole;
import org.membership.tck.World;

/**
 * Short builders of {@link World.Spec}s, for the worlds the rule contracts build, and the worlds
 * more than one rule group uses.
 */
public final class Specs {
    private Specs() {}

    public static World.Spec spec(List<World.Org> organizations, List<String> pending, List<String> disabled,
                                   List<String> instanceAdmins) {
        return new World.Spec(organizations, pending, disabled, instanceAdmins, List.of());
    }

    public static World.Org org(String name, List<String> admins, List<String> members, List<World.Ws> workspaces,
                                 List<World.Invite> invitations) {
        return new World.Org(name, admins, members, workspaces, invitations);
    }

    public static World.Ws ws(String name, World.Seat... seats) {
        return new World.Ws(name, Arrays.asList(seats));
    }

    public static World.Seat seat(String user, WorkspaceRole role) {
        return new World.Seat(user, role);
    }

    public static World.Spec append(World.Spec spec, String organization, String admin) {
        List<World.Org> organizations = new ArrayList<>(spec.organizations());
        organizations.add(org(organization, List.of(admin), List.of(), List.of(), List.of()));
        return new World.Spec(organizations, spec.pendingUsers(), spec.disabledUsers(), spec.instanceAdmins(),
                spec.disabledMembers(), spec.unvalidatedMembers());
    }

    public static List<String> append(List<String> list, String value) {
        List<String> out = new ArrayList<>(list);
        out.add(value);
        return out;
    }

    /**
     * Two organizations: acme (admin a, members m and wa, custom workspace aw with wa as admin and m,
     * an invitation for own@x.com) and other (admin z, member y, workspace zw, an admin invitation for
     * Foreign@X.com). Rule 3's world: what is other's must answer like what does not exist.
     *
     * @return the world's spec
     */
    public static World.Spec twoOrganizations() {
        return spec(List.of(
                        org("acme", List.of("a"), List.of("m", "wa"), List.of(ws("aw", seat("wa", ADMIN), seat("m", USER))),
                                List.of(new World.Invite("own@x.com", OrganizationRole.MEMBER))),
                        org("other", List.of("z"), List.of("y"), List.of(ws("zw", seat("z", ADMIN), seat("y", USER))),
                                List.of(new World.Invite("Foreign@X.com", OrganizationRole.ADMIN)))),
                List.of(), List.of(), List.of());
    }

}
