package org.membership.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.membership.tck.support.Reads.OBSERVER;
import static org.membership.tck.support.Specs.org;
import static org.membership.tck.support.Specs.spec;
import static org.membership.tck.support.Specs.twoOrganizations;
import static org.membership.tck.support.Text.printable;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.membership.api.Actor;
import org.membership.api.AuditEntry;
import org.membership.api.Command;
import org.membership.api.Email;
import org.membership.api.InvalidInputException;
import org.membership.api.InvitationId;
import org.membership.api.MembershipRules;
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationRole;
import org.membership.api.Outcome;
import org.membership.api.PageRequest;
import org.membership.api.ProblemDetails;
import org.membership.api.Reason;
import org.membership.api.Refusal;
import org.membership.api.UserId;
import org.membership.api.UserStatus;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceRole;
import org.membership.tck.support.ProblemJson;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Rules 11 and 12: refusals are values, and bad input is refused naming the field.
 *
 * <p>Extend it in a store's test sources and implement {@link #newStore()}, or extend
 * {@link RulesContract}, which runs every rule group. Each rule's documentation says what it proves
 * and, under "If it fails", where to look. A falsified property prints its smallest failing example
 * and {@code Seed was <n>}; {@code -DQT_SEED=<n>} replays it (see {@link RuleGroupContract}).
 *
 * <p>Not thread-safe; JUnit runs one method per instance.
 */
public abstract class InputRulesContract extends RuleGroupContract {
    private static final Set<Integer> STATUSES = Set.of(400, 401, 403, 404, 409);

    // ---- rule 11: refusals are values ----------------------------------------------------------

    /**
     * Rule 11: every refusal of every generated command has a stable code, a message, one of the
     * five statuses and well-formed RFC 9457 problem details.
     *
     * <p>If it fails: check Reason and Refusal; a store cannot break it unless it makes the engine
     * throw (then the message names the example).
     */
    @Test
    public void rule11_everyRefusal_hasStableCode_message_status_andProblemDetails() {
        qt().forAll(Generators.scenarios(), Generate.oneOf(Generators.presets(), Generators.rules()))
                .checkAssert((s, rules) -> {
                    World w = World.build(s.spec(), newStore(), rules);
                    Outcome<?> outcome = w.membership().execute(s.actor().in(w), s.command().in(w));
                    outcome.refusal().ifPresent(InputRulesContract::assertWellFormed);
                });
        for (Reason reason : Reason.values()) {
            assertWellFormed(Refusal.of(reason));
        }
        qt().forAll(Generators.hostileEmails()).checkAssert(h -> {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> Email.of(h));
            assertWellFormed(e.refusal());
        });
    }

    private static void assertWellFormed(Refusal refusal) {
        assertTrue(refusal.code().matches("[a-z]+(_[a-z]+)*"), refusal.code());
        assertEquals(refusal.reason().code(), refusal.code(), "the code is the reason's, stable");
        assertFalse(refusal.message().isBlank(), "a refusal has a message");
        assertTrue(STATUSES.contains(refusal.status()), () -> "status " + refusal.status());
        ProblemDetails problem = refusal.toProblemDetails();
        Map<String, Object> json = ProblemJson.parse(problem.toJson());
        assertEquals(refusal.status(), ((Number) json.get("status")).intValue());
        assertEquals(refusal.message(), json.get("detail"));
        assertEquals(refusal.code(), json.get("code"));
        assertEquals(refusal.reason().title(), json.get("title"));
        assertTrue(((String) json.get("type")).endsWith(refusal.code()));
        refusal.field().ifPresent(f -> assertEquals(f, json.get("field")));
    }

    // ---- rule 12: bad input --------------------------------------------------------------------

    /** A value or command built from one string field, and the field it must name when the string is bad. */
    private record Construction(String field, Function<String, Object> build) {}

    private static final Map<String, Construction> ID_FIELDS = orderedMap(
            "UserId", new Construction("user_id", UserId::of),
            "OrganizationId", new Construction("organization_id", OrganizationId::of),
            "WorkspaceId", new Construction("workspace_id", WorkspaceId::of),
            "InvitationId", new Construction("invitation_id", InvitationId::of),
            "Actor.instanceKey", new Construction("key_name", Actor::instanceKey),
            "Actor.organizationKey", new Construction("key_name", k -> Actor.organizationKey(OrganizationId.of("1"), k)),
            "PageRequest.after", new Construction("after_id", v -> PageRequest.after(v, 10)),
            "PageRequest.before", new Construction("before_id", v -> PageRequest.before(v, 10)),
            "ListAuditTrail after", new Construction("after_id", v -> Command.ListAuditTrail.of(OrganizationId.of("1"),
                    PageRequest.after(v, 10))));

    private static final Map<String, Construction> EMAIL_FIELDS = orderedMap(
            "Email", new Construction("email", Email::of),
            "RemoveOrganizationUser", new Construction("email",
                    v -> new Command.RemoveOrganizationUser(OrganizationId.of("1"), Email.of(v))),
            "InviteToOrganization", new Construction("email",
                    v -> new Command.InviteToOrganization(OrganizationId.of("1"), Email.of(v), OrganizationRole.MEMBER)));

    private static final Map<String, Construction> ROLE_FIELDS = orderedMap(
            "WorkspaceRole", new Construction("role", v -> WorkspaceRole.parse("role", v)),
            "OrganizationRole", new Construction("role", v -> OrganizationRole.parse("role", v)),
            "UserStatus", new Construction("status", v -> UserStatus.parse("status", v)));

    private static final Map<String, Construction> NAME_FIELDS = orderedMap(
            "CreateWorkspace", new Construction("name", v -> new Command.CreateWorkspace(OrganizationId.of("1"), v)),
            "CreateOrganization", new Construction("name", v -> new Command.CreateOrganization(v, UserId.of("1"))));

    private static final Map<String, Construction> REASON_FIELDS = orderedMap(
            "RemoveWorkspaceMember", new Construction("reason",
                    v -> new Command.RemoveWorkspaceMember(WorkspaceId.of("1"), UserId.of("1"), v)),
            "RevokeInvitation", new Construction("reason", v -> new Command.RevokeInvitation(InvitationId.of("1"), v)),
            "RemoveOrganizationUser", new Construction("reason",
                    v -> new Command.RemoveOrganizationUser(OrganizationId.of("1"), Email.of("a@b.co"), v)));

    private void assertRefusedNamingField(Map<String, Construction> fields, Gen<String> hostile) {
        qt().forAll(Generate.pick(List.copyOf(fields.keySet())), hostile).checkAssert((what, input) -> {
            World w = World.build(twoOrganizations(), newStore(), MembershipRules.defaults());
            World.State before = w.snapshot();
            Construction c = fields.get(what);
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> c.build().apply(input),
                    () -> what + " accepted " + printable(input));
            assertEquals(c.field(), e.field(), what);
            assertTrue(e.getMessage().contains(c.field()), () -> "message names the field: " + e.getMessage());
            assertTrue(e.getMessage().length() < 200, "the message does not echo the input");
            assertEquals(0, e.getStackTrace().length, "a caller mistake carries no stack trace");
            assertEquals(Optional.of(c.field()), e.refusal().field());
            assertEquals(400, e.refusal().status());
            assertEquals(before, w.snapshot(), "nothing stored changes");
            assertEquals(List.of(), w.events());
        });
    }

    /**
     * Rule 12: hostile ids (blank, over-long, control characters, other characters) are refused
     * naming the field, with no stack trace, before any store changes.
     *
     * <p>If it fails: check the id types' validation (no store is reached).
     */
    @Test
    public void rule12_hostileIds_areRefusedNamingTheField() {
        assertRefusedNamingField(ID_FIELDS, Generate.oneOf(Generators.hostileStrings(), Generators.malformedEmails()
                .map(e -> e.contains("@") ? e : e + "/"), Generate.constant("a".repeat(129)), Generate.constant("ümlaut")));
    }

    /**
     * Rule 12: malformed and hostile emails are refused naming email.
     *
     * <p>If it fails: check Email's validation.
     */
    @Test
    public void rule12_hostileEmails_areRefusedNamingTheField() {
        assertRefusedNamingField(EMAIL_FIELDS, Generators.hostileEmails());
    }

    /**
     * Rule 12: unknown role and status names are refused naming the field.
     *
     * <p>If it fails: check the enums' parse.
     */
    @Test
    public void rule12_unknownRoleNames_areRefusedNamingTheField() {
        assertRefusedNamingField(ROLE_FIELDS, Generators.hostileRoleNames());
    }

    /**
     * Rule 12: blank, over-long or control-character names are refused naming name.
     *
     * <p>If it fails: check the commands' text validation.
     */
    @Test
    public void rule12_invalidNames_areRefusedNamingTheField() {
        assertRefusedNamingField(NAME_FIELDS, Generators.invalidNames());
    }

    /**
     * Rule 12: over-long or control-character reasons are refused naming reason.
     *
     * <p>If it fails: check the commands' text validation.
     */
    @Test
    public void rule12_invalidReasons_areRefusedNamingTheField() {
        assertRefusedNamingField(REASON_FIELDS, Generators.invalidReasons());
    }

    /**
     * Rule 12: a missing (null) field of a value or a command is refused naming it.
     *
     * <p>If it fails: check the constructors' required checks.
     */
    @Test
    public void rule12_missingFields_areRefusedNamingTheField() {
        List<Map.Entry<String, Supplier<Object>>> nulls = List.of(
                Map.entry("user_id", () -> UserId.of(null)),
                Map.entry("email", () -> Email.of(null)),
                Map.entry("workspace_id", () -> new Command.RemoveWorkspaceMember(null, UserId.of("1"))),
                Map.entry("user_id", () -> new Command.RemoveWorkspaceMember(WorkspaceId.of("1"), null)),
                Map.entry("reason", () -> new Command.RemoveWorkspaceMember(WorkspaceId.of("1"), UserId.of("1"), null)),
                Map.entry("role", () -> new Command.AddWorkspaceMember(WorkspaceId.of("1"), UserId.of("1"), null)),
                Map.entry("organization_id", () -> new Command.RemoveOrganizationUser(null, Email.of("a@b.co"))),
                Map.entry("name", () -> new Command.CreateWorkspace(OrganizationId.of("1"), null)),
                Map.entry("role", () -> WorkspaceRole.parse("role", null)),
                Map.entry("actor", () -> Actor.user(null)));
        for (Map.Entry<String, Supplier<Object>> n : nulls) {
            InvalidInputException e = assertThrows(InvalidInputException.class, n.getValue()::get, n.getKey());
            assertEquals(n.getKey(), e.field());
            assertTrue(e.getMessage().contains(n.getKey()), e.getMessage());
        }
    }

    /**
     * Rule 12: SQL metacharacters are ordinary text, stored and read back verbatim.
     *
     * <p>If it fails: check that the store binds values rather than splicing them into SQL, and keeps
     * text exactly.
     */
    @Test
    public void rule12_sqlMetacharacters_areOrdinaryText_storedVerbatim() {
        qt().forAll(Generators.sqlMetacharacters(), Generators.sqlMetacharacters()).checkAssert((name, reason) -> {
            World w = World.build(twoOrganizations(), newStore(), MembershipRules.defaults());
            Actor key = Actor.organizationKey(w.organization("acme"), "key");
            assertEquals(name, w.membership().execute(key, new Command.CreateWorkspace(w.organization("acme"), name))
                    .orElseThrow().name());
            assertTrue(w.membership().execute(key, new Command.RemoveWorkspaceMember(w.workspace("aw"), w.user("m"),
                    reason)).succeeded());
            List<AuditEntry> trail = w.membership().execute(OBSERVER, Command.ListAuditTrail.of(w.organization("acme"),
                    PageRequest.first(PageRequest.MAX_LIMIT))).orElseThrow().items();
            assertEquals(reason, trail.get(trail.size() - 1).reason());
            assertEquals(List.of("m", "wa"), w.membership().execute(OBSERVER, new Command.ListWorkspaceMembers(
                    w.workspace("acme"), PageRequest.first())).orElseThrow().items().stream()
                    .map(m -> m.user().value()).filter(u -> !u.equals("a")).toList(), "no row was dropped");
        });
    }

    /**
     * Rule 12: Unicode text, surrogate pairs included, is stored and read back verbatim.
     *
     * <p>If it fails: check the store's text encoding (UTF-8 end to end) and column types.
     */
    @Test
    public void rule12_unicodeText_isStoredVerbatim_surrogatePairsIncluded() {
        Gen<String> texts = Generate.pick(List.of("Équipe d'été", "研究チーム", "Lab \uD83D\uDE80 launch", "Ωmega ß",
                "\uD835\uDD38lgebra", "ﬁle naïve café", "emoji \uD83D\uDC69\u200D\uD83D\uDCBB pair"));
        qt().forAll(texts).checkAssert(reason -> {
            World w = World.build(twoOrganizations(), newStore(), MembershipRules.defaults());
            Actor key = Actor.organizationKey(w.organization("acme"), "key");
            assertTrue(w.membership().execute(key, new Command.RemoveWorkspaceMember(w.workspace("aw"), w.user("m"),
                    reason)).succeeded());
            List<AuditEntry> trail = w.membership().execute(OBSERVER, Command.ListAuditTrail.of(w.organization("acme"),
                    PageRequest.first(PageRequest.MAX_LIMIT))).orElseThrow().items();
            assertEquals(reason, trail.get(trail.size() - 1).reason(), "the store kept every character");
        });
    }

    private static Map<String, Construction> orderedMap(Object... pairs) {
        Map<String, Construction> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], (Construction) pairs[i + 1]);
        }
        return map;
    }
}
