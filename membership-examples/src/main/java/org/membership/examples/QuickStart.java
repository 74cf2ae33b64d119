package org.membership.examples;

import org.membership.api.Actor;
import org.membership.api.Command;
import org.membership.api.Email;
import org.membership.api.Membership;
import org.membership.api.MembershipEvent;
import org.membership.api.MembershipRules;
import org.membership.api.Organization;
import org.membership.api.OrganizationRole;
import org.membership.api.Outcome;
import org.membership.api.Presets;
import org.membership.api.User;
import org.membership.api.UserId;
import org.membership.api.UserStatus;
import org.membership.api.Workspace;
import org.membership.api.WorkspaceRole;
import org.membership.core.MembershipEngine;
import org.membership.inmemory.InMemoryStore;

/**
 * The README's example, runnable: builds a small organization, then shows a removal, a refused
 * self-removal, a last-admin conflict and a removal by email with its cascade, printing each
 * outcome as a host would answer it.
 */
public final class QuickStart {
    private QuickStart() {}

    /** @param args ignored */
    public static void main(String[] args) {
        Membership membership = MembershipEngine.builder(new InMemoryStore())
                .rules(Presets.flashback())
                .listener(event -> {
                    if (event instanceof MembershipEvent.WorkspaceMemberRemoved
                            || event instanceof MembershipEvent.OrganizationMemberRemoved) {
                        System.out.println("  event after commit: " + event);
                    }
                })
                .build();
        Actor root = Actor.instanceKey("quickstart");
        UserId alice = UserId.of("alice");
        UserId bob = UserId.of("bob");
        for (UserId id : new UserId[] {alice, bob}) {
            ok(membership.execute(root, new Command.RegisterUser(
                    new User(id, Email.of(id.value() + "@example.com"), UserStatus.VALIDATED, false))));
        }
        Organization acme = ok(membership.execute(root, new Command.CreateOrganization("Acme", alice)));
        var invitation = ok(membership.execute(root,
                new Command.InviteToOrganization(acme.id(), Email.of("Bob@Example.com"), OrganizationRole.MEMBER)));
        ok(membership.execute(Actor.user(bob), new Command.AcceptInvitation(invitation.id())));
        Workspace research = ok(membership.execute(Actor.user(alice), new Command.CreateWorkspace(acme.id(), "Research")));
        ok(membership.execute(Actor.user(alice), new Command.AddWorkspaceMember(research.id(), alice, WorkspaceRole.ADMIN)));
        ok(membership.execute(Actor.user(alice), new Command.AddWorkspaceMember(research.id(), bob, WorkspaceRole.DEVELOPER)));

        show("bob removes alice (a member removing an admin)", membership.execute(Actor.user(bob),
                new Command.RemoveWorkspaceMember(research.id(), alice)));
        show("alice removes herself", membership.execute(Actor.user(alice),
                new Command.RemoveWorkspaceMember(research.id(), alice)));
        show("dry run: may alice remove bob?", membership.check(Actor.user(alice),
                new Command.RemoveWorkspaceMember(research.id(), bob)).refusal()
                .map(r -> (Outcome<Object>) new Outcome.Refused<>(r)).orElse(new Outcome.Success<>("allowed")));
        show("alice removes bob", membership.execute(Actor.user(alice),
                new Command.RemoveWorkspaceMember(research.id(), bob, "left the project")));
        show("alice removes bob again", membership.execute(Actor.user(alice),
                new Command.RemoveWorkspaceMember(research.id(), bob)));
        show("an admin key removes alice, the last admin, by email", membership.execute(
                Actor.organizationKey(acme.id(), "ops"),
                new Command.RemoveOrganizationUser(acme.id(), Email.of("ALICE@example.com"))));
        show("an admin key removes bob by email", membership.execute(Actor.organizationKey(acme.id(), "ops"),
                new Command.RemoveOrganizationUser(acme.id(), Email.of("bob@example.com"), "offboarding")));
    }

    private static <R> R ok(Outcome<R> outcome) {
        return outcome.orElseThrow(refusal -> new IllegalStateException(outcome.refusal().orElseThrow().message()));
    }

    private static void show(String what, Outcome<?> outcome) {
        System.out.println(what);
        if (outcome instanceof Outcome.Refused<?> refused) {
            System.out.println("  -> " + refused.why().status() + " " + refused.why().toProblemDetails().toJson());
        } else {
            System.out.println("  -> ok: " + outcome.orElseThrow());
        }
    }
}
