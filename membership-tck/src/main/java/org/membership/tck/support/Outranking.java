package org.membership.tck.support;

import static org.membership.api.WorkspaceRole.ADMIN;
import static org.membership.api.WorkspaceRole.USER;
import static org.membership.tck.support.Specs.org;
import static org.membership.tck.support.Specs.seat;
import static org.membership.tck.support.Specs.spec;
import static org.membership.tck.support.Specs.ws;

import java.util.List;
import org.membership.api.Actor;
import org.membership.api.AuthorityLevel;
import org.membership.api.WorkspaceRole;
import org.membership.tck.World;

/**
 * Rule 2's world, which several rule groups use: acme with organization admins oa and oa2, and in its
 * custom workspace ws the workspace admins wa and wa2, a member m, oa and the instance admin ia in the
 * roles given; and the actors by name ("key" is acme's key, "instance key" an instance key).
 */
public final class Outranking {
    private static final Actor INSTANCE_KEY = Actor.instanceKey("ops");

    private Outranking() {}

    public static World.Spec outrankingWorld(WorkspaceRole oaRole, WorkspaceRole iaRole) {
        return spec(List.of(org("acme", List.of("oa", "oa2"), List.of("wa", "wa2", "m", "ia"),
                        List.of(ws("ws", seat("wa", ADMIN), seat("wa2", ADMIN), seat("m", USER),
                                seat("oa", oaRole), seat("ia", iaRole))), List.of())),
                List.of(), List.of(), List.of("ia"));
    }

    public static AuthorityLevel levelInOutrankingWorld(String who, boolean organizationScope) {
        return switch (who) {
            case "wa", "wa2" -> organizationScope ? AuthorityLevel.MEMBER : AuthorityLevel.WORKSPACE_ADMIN;
            case "m" -> AuthorityLevel.MEMBER;
            case "oa", "oa2", "key" -> AuthorityLevel.ORGANIZATION_ADMIN;
            default -> AuthorityLevel.INSTANCE_ADMIN; // ia, instance key
        };
    }

    public static Actor outrankingActor(World w, String who) {
        return switch (who) {
            case "key" -> Actor.organizationKey(w.organization("acme"), "key");
            case "instance key" -> INSTANCE_KEY;
            default -> Actor.user(w.user(who));
        };
    }
}
