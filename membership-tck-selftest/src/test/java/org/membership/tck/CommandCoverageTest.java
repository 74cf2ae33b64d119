package org.membership.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.membership.api.Actor;
import org.membership.api.AuditEntry;
import org.membership.api.Command;
import org.membership.api.Email;
import org.membership.api.InvitationId;
import org.membership.api.MembershipRules;
import org.membership.api.Operation;
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationRole;
import org.membership.api.Outcome;
import org.membership.api.Page;
import org.membership.api.PageRequest;
import org.membership.api.User;
import org.membership.api.UserId;
import org.membership.api.UserStatus;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceRole;
import org.membership.core.MembershipEngine;
import org.membership.inmemory.InMemoryStore;
import org.membership.tck.support.Specs;
import org.quicktheories.QuickTheory;

/**
 * Every command is everywhere it must be: walks {@link Command}'s permitted records and fails if one
 * is missing from the library's planners, the kit's reference model, its generators or its probes.
 * The planners and the model dispatch with exhaustive switches over {@link Operation}, so a new
 * operation does not compile until both handle it; this test catches what the compiler cannot: a
 * record that reports the wrong operation, a generator or a probe list that forgot it.
 */
final class CommandCoverageTest {
    private static final Set<Class<?>> COMMANDS = Set.of(Command.class.getPermittedSubclasses());
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final Actor ROOT = Actor.instanceKey("root");

    /**
     * Rule 1's probes are commands that nothing but the actor's authority can refuse with
     * insufficient_authority. Accepting an invitation has none: only the invitee reaches its
     * authority check (anyone else is told the invitation is not found), which rule 9's
     * properties and the model cover. Leaving an organization has none either: a key has no
     * membership to leave and is refused whatever its level, and a user's own leaving is covered by
     * the leave rules and the model.
     */
    private static final Set<Operation> NOT_PROBED_BY_RULE_1 = Set.of(Operation.ACCEPT_INVITATION,
            Operation.LEAVE_ORGANIZATION);
    /**
     * Rule 3's probes aim at another organization's things. These operations name no organization:
     * accounts, organizations themselves, and a user's memberships, which are instance-level by
     * default and filtered by organization where a host lowers their level (ListMembershipsTest);
     * and changing an email, which only instance authority reaches at any configured level.
     */
    private static final Set<Operation> NOT_PROBED_BY_RULE_3 = Set.of(Operation.REGISTER_USER,
            Operation.CHANGE_USER_STATUS, Operation.CREATE_ORGANIZATION, Operation.LIST_MEMBERSHIPS,
            Operation.CHANGE_USER_EMAIL);

    @Test
    void everyOperation_isReportedByExactlyOneCommandRecord() {
        Map<Operation, Class<?>> byOperation = new EnumMap<>(Operation.class);
        for (Command<?> sample : samples()) {
            Class<?> previous = byOperation.put(sample.operation(), sample.getClass());
            assertTrue(previous == null, () -> sample.operation() + " is reported by " + previous + " and " + sample.getClass());
        }
        assertEquals(Set.of(Operation.values()), byOperation.keySet());
        assertEquals(COMMANDS, Set.copyOf(byOperation.values()), "one command record per operation, and no other");
    }

    @Test
    void plannersAndReferenceModel_decideEveryCommand_alike() {
        Set<Class<?>> decided = new HashSet<>();
        for (Command<?> sample : samples()) {
            for (Actor actor : List.of(ROOT, Actor.user(UserId.of("ann")), Actor.user(UserId.of("bob")))) {
                Universe u = new Universe();
                ReferenceModel.Prediction predicted = u.model.apply(actor, sample);
                Outcome<?> outcome = u.engine.execute(actor, sample);
                assertEquals(predicted.refusal(), outcome.refusal().map(r -> r.reason()),
                        () -> actor.describe() + " " + sample + ": the model predicted " + predicted + ", the library answered " + outcome);
                if (outcome.succeeded()) {
                    assertEquals(predicted.value().orElseThrow(), comparable(outcome.orElseThrow()),
                            () -> actor.describe() + " " + sample);
                }
            }
            decided.add(sample.getClass());
        }
        assertEquals(COMMANDS, decided);
    }

    @Test
    void generators_makeEveryCommand() {
        Set<String> made = new TreeSet<>();
        QuickTheory.qt().withFixedSeed(20260101L).withExamples(400).forAll(Generators.worlds())
                .checkAssert(spec -> {
                    World w = World.build(spec, new InMemoryStore(), MembershipRules.defaults());
                    QuickTheory.qt().withFixedSeed(spec.hashCode()).withExamples(20).forAll(Generators.commands(spec))
                            .checkAssert(ref -> made.add(ref.in(w).getClass().getSimpleName()));
                });
        assertEquals(names(COMMANDS), made);
    }

    @Test
    void rule1Probes_coverEveryOperationThatOnlyAuthorityRefuses() {
        World w = World.build(AuthorityRulesContract.authorityWorld(), new InMemoryStore(), MembershipRules.defaults());
        Set<Operation> probed = AuthorityRulesContract.PROBES.stream().map(AuthorityRulesContract.Probe::operation).collect(Collectors.toSet());
        for (AuthorityRulesContract.Probe probe : AuthorityRulesContract.PROBES) {
            assertEquals(probe.operation(), probe.command().apply(w).operation(), probe + " probes another operation");
        }
        Set<Operation> expected = setOf(Operation.values());
        expected.removeAll(NOT_PROBED_BY_RULE_1);
        assertEquals(expected, probed);
    }

    @Test
    void rule3LeakProbes_coverEveryOperationOnAnOrganizationsThings() {
        World w = World.build(Specs.twoOrganizations(), new InMemoryStore(), MembershipRules.defaults());
        Set<Operation> probed = new HashSet<>();
        for (ScopeRulesContract.LeakProbe probe : ScopeRulesContract.LEAK_PROBES) {
            Command<?> foreign = probe.foreign().apply(w);
            assertEquals(foreign.operation(), probe.missing().apply(w).operation(), probe + " compares two operations");
            probed.add(foreign.operation());
        }
        Set<Operation> expected = setOf(Operation.values());
        expected.removeAll(NOT_PROBED_BY_RULE_3);
        assertEquals(expected, probed);
    }

    // ---- one sample of every command, in a small universe ------------------------------------

    /** The same few users, an organization, a custom workspace and an invitation, in the library and in the model. */
    private static final class Universe {
        final AtomicLong ids = new AtomicLong();
        final MembershipEngine engine = MembershipEngine.builder(new InMemoryStore())
                .clock(new Fixture.SettableClock(START)).ids(() -> Long.toString(ids.incrementAndGet())).build();
        final ReferenceModel model = new ReferenceModel(MembershipRules.defaults(), START);

        Universe() {
            both(new Command.RegisterUser(new User(UserId.of("ann"), Email.of("ann@example.com"), UserStatus.VALIDATED, false)));
            both(new Command.RegisterUser(new User(UserId.of("bob"), Email.of("bob@example.com"), UserStatus.VALIDATED, false)));
            both(new Command.CreateOrganization("Acme", UserId.of("ann")));        // organization 1, default workspace 2
            both(new Command.CreateWorkspace(OrganizationId.of("1"), "research"));    // workspace 3
            both(new Command.InviteToOrganization(OrganizationId.of("1"), Email.of("bob@example.com"),
                    OrganizationRole.MEMBER));                                         // invitation 4
        }

        private void both(Command<?> command) {
            assertTrue(engine.execute(ROOT, command).succeeded(), () -> "set-up " + command);
            assertTrue(model.apply(ROOT, command).refusal().isEmpty(), () -> "set-up " + command + " in the model");
        }
    }

    /** One command per operation, aimed at the universe's things; the switch makes every operation have one. */
    private static List<Command<?>> samples() {
        OrganizationId acme = OrganizationId.of("1");
        WorkspaceId general = WorkspaceId.of("2");
        WorkspaceId research = WorkspaceId.of("3");
        InvitationId bobs = InvitationId.of("4");
        UserId ann = UserId.of("ann");
        UserId bob = UserId.of("bob");
        return Arrays.stream(Operation.values()).<Command<?>>map(operation -> switch (operation) {
            case REGISTER_USER -> new Command.RegisterUser(
                    new User(UserId.of("cat"), Email.of("cat@example.com"), UserStatus.VALIDATED, false));
            case CHANGE_USER_STATUS -> new Command.ChangeUserStatus(bob, UserStatus.DISABLED);
            case CREATE_ORGANIZATION -> new Command.CreateOrganization("Globex", bob);
            case CREATE_WORKSPACE -> new Command.CreateWorkspace(acme, "ops");
            case ADD_WORKSPACE_MEMBER -> new Command.AddWorkspaceMember(research, ann, WorkspaceRole.ADMIN);
            case CHANGE_WORKSPACE_ROLE -> new Command.ChangeWorkspaceRole(research, ann, WorkspaceRole.USER);
            case REMOVE_WORKSPACE_MEMBER -> new Command.RemoveWorkspaceMember(research, ann);
            case GET_WORKSPACE_MEMBER -> new Command.GetWorkspaceMember(general, ann);
            case LIST_WORKSPACE_MEMBERS -> new Command.ListWorkspaceMembers(general, PageRequest.first(PageRequest.MAX_LIMIT));
            case GET_WORKSPACE_AUTHORITY -> new Command.GetWorkspaceAuthority(research);
            case INVITE_TO_ORGANIZATION -> new Command.InviteToOrganization(acme, Email.of("cat@example.com"),
                    OrganizationRole.ADMIN);
            case ACCEPT_INVITATION -> new Command.AcceptInvitation(bobs);
            case REVOKE_INVITATION -> new Command.RevokeInvitation(bobs);
            case LIST_INVITATIONS -> new Command.ListInvitations(acme, PageRequest.first(PageRequest.MAX_LIMIT));
            case REMOVE_ORGANIZATION_USER -> new Command.RemoveOrganizationUser(acme, Email.of("Bob@Example.com"));
            case LIST_MEMBERSHIPS -> new Command.ListMemberships(ann);
            case LIST_AUDIT_TRAIL -> Command.ListAuditTrail.of(acme, PageRequest.first(PageRequest.MAX_LIMIT));
            case ADD_ORGANIZATION_MEMBER -> new Command.AddOrganizationMember(acme, bob, OrganizationRole.ADMIN);
            case CHANGE_ORGANIZATION_ROLE -> new Command.ChangeOrganizationRole(acme, ann, OrganizationRole.MEMBER);
            case REMOVE_ORGANIZATION_MEMBER -> new Command.RemoveOrganizationMember(acme, ann);
            case LEAVE_ORGANIZATION -> new Command.LeaveOrganization(acme);
            case GET_ORGANIZATION_MEMBER -> new Command.GetOrganizationMember(acme, ann);
            case LIST_ORGANIZATION_MEMBERS -> new Command.ListOrganizationMembers(acme, PageRequest.first(PageRequest.MAX_LIMIT));
            case GET_INVITATION -> new Command.GetInvitation(bobs);
            case GET_USER -> new Command.GetUser(bob);
            case FIND_USER_BY_EMAIL -> new Command.FindUserByEmail(Email.of("ANN@example.com"));
            case CHANGE_USER_EMAIL -> new Command.ChangeUserEmail(bob, Email.of("robert@example.com"));
            case RENAME_WORKSPACE -> new Command.RenameWorkspace(research, "lab");
            case DELETE_WORKSPACE -> new Command.DeleteWorkspace(research);
            case DELETE_ORGANIZATION -> new Command.DeleteOrganization(acme);
        }).toList();
    }

    /** A library result as the model predicts it: a page as its items, audit entries as their lines. */
    private static Object comparable(Object result) {
        Object value = result instanceof Page<?> page ? page.items() : result;
        if (value instanceof List<?> items && !items.isEmpty() && items.get(0) instanceof AuditEntry) {
            return items.stream().map(e -> (AuditEntry) e)
                    .map(e -> ReferenceModel.auditLine(e.at(), e.actor(), e.action(), e.detail(), e.reason())).toList();
        }
        return value;
    }

    private static Set<String> names(Set<Class<?>> classes) {
        return classes.stream().map(Class::getSimpleName).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<Operation> setOf(Operation... operations) {
        return new HashSet<>(Arrays.asList(operations));
    }
}
