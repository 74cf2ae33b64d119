package org.membership.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.membership.api.WorkspaceRole.ADMIN;
import static org.membership.api.WorkspaceRole.USER;
import static org.membership.tck.support.Reads.OBSERVER;
import static org.membership.tck.support.Reads.memberships;
import static org.membership.tck.support.Specs.org;
import static org.membership.tck.support.Specs.seat;
import static org.membership.tck.support.Specs.spec;
import static org.membership.tck.support.Specs.ws;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.membership.api.Actor;
import org.membership.api.AuditDetail;
import org.membership.api.AuditEntry;
import org.membership.api.Command;
import org.membership.api.Email;
import org.membership.api.Invitation;
import org.membership.api.InvitationId;
import org.membership.api.InvitationStatus;
import org.membership.api.MembershipEvent;
import org.membership.api.MembershipRules;
import org.membership.api.OrganizationAdminRemoval;
import org.membership.api.OrganizationDeletion;
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationRole;
import org.membership.api.OrganizationUser;
import org.membership.api.Outcome;
import org.membership.api.PageRequest;
import org.membership.api.Reason;
import org.membership.api.Refusal;
import org.membership.api.SelfRemoval;
import org.membership.api.User;
import org.membership.api.UserId;
import org.membership.api.UserStatus;
import org.membership.api.WorkspaceDeletion;
import org.membership.api.WorkspaceId;
import org.quicktheories.generators.Generate;

/**
 * The rules as they apply to managing organizations directly (issue 11): adding a user without an
 * invitation, changing organization roles, removing by id, leaving, changing an email, deleting
 * workspaces and organizations. Rules 1 and 3 for these commands are proven with every other
 * operation's by {@link AuthorityRulesContract} and {@link ScopeRulesContract} (their probes cover
 * them); here are rules 2, 5, 6, 7 and 9 and the cascades.
 *
 * <p>Extend it in a store's test sources and implement {@link #newStore()}, or extend
 * {@link RulesContract}, which runs every rule group. Each rule's documentation says what it proves
 * and, under "If it fails", where to look. A falsified property prints its smallest failing example
 * and {@code Seed was <n>}; {@code -DQT_SEED=<n>} replays it (see {@link RuleGroupContract}).
 *
 * <p>Not thread-safe; JUnit runs one method per instance.
 */
public abstract class OrganizationRulesContract extends RuleGroupContract {
    private static final PageRequest ALL = PageRequest.first(PageRequest.MAX_LIMIT);

    // ---- rule 9: a direct add and a pending invitation -------------------------------------------------

    /**
     * Rule 9 for a direct add: adding a user whose email has a pending invitation to the organization
     * (typed in any case) revokes that invitation in the same change, named in the result's audit
     * entry and event; an invitation that has lapsed stays as stored, and is named nowhere.
     *
     * <p>If it fails: check pendingInvitation (it matches emails case-insensitively) and that
     * updateInvitationStatus commits with insertOrganizationMember.
     */
    @Test
    public void rule9_directAdd_revokesThePendingInvitationForTheUsersEmail_inAnyCase() {
        qt().forAll(Generators.caseVariantsOf("dan@example.com"), Generate.booleans()).checkAssert((typed, lapsed) -> {
            World w = World.build(spec(List.of(org("acme", List.of("a"), List.of("m"), List.of(),
                    List.of(new World.Invite(typed, OrganizationRole.ADMIN)))), List.of(), List.of(), List.of()),
                    newStore(), MembershipRules.defaults());
            Outcome<?> registered = w.membership().execute(INSTANCE_KEY, new Command.RegisterUser(
                    new User(UserId.of("dan"), Email.of("dan@example.com"), UserStatus.VALIDATED, false)));
            assertTrue(registered.succeeded(), registered::toString);
            InvitationId invitation = w.invitation(typed);
            if (lapsed) {
                w.fixture().clock().advance(MembershipRules.defaults().invitationLifetime().plusSeconds(1));
            }
            Outcome<?> added = w.membership().execute(INSTANCE_KEY, new Command.AddOrganizationMember(
                    w.organization("acme"), UserId.of("dan"), OrganizationRole.MEMBER));
            assertTrue(added.succeeded(), added::toString);
            Optional<InvitationId> revoked = lapsed ? Optional.empty() : Optional.of(invitation);
            InvitationStatus stored = w.fixture().store().read(tx -> tx.invitation(invitation)).orElseThrow().storedStatus();
            assertEquals(lapsed ? InvitationStatus.PENDING : InvitationStatus.REVOKED, stored, "the invitation as stored");
            List<MembershipEvent> events = w.events();
            assertEquals(new MembershipEvent.OrganizationMemberAdded((org.membership.api.OrganizationMember) added.orElseThrow(),
                    revoked, w.fixture().clock().instant()), events.get(events.size() - 1));
            AuditEntry entry = lastEntry(w, w.organization("acme"));
            assertEquals(new AuditDetail.AddedToOrganization(UserId.of("dan"), OrganizationRole.MEMBER, revoked), entry.detail());
            assertEquals(List.of(), w.membership().execute(OBSERVER, new Command.ListInvitations(w.organization("acme"), ALL))
                    .orElseThrow().items(), "nothing pending for dan any more");
        });
    }

    // ---- rule 2: outranking in the organization ----------------------------------------------------------

    /**
     * Rule 2 for organization roles: nobody demotes or removes (by id) a member whose standing is
     * higher than its own (an instance admin who is a plain member of the organization outranks its
     * admins); where the rules protect organization admins, only instance authority demotes or removes
     * one; nobody below an organization admin promotes anyone. Each refusal changes nothing.
     *
     * <p>If it fails: check the target's standing as the store gives it (the user's instance-admin
     * flag, its organization membership).
     */
    @Test
    public void rule2_organizationRoles_nobodyActsOnHigherAuthority_protectedAdminsOnlyByInstance() {
        qt().forAll(Generate.enumValues(OrganizationAdminRemoval.class), Generate.pick(List.of("demote", "remove")),
                Generate.pick(List.of("oa", "key", "instance key"))).checkAssert((protection, change, who) -> {
            MembershipRules rules = MembershipRules.defaults().toBuilder().organizationAdminRemoval(protection).build();
            World w = World.build(spec(List.of(org("acme", List.of("oa", "ob"), List.of("ia", "m"), List.of(), List.of())),
                    List.of(), List.of(), List.of("ia")), newStore(), rules);
            OrganizationId acme = w.organization("acme");
            Actor actor = switch (who) {
                case "oa" -> Actor.user(w.user("oa"));
                case "key" -> Actor.organizationKey(acme, "key");
                default -> INSTANCE_KEY;
            };
            boolean instance = who.equals("instance key");
            for (String target : List.of("ia", "ob")) {
                World.State before = w.snapshot();
                Command<?> command = change.equals("demote")
                        ? new Command.ChangeOrganizationRole(acme, w.user(target), target.equals("ia")
                                ? OrganizationRole.ADMIN : OrganizationRole.MEMBER)
                        : new Command.RemoveOrganizationMember(acme, w.user(target));
                Outcome<?> outcome = w.membership().execute(actor, command);
                Optional<Reason> expected = instance ? Optional.empty()
                        : target.equals("ia") ? Optional.of(Reason.OUTRANKED)
                        : protection == OrganizationAdminRemoval.BY_INSTANCE_ADMINS_ONLY
                                ? Optional.of(Reason.ORGANIZATION_ADMIN_PROTECTED) : Optional.empty();
                assertEquals(expected, outcome.refusal().map(Refusal::reason), () -> who + " " + command);
                if (expected.isPresent()) {
                    assertEquals(before, w.snapshot(), "a refusal changes nothing");
                }
            }
            Outcome<?> promoted = w.membership().execute(Actor.user(w.user("m")),
                    new Command.ChangeOrganizationRole(acme, w.user("m"), OrganizationRole.ADMIN));
            assertEquals(Optional.of(Reason.INSUFFICIENT_AUTHORITY), promoted.refusal().map(Refusal::reason));
        });
    }

    // ---- rules 5 and 6: leaving, demoting, removing ------------------------------------------------------

    /**
     * Rules 5 and 6 for leaving: under {@code FORBIDDEN} nobody leaves (self_removal); under
     * {@code ALLOWED_WHILE_ANOTHER_ADMIN_REMAINS} a member leaves with its cascade unless it is the last
     * usable admin of the organization or of a custom workspace it belongs to (last_admin); a key has
     * no membership to leave. Removing oneself by id answers exactly as leaving.
     *
     * <p>If it fails: check countOrganizationAdmins and countWorkspaceAdmins, and
     * workspaceMembershipsIn for the member's custom workspaces.
     */
    @Test
    public void rule5_rule6_leaving_followsTheSelfRemovalRule_andKeepsAUsableAdminEverywhere() {
        qt().forAll(Generate.enumValues(SelfRemoval.class), Generate.pick(List.of("a", "b", "m", "w", "key")),
                Generate.booleans()).checkAssert((selfRemoval, who, byId) -> {
            MembershipRules rules = MembershipRules.defaults().toBuilder().selfRemoval(selfRemoval).build();
            // a is acme's only admin; m is research's only admin; w is a plain member of research
            World w = World.build(spec(List.of(org("acme", List.of("a"), List.of("b", "m", "w"),
                    List.of(ws("research", seat("m", ADMIN), seat("w", USER))), List.of())),
                    List.of(), List.of(), List.of()), newStore(), rules);
            OrganizationId acme = w.organization("acme");
            Actor actor = who.equals("key") ? Actor.organizationKey(acme, "key") : Actor.user(w.user(who));
            Command<?> command = byId && !who.equals("key") ? new Command.RemoveOrganizationMember(acme, w.user(who), "bye")
                    : new Command.LeaveOrganization(acme, "bye");
            World.State before = w.snapshot();
            Outcome<?> outcome = w.membership().execute(actor, command);
            // removing oneself by id is exempt from the authority to remove others only where leaving is allowed
            Optional<Reason> expected = who.equals("key") ? Optional.of(Reason.INSUFFICIENT_AUTHORITY)
                    : selfRemoval == SelfRemoval.FORBIDDEN && byId && !who.equals("a") ? Optional.of(Reason.INSUFFICIENT_AUTHORITY)
                    : selfRemoval == SelfRemoval.FORBIDDEN ? Optional.of(Reason.SELF_REMOVAL)
                    : who.equals("a") || who.equals("m") ? Optional.of(Reason.LAST_ADMIN) : Optional.empty();
            assertEquals(expected, outcome.refusal().map(Refusal::reason), () -> who + " " + command);
            if (expected.isPresent()) {
                assertEquals(before, w.snapshot(), "a refusal changes nothing");
            } else {
                assertEquals(List.of(), memberships(w, who).organizations(), who + " left");
                assertEquals(List.of(), memberships(w, who).workspaces(), who + " left its workspaces too");
            }
        });
    }

    /**
     * Rule 6 for organization roles and removal by id: in any generated world, demoting or removing
     * the organization's admins one after another, as instance authority (which nothing outranks),
     * succeeds exactly while another usable admin remains and is last_admin for the last usable one;
     * an admin who cannot act (disabled, unvalidated) goes without a refusal. The organization always
     * keeps a usable admin.
     *
     * <p>If it fails: check countOrganizationAdmins: it counts admins whose account is validated.
     */
    @Test
    public void rule6_demotingOrRemovingAdmins_keepsAUsableAdmin_refusesOnlyTheLastUsableOne() {
        qt().forAll(Generators.worlds(), Generate.booleans()).checkAssert((spec, demote) -> {
            World w = World.build(spec, newStore(), MembershipRules.defaults());
            for (World.Org org : spec.organizations()) {
                OrganizationId id = w.organization(org.name());
                for (String admin : org.admins()) {
                    long usableBefore = usableAdmins(w, id);
                    boolean usable = w.fixture().store().read(tx -> tx.user(w.user(admin))).orElseThrow().status()
                            == UserStatus.VALIDATED;
                    Command<?> command = demote ? new Command.ChangeOrganizationRole(id, w.user(admin), OrganizationRole.MEMBER)
                            : new Command.RemoveOrganizationMember(id, w.user(admin));
                    Outcome<?> outcome = w.membership().execute(INSTANCE_KEY, command);
                    if (usable && usableBefore <= 1) {
                        assertEquals(Optional.of(Reason.LAST_ADMIN), outcome.refusal().map(Refusal::reason), command::toString);
                    } else if (!demote && !outcome.succeeded()) {
                        // removal by id also keeps every custom workspace the admin administers
                        assertEquals(Optional.of(Reason.LAST_ADMIN), outcome.refusal().map(Refusal::reason), command::toString);
                    } else {
                        assertTrue(outcome.succeeded(), () -> command + ": " + outcome);
                    }
                    assertTrue(usableAdmins(w, id) >= Math.min(1, usableBefore), () -> org.name() + " kept a usable admin");
                }
            }
        });
    }

    // ---- rule 9: emails are unique, invitations keep theirs ------------------------------------------------

    /**
     * Rule 9 for an email change: another user's email in any case is user_exists and changes nothing;
     * a new one is found in any case from then on and the old one no longer is; a pending invitation
     * keeps the email it was sent to, and so is no longer the user's to accept.
     *
     * <p>If it fails: check updateUserEmail and userByEmail (normalized, unique), and that no store
     * rewrites invitations' emails.
     */
    @Test
    public void rule9_changeUserEmail_isUniqueInAnyCase_andPendingInvitationsKeepTheirEmail() {
        qt().forAll(Generators.caseVariantsOf("a@example.com"), Generators.caseVariantsOf("robert@example.com"))
                .checkAssert((taken, fresh) -> {
                    // globex invited b by its old address; b is not in globex yet
                    World w = World.build(spec(List.of(org("acme", List.of("a"), List.of("b"), List.of(), List.of()),
                            org("globex", List.of("z"), List.of(), List.of(),
                                    List.of(new World.Invite("b@example.com", OrganizationRole.ADMIN)))),
                            List.of(), List.of(), List.of()), newStore(), MembershipRules.defaults());
                    InvitationId invitation = w.invitation("b@example.com");
                    World.State before = w.snapshot();
                    Outcome<User> clash = w.membership().execute(INSTANCE_KEY,
                            new Command.ChangeUserEmail(w.user("b"), Email.of(taken)));
                    assertEquals(Optional.of(Refusal.of(Reason.USER_EXISTS)), clash.refusal());
                    assertEquals(before, w.snapshot());
                    Outcome<User> changed = w.membership().execute(INSTANCE_KEY,
                            new Command.ChangeUserEmail(w.user("b"), Email.of(fresh)));
                    assertEquals(Email.of("robert@example.com"), changed.orElseThrow().email());
                    assertEquals(w.user("b"), w.membership().execute(INSTANCE_KEY,
                            new Command.FindUserByEmail(Email.of("ROBERT@example.com"))).orElseThrow().id());
                    assertEquals(Optional.of(Refusal.of(Reason.USER_NOT_FOUND)), w.membership().execute(INSTANCE_KEY,
                            new Command.FindUserByEmail(Email.of("b@example.com"))).refusal());
                    Invitation kept = w.membership().execute(INSTANCE_KEY, new Command.GetInvitation(invitation)).orElseThrow();
                    assertEquals(Email.of("b@example.com"), kept.email(), "the invitation keeps its email");
                    assertEquals(InvitationStatus.PENDING, kept.storedStatus());
                    assertEquals(Optional.of(Refusal.of(Reason.INVITATION_NOT_FOUND)), w.membership().execute(
                            Actor.user(w.user("b")), new Command.AcceptInvitation(invitation)).refusal(),
                            "an invitation to the old address is no longer the user's to accept");
                });
    }

    // ---- rule 7 and the cascades: deleting workspaces and organizations ----------------------------------

    /**
     * Rule 7 and the workspace cascade: in any generated world, deleting a custom workspace takes
     * exactly its members with it (listed, in user id order, in the result, the audit entry and the
     * event) and nobody keeps a membership of it; a default workspace is default_workspace and
     * changes nothing.
     *
     * <p>If it fails: check deleteWorkspace: it deletes the workspace's memberships and returns their
     * users sorted.
     */
    @Test
    public void rule7_deleteWorkspace_customOnly_takesExactlyItsMembers() {
        qt().forAll(Generators.worlds()).checkAssert(spec -> {
            World w = World.build(spec, newStore(), MembershipRules.defaults());
            World.Org first = spec.organizations().get(0);
            World.State before = w.snapshot();
            Outcome<WorkspaceDeletion> refused = w.membership().execute(INSTANCE_KEY,
                    new Command.DeleteWorkspace(w.workspace(first.name())));
            assertEquals(Optional.of(Refusal.of(Reason.DEFAULT_WORKSPACE)), refused.refusal());
            assertEquals(before, w.snapshot());
            for (World.Ws ws : first.workspaces()) {
                WorkspaceId id = w.workspace(ws.name());
                List<UserId> seated = ws.seats().stream().map(s -> w.user(s.user())).sorted().toList();
                WorkspaceDeletion deletion = w.membership().execute(INSTANCE_KEY, new Command.DeleteWorkspace(id, "gone"))
                        .orElseThrow();
                assertEquals(seated, deletion.members());
                assertEquals(new AuditDetail.WorkspaceDeleted(id, seated), lastEntry(w, w.organization(first.name())).detail());
                for (World.Seat seat : ws.seats()) {
                    assertTrue(memberships(w, seat.user()).workspaces().stream().noneMatch(m -> m.workspace().equals(id)),
                            seat.user() + " keeps no membership of the deleted workspace");
                }
                assertEquals(Optional.of(Refusal.of(Reason.WORKSPACE_NOT_FOUND)), w.membership().execute(INSTANCE_KEY,
                        new Command.ListWorkspaceMembers(id, ALL)).refusal());
            }
        });
    }

    /**
     * Deleting an organization in any generated world takes every workspace, membership and
     * invitation of it and nothing of any other organization; the result counts what went; the
     * instance-level audit trail records it; the organization and its workspaces are not found
     * afterwards, exactly as ids that never existed.
     *
     * <p>If it fails: check deleteOrganization's statements: each must reach its rows by the
     * organization, and none another organization's.
     */
    @Test
    public void deleteOrganization_takesEverythingOfIt_andNothingElse() {
        qt().forAll(Generators.worlds()).checkAssert(spec -> {
            World w = World.build(spec, newStore(), MembershipRules.defaults());
            World.Org doomed = spec.organizations().get(0);
            OrganizationId id = w.organization(doomed.name());
            List<Object> others = new ArrayList<>();
            for (World.Org org : spec.organizations().subList(1, spec.organizations().size())) {
                others.add(roster(w, w.organization(org.name())));
                others.add(w.membership().execute(OBSERVER, new Command.ListInvitations(w.organization(org.name()), ALL))
                        .orElseThrow().items());
            }
            List<InvitationId> pending = w.membership().execute(OBSERVER, new Command.ListInvitations(id, ALL))
                    .orElseThrow().items().stream().map(Invitation::id).toList();
            OrganizationDeletion deletion = w.membership().execute(INSTANCE_KEY, new Command.DeleteOrganization(id, "closed"))
                    .orElseThrow();
            assertEquals(doomed.people().size(), deletion.members());
            assertEquals(doomed.workspaces().size() + 1, deletion.workspaces());
            assertEquals(doomed.workspaces().stream().mapToInt(ws -> ws.seats().size()).sum(), deletion.workspaceMemberships());
            assertTrue(deletion.invitations() >= pending.size(), deletion::toString);
            for (InvitationId invitation : pending) {
                assertEquals(Optional.empty(), w.fixture().store().read(tx -> tx.invitation(invitation)));
            }
            List<Object> othersAfter = new ArrayList<>();
            for (World.Org org : spec.organizations().subList(1, spec.organizations().size())) {
                othersAfter.add(roster(w, w.organization(org.name())));
                othersAfter.add(w.membership().execute(OBSERVER, new Command.ListInvitations(w.organization(org.name()), ALL))
                        .orElseThrow().items());
            }
            assertEquals(others, othersAfter, "every other organization is as it was");
            for (String person : doomed.people()) {
                assertTrue(memberships(w, person).organizations().stream().noneMatch(m -> m.organization().equals(id)));
                assertTrue(memberships(w, person).workspaces().stream()
                        .noneMatch(m -> doomed.workspaces().stream().anyMatch(ws -> w.workspace(ws.name()).equals(m.workspace()))));
            }
            assertEquals(Optional.of(Refusal.of(Reason.ORGANIZATION_NOT_FOUND)), w.membership().execute(INSTANCE_KEY,
                    new Command.ListOrganizationMembers(id, ALL)).refusal());
            assertEquals(Optional.of(Refusal.of(Reason.WORKSPACE_NOT_FOUND)), w.membership().execute(INSTANCE_KEY,
                    new Command.ListWorkspaceMembers(w.workspace(doomed.name()), ALL)).refusal());
            AuditEntry entry = lastEntry(w, null);
            assertEquals(new AuditDetail.OrganizationDeleted(id, deletion.organization().name(), deletion.workspaces(),
                    deletion.members(), deletion.workspaceMemberships(), deletion.invitations()), entry.detail());
            assertEquals("closed", entry.reason());
        });
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private static List<OrganizationUser> roster(World w, OrganizationId org) {
        return w.membership().execute(OBSERVER, new Command.ListOrganizationMembers(org, ALL)).orElseThrow().items();
    }

    private static long usableAdmins(World w, OrganizationId org) {
        return w.membership().execute(OBSERVER, new Command.ListOrganizationMembers(org, Optional.of(OrganizationRole.ADMIN),
                ALL)).orElseThrow().items().stream().filter(u -> u.user().status() == UserStatus.VALIDATED).count();
    }

    /** @return the last entry of the organization's trail, or of the instance-level trail for null */
    private static AuditEntry lastEntry(World w, OrganizationId org) {
        List<AuditEntry> entries = new ArrayList<>();
        PageRequest request = ALL;
        while (true) {
            var page = w.membership().execute(OBSERVER, org == null ? Command.ListAuditTrail.ofInstance(request)
                    : Command.ListAuditTrail.of(org, request)).orElseThrow();
            entries.addAll(page.items());
            if (!page.hasMore()) {
                return entries.get(entries.size() - 1);
            }
            request = PageRequest.after(page.lastId().orElseThrow(), PageRequest.MAX_LIMIT);
        }
    }
}
