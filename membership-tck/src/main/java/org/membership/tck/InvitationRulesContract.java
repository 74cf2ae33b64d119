package org.membership.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.membership.api.WorkspaceRole.ADMIN;
import static org.membership.tck.support.Reads.invitations;
import static org.membership.tck.support.Reads.memberships;
import static org.membership.tck.support.Specs.org;
import static org.membership.tck.support.Specs.seat;
import static org.membership.tck.support.Specs.spec;
import static org.membership.tck.support.Specs.ws;
import static org.membership.tck.support.Text.caseFlipped;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.membership.api.Actor;
import org.membership.api.Command;
import org.membership.api.Email;
import org.membership.api.Invitation;
import org.membership.api.MembershipEvent;
import org.membership.api.MembershipRules;
import org.membership.api.Memberships;
import org.membership.api.OrganizationMember;
import org.membership.api.OrganizationRole;
import org.membership.api.OrganizationUserRemoval;
import org.membership.api.Outcome;
import org.membership.api.Presets;
import org.membership.api.Reason;
import org.membership.api.Refusal;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Rule 9: invitations versus members, case-insensitive emails, and removal by email.
 *
 * <p>Extend it in a store's test sources and implement {@link #newStore()}, or extend
 * {@link RulesContract}, which runs every rule group. Each rule's documentation says what it proves
 * and, under "If it fails", where to look. A falsified property prints its smallest failing example
 * and {@code Seed was <n>}; {@code -DQT_SEED=<n>} replays it (see {@link RuleGroupContract}).
 *
 * <p>Not thread-safe; JUnit runs one method per instance.
 */
public abstract class InvitationRulesContract extends RuleGroupContract {
    // ---- rule 9: invitations versus members ----------------------------------------------------

    /**
     * Rule 9: an invitation's email matches however it is typed: inviting again in another case is
     * already_invited, and removal by email in another case revokes it.
     *
     * <p>If it fails: check pendingInvitation: it must match the normalized email, in the organization
     * asked only.
     */
    @Test
    public void rule9_invitationEmails_matchCaseInsensitively() {
        Gen<String> address = Generators.emailAddresses().map(String::strip);
        qt().forAll(address.flatMap(a -> Generators.caseVariantsOf(a).zip(Generators.caseVariantsOf(a),
                        (b, c) -> List.of(a, b, c))), Generators.organizationRoles())
                .checkAssert((spellings, role) -> {
                    World w = World.build(spec(List.of(org("acme", List.of("oa"), List.of(), List.of(),
                            List.of(new World.Invite(spellings.get(0), role)))), List.of(), List.of(), List.of()),
                            newStore(), MembershipRules.defaults());
                    Actor key = Actor.organizationKey(w.organization("acme"), "key");
                    World.State before = w.snapshot();
                    assertEquals(Optional.of(Refusal.of(Reason.ALREADY_INVITED)), w.membership().execute(key,
                            new Command.InviteToOrganization(w.organization("acme"), Email.of(spellings.get(1)), role))
                            .refusal());
                    assertEquals(before, w.snapshot());
                    OrganizationUserRemoval.InvitationRevoked removal = assertInstanceOf(OrganizationUserRemoval.InvitationRevoked.class, w.membership().execute(key,
                            new Command.RemoveOrganizationUser(w.organization("acme"), Email.of(spellings.get(2)))).orElseThrow());
                    assertEquals(w.invitation(spellings.get(0)), removal.invitation().id());
                    assertEquals(List.of(), invitations(w, "acme"));
                });
    }

    /**
     * Rule 9: a pending admin invitation never counts as an admin: the last real admin still cannot
     * be removed.
     *
     * <p>If it fails: check that countOrganizationAdmins counts members only, never invitations.
     */
    @Test
    public void rule9_pendingInvitations_neverCountAsAdmins() {
        qt().forAll(Generate.range(1, 3), Generators.emailAddresses().map(String::strip))
                .checkAssert((count, address) -> {
                    List<World.Invite> invites = new ArrayList<>();
                    for (int i = 0; i < count; i++) {
                        invites.add(new World.Invite(i + address, OrganizationRole.ADMIN));
                    }
                    World w = World.build(spec(List.of(org("acme", List.of("oa"), List.of("m"), List.of(), invites)),
                            List.of(), List.of(), List.of()), newStore(), MembershipRules.defaults());
                    World.State before = w.snapshot();
                    assertEquals(Optional.of(Refusal.of(Reason.LAST_ADMIN)), w.membership().execute(
                            Actor.organizationKey(w.organization("acme"), "key"),
                            new Command.RemoveOrganizationUser(w.organization("acme"), Fixture.email("oa"))).refusal());
                    assertEquals(before, w.snapshot());
                    assertEquals(count, invitations(w, "acme").size());
                });
    }

    /** What is wrong, if anything, with an acceptance in rule 9. */
    private enum Acceptance { VALID, SOMEONE_ELSE, NOT_VALIDATED, EXPIRED, REVOKED, ALREADY_ACCEPTED }

    /**
     * Rule 9: accepting needs the invitee's email, a validated account, an unexpired and pending
     * invitation; each failure has its refusal and changes nothing.
     *
     * <p>If it fails: check the invitation's stored status and expiry, read again under the lock, and
     * insertOrganizationMember.
     */
    @Test
    public void rule9_accepting_needsMatchingEmail_validatedAccount_unexpired_unrevoked() {
        qt().forAll(Generate.enumValues(Acceptance.class), Generate.range(1, 21), Generate.range(0, 24 * 30),
                        Generators.caseVariantsOf("invitee@example.com").zip(Generators.organizationRoles(), Pair::of))
                .checkAssert((acceptance, lifetimeDays, hoursLater, invite) -> {
                    boolean pending = acceptance == Acceptance.NOT_VALIDATED;
                    World.Spec spec = spec(List.of(
                                    org("acme", List.of("oa"), List.of(), List.of(), List.of(new World.Invite(invite._1, invite._2))),
                                    org("home", pending ? List.of("other") : List.of("invitee", "other"), List.of(), List.of(),
                                            List.of())),
                            pending ? List.of("invitee") : List.of(), List.of(), List.of());
                    Duration lifetime = Duration.ofDays(lifetimeDays);
                    World w = World.build(spec, newStore(), MembershipRules.defaults().toBuilder()
                            .invitationLifetime(lifetime).build());
                    Command.AcceptInvitation accept = new Command.AcceptInvitation(w.invitation(invite._1));
                    Duration later = Duration.ofHours(hoursLater);
                    if (acceptance == Acceptance.EXPIRED) {
                        later = lifetime.plus(later);
                    } else if (later.compareTo(lifetime) >= 0) {
                        later = lifetime.minusSeconds(1);
                    }
                    if (acceptance == Acceptance.REVOKED) {
                        assertTrue(w.membership().execute(INSTANCE_KEY,
                                new Command.RevokeInvitation(accept.invitation())).succeeded());
                    }
                    if (acceptance == Acceptance.ALREADY_ACCEPTED) {
                        assertTrue(w.membership().execute(Actor.user(w.user("invitee")), accept).succeeded());
                    }
                    w.fixture().clock().advance(later);
                    Actor actor = Actor.user(w.user(acceptance == Acceptance.SOMEONE_ELSE ? "other" : "invitee"));
                    World.State before = w.snapshot();
                    Outcome<OrganizationMember> outcome = w.membership().execute(actor, accept);
                    Optional<Reason> expected = switch (acceptance) {
                        case VALID -> Optional.empty();
                        case SOMEONE_ELSE -> Optional.of(Reason.INVITATION_NOT_FOUND);
                        case NOT_VALIDATED -> Optional.of(Reason.ACCOUNT_NOT_VALIDATED);
                        case EXPIRED -> Optional.of(Reason.INVITATION_EXPIRED);
                        case REVOKED, ALREADY_ACCEPTED -> Optional.of(Reason.INVITATION_NOT_PENDING);
                    };
                    assertEquals(expected, outcome.refusal().map(Refusal::reason), () -> acceptance + " after " + w.fixture().clock().instant());
                    if (outcome.succeeded()) {
                        assertEquals(invite._2, outcome.orElseThrow().role());
                        assertTrue(memberships(w, "invitee").organizations().stream()
                                .anyMatch(m -> m.organization().equals(w.organization("acme")) && m.role() == invite._2));
                        assertEquals(List.of(), invitations(w, "acme"));
                    } else {
                        assertEquals(before, w.snapshot());
                    }
                });
    }

    /**
     * Rule 9: removal by email removes a member with its workspaces, or revokes a lone invitation,
     * or is neither_member_nor_invitation.
     *
     * <p>If it fails: check userByEmail, pendingInvitation, workspaceMembershipsIn and
     * deleteWorkspaceMembershipsIn.
     */
    @Test
    public void rule9_removingByEmail_removesTheMember_orRevokesTheInvitation_orIsNotFound() {
        Gen<Integer> whom = Generate.range(0, 2);
        qt().forAll(whom, Generate.range(0, 3), Generators.caseVariantsOf("ann@example.com"), Generators.workspaceRoles())
                .checkAssert((kind, workspaces, email, role) -> {
                    List<World.Ws> ws = new ArrayList<>();
                    for (int i = 0; i < workspaces; i++) {
                        ws.add(kind == 0 ? ws("w" + i, seat("oa", ADMIN), seat("ann", role)) : ws("w" + i, seat("oa", ADMIN)));
                    }
                    List<World.Invite> invites = kind == 1
                            ? List.of(new World.Invite(email, OrganizationRole.MEMBER)) : List.of();
                    World w = World.build(spec(List.of(org("acme", List.of("oa"), kind == 0 ? List.of("ann") : List.of(),
                            ws, invites)), List.of(), List.of(), List.of()), newStore(), Presets.factory());
                    World.State before = w.snapshot();
                    Outcome<OrganizationUserRemoval> outcome = w.membership().execute(
                            Actor.organizationKey(w.organization("acme"), "key"),
                            new Command.RemoveOrganizationUser(w.organization("acme"), Email.of(caseFlipped(email)), "x"));
                    switch (kind) {
                        case 0 -> {
                            OrganizationUserRemoval.MemberRemoved r = assertInstanceOf(OrganizationUserRemoval.MemberRemoved.class, outcome.orElseThrow());
                            assertEquals(w.user("ann"), r.member().user());
                            assertEquals(ws.stream().map(s -> w.workspace(s.name())).sorted().toList(),
                                    r.workspaces().stream().sorted().toList());
                            Memberships left = memberships(w, "ann");
                            assertEquals(List.of(), left.organizations());
                            assertEquals(List.of(), left.workspaces());
                            assertEquals(List.of(new MembershipEvent.OrganizationMemberRemoved(w.organization("acme"),
                                    w.user("ann"), r.workspaces(), Optional.empty(),
                                    w.fixture().clock().instant())), w.events());
                        }
                        case 1 -> {
                            Invitation revoked = assertInstanceOf(OrganizationUserRemoval.InvitationRevoked.class, outcome.orElseThrow()).invitation();
                            assertEquals(Email.of("ann@example.com"), revoked.email());
                            assertEquals(List.of(), invitations(w, "acme"));
                            assertEquals(List.of(new MembershipEvent.InvitationRevoked(revoked,
                                    w.fixture().clock().instant())), w.events());
                        }
                        default -> {
                            assertEquals(Optional.of(Refusal.of(Reason.NEITHER_MEMBER_NOR_INVITATION)), outcome.refusal());
                            assertEquals(404, outcome.refusal().orElseThrow().status());
                            assertEquals(before, w.snapshot());
                        }
                    }
                });
    }
}
