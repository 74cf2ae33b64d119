package org.membership.spring.autoconfigure;

import org.membership.api.Actor;
import org.membership.api.Command;
import org.membership.api.Email;
import org.membership.api.Membership;
import org.membership.api.Organization;
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationRole;
import org.membership.api.Outcome;
import org.membership.api.User;
import org.membership.api.UserId;
import org.membership.api.UserStatus;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceMember;
import org.membership.api.WorkspaceRole;

/**
 * A small organization made through the library itself: alice administers it and its custom
 * workspace "Design", where bob is a developer. Every id carries a tag, so that worlds of different
 * tests share one store without meeting. Immutable.
 */
record World(UserId alice, UserId bob, OrganizationId organization, WorkspaceId design) {
    static final Actor ROOT = Actor.instanceKey("tests");

    static World create(Membership membership, String tag) {
        UserId alice = UserId.of("alice-" + tag);
        UserId bob = UserId.of("bob-" + tag);
        for (UserId user : new UserId[] {alice, bob}) {
            ok(membership.execute(ROOT, new Command.RegisterUser(
                    new User(user, Email.of(user.value() + "@example.com"), UserStatus.VALIDATED, false))));
        }
        Organization acme = ok(membership.execute(ROOT, new Command.CreateOrganization("Acme " + tag, alice)));
        var invitation = ok(membership.execute(ROOT, new Command.InviteToOrganization(acme.id(),
                Email.of(bob.value() + "@example.com"), OrganizationRole.MEMBER)));
        ok(membership.execute(Actor.user(bob), new Command.AcceptInvitation(invitation.id())));
        WorkspaceId design = ok(membership.execute(Actor.user(alice),
                new Command.CreateWorkspace(acme.id(), "Design"))).id();
        ok(membership.execute(Actor.user(alice), new Command.AddWorkspaceMember(design, alice, WorkspaceRole.ADMIN)));
        ok(membership.execute(Actor.user(alice), new Command.AddWorkspaceMember(design, bob, WorkspaceRole.DEVELOPER)));
        return new World(alice, bob, acme.id(), design);
    }

    Outcome<WorkspaceMember> removeBob(Membership membership) {
        return membership.execute(Actor.user(alice), new Command.RemoveWorkspaceMember(design, bob, "project closed"));
    }

    boolean bobInDesign(Membership membership) {
        return membership.execute(Actor.user(alice), new Command.GetWorkspaceMember(design, bob)).succeeded();
    }

    static <R> R ok(Outcome<R> outcome) {
        return outcome.orElseThrow(refusal -> new AssertionError(outcome.refusal().orElseThrow()));
    }
}
