package org.membership.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.membership.api.Actor;
import org.membership.api.AuditEntry;
import org.membership.api.Command;
import org.membership.api.Decision;
import org.membership.api.Email;
import org.membership.api.InvalidInputException;
import org.membership.api.Invitation;
import org.membership.api.InvitationId;
import org.membership.api.InvitationStatus;
import org.membership.api.MembershipEvent;
import org.membership.api.MembershipRules;
import org.membership.api.Memberships;
import org.membership.api.Operation;
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationMember;
import org.membership.api.OrganizationRole;
import org.membership.api.OrganizationUserRemoval;
import org.membership.api.Outcome;
import org.membership.api.Page;
import org.membership.api.PageRequest;
import org.membership.api.Presets;
import org.membership.api.Reason;
import org.membership.api.Refusal;
import org.membership.api.UserId;
import org.membership.api.UserStatus;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceMember;
import org.membership.api.WorkspaceRole;
import org.membership.core.spi.MembershipStore;

/**
 * The five documented removal APIs (specification §1), each under its {@link MembershipRules}
 * preset, with the documented outcome for every documented status: success, 400, 401, 403, 404
 * and 409 as each API lists them. Every refusal is also checked as the problem-details document
 * a host would answer with, every call is first asked as a dry run that must decide alike, and
 * every test checks what is stored afterwards, not only the answer.
 *
 * <p>Extend it in a store's test sources:
 * <pre>{@code
 * final class MyStoreDocumentedApisTest extends DocumentedApisContract {
 *     @Override
 *     protected MembershipStore newStore() {
 *         return new MyStore(...);
 *     }
 * }
 * }</pre>
 *
 * <p>Each test builds its own world in a new store. Not thread-safe; JUnit runs one test per instance.
 */
public abstract class DocumentedApisContract {
    private static final Actor ROOT_KEY = Actor.instanceKey("contract-root");
    private static final WorkspaceId ABSENT_WORKSPACE = WorkspaceId.of("no-such-workspace");

    /** How many events the world had published when the test began. */
    private int eventsBefore;

    /** @return a new, empty store; called once per test */
    protected abstract MembershipStore newStore();

    // ---- P1: Paradigm company API, DELETE /api/v3/company/workspaces/{id}/members/users/{user_id} ----

    private Fixture paradigm(MembershipRules rules) {
        return Fixture.builder(newStore()).rules(rules)
                .instanceAdmin("root")
                .organization("acme", org -> org.admin("alice").member("wendy").member("bob").member("carl")
                        .workspace("research", ws -> ws.admin("wendy").member("bob").member("carl")))
                .organization("globex", org -> org.admin("gina").member("gus")
                        .workspace("labs", ws -> ws.admin("gina").member("gus")))
                .build();
    }

    /**
     * P1: a company admin removes a member from a custom workspace of its own company.
     *
     * <p>If it fails: check the workspace and membership lookups.
     */
    @Test
    void p1_companyAdmin_removesFromCustomWorkspaceOfOwnCompany() {
        Fixture f = paradigm(Presets.paradigmCompany());
        WorkspaceMember removed = succeeded(attempt(f, f.actor("alice"), remove(f, "research", "bob")));
        assertEquals(f.workspace("research"), removed.workspace());
        assertEquals(f.user("bob"), removed.user());
        assertEquals(List.of("carl", "wendy"), memberNames(f, "research"));
        assertEquals(List.of(new MembershipEvent.WorkspaceMemberRemoved(f.organization("acme"), f.workspace("research"),
                f.user("bob"), f.clock().instant())), f.events());
    }

    /**
     * P1: a plain member is insufficient_authority (403).
     *
     * <p>If it fails: check the member's stored roles.
     */
    @Test
    void p1_member_isForbidden() {
        Fixture f = paradigm(Presets.paradigmCompany());
        assertRefused(attempt(f, f.actor("bob"), remove(f, "research", "carl")),
                Reason.INSUFFICIENT_AUTHORITY, 403);
        assertUnchanged(f, "research", List.of("bob", "carl", "wendy"));
    }

    /**
     * P1: a workspace admin is not enough (403): company admins or higher.
     *
     * <p>If it fails: check the preset (Presets.paradigmCompany) and the stored roles.
     */
    @Test
    void p1_workspaceAdmin_isForbidden() {
        Fixture f = paradigm(Presets.paradigmCompany());
        assertRefused(attempt(f, f.actor("wendy"), remove(f, "research", "bob")),
                Reason.INSUFFICIENT_AUTHORITY, 403);
        assertUnchanged(f, "research", List.of("bob", "carl", "wendy"));
    }

    /**
     * P1: another company's workspace answers exactly like a missing one (404).
     *
     * <p>If it fails: check that organizationMember finds members of the asked organization only.
     */
    @Test
    void p1_workspaceOfAnotherCompany_isNotFound_exactlyLikeAMissingWorkspace() {
        Fixture f = paradigm(Presets.paradigmCompany());
        Refusal other = assertRefused(attempt(f, f.actor("alice"), remove(f, "labs", "gus")),
                Reason.WORKSPACE_NOT_FOUND, 404);
        Refusal missing = assertRefused(attempt(f, f.actor("alice"),
                new Command.RemoveWorkspaceMember(ABSENT_WORKSPACE, f.user("gus"))), Reason.WORKSPACE_NOT_FOUND, 404);
        assertEquals(missing, other);
        assertEquals(missing.toProblemDetails().toJson(), other.toProblemDetails().toJson());
        assertUnchanged(f, "labs", List.of("gina", "gus"));
    }

    /**
     * P1: an unknown target is not found, as another company's user is.
     *
     * <p>If it fails: check workspaceMember for a missing user.
     */
    @Test
    void p1_unknownUser_isNotFound_likeAUserOfAnotherCompany() {
        Fixture f = paradigm(Presets.paradigmCompany());
        Refusal unknown = assertRefused(attempt(f, f.actor("alice"),
                new Command.RemoveWorkspaceMember(f.workspace("research"), UserId.of("nobody"))),
                Reason.MEMBER_NOT_FOUND, 404);
        Refusal foreign = assertRefused(attempt(f, f.actor("alice"), remove(f, "research", "gus")),
                Reason.MEMBER_NOT_FOUND, 404);
        assertEquals(unknown, foreign);
        assertUnchanged(f, "research", List.of("bob", "carl", "wendy"));
    }

    /**
     * P1: an instance admin succeeds too ("or higher").
     *
     * <p>If it fails: check the user's instance-admin flag as stored.
     */
    @Test
    void p1_instanceAdmin_alsoSucceeds() {
        Fixture f = paradigm(Presets.paradigmCompany());
        succeeded(attempt(f, f.actor("root"), remove(f, "research", "bob")));
        assertEquals(List.of("carl", "wendy"), memberNames(f, "research"));
    }

    /**
     * P1: a default workspace is refused as default_workspace.
     *
     * <p>If it fails: check the workspace's stored kind.
     */
    @Test
    void p1_defaultWorkspace_isNotACustomWorkspace() {
        Fixture f = paradigm(Presets.paradigmCompany());
        assertRefused(attempt(f, f.actor("alice"), remove(f, "acme", "bob")), Reason.DEFAULT_WORKSPACE, 409);
        assertTrue(memberNames(f, "acme").contains("bob"));
        assertTrue(f.events().isEmpty());
    }

    /**
     * P1: an unknown actor is unauthenticated (401).
     *
     * <p>If it fails: check user() for a missing id.
     */
    @Test
    void p1_unknownActor_isUnauthenticated() {
        Fixture f = paradigm(Presets.paradigmCompany());
        assertRefused(attempt(f, Actor.user(UserId.of("ghost")), remove(f, "research", "bob")),
                Reason.UNAUTHENTICATED, 401);
        assertUnchanged(f, "research", List.of("bob", "carl", "wendy"));
    }

    // ---- P2: Paradigm instance API, DELETE /api/v3/instance/workspaces/{id}/members/users/{user_id} ----

    /**
     * P2: an instance admin user removes in any company.
     *
     * <p>If it fails: check the user's instance-admin flag.
     */
    @Test
    void p2_instanceAdminUser_removesInAnyCompany() {
        Fixture f = paradigm(Presets.paradigmInstance());
        succeeded(attempt(f, f.actor("root"), remove(f, "research", "bob")));
        succeeded(attempt(f, f.actor("root"), remove(f, "labs", "gus")));
        assertEquals(List.of("carl", "wendy"), memberNames(f, "research"));
        assertEquals(List.of("gina"), memberNames(f, "labs"));
        assertEquals(2, f.events().size());
    }

    /**
     * P2: an instance key removes in any company.
     *
     * <p>If it fails: check the workspace and membership lookups.
     */
    @Test
    void p2_instanceKey_removesInAnyCompany() {
        Fixture f = paradigm(Presets.paradigmInstance());
        WorkspaceMember removed = succeeded(attempt(f, ROOT_KEY, remove(f, "labs", "gus")));
        assertEquals(f.user("gus"), removed.user());
        assertEquals(List.of("gina"), memberNames(f, "labs"));
        AuditEntry entry = lastAudit(f, "globex");
        assertEquals(Operation.REMOVE_WORKSPACE_MEMBER, entry.action());
        assertEquals(ROOT_KEY.describe(), entry.actor());
    }

    /**
     * P2: an organization admin is insufficient_authority even in its own company.
     *
     * <p>If it fails: check the preset (Presets.paradigmInstance).
     */
    @Test
    void p2_organizationAdmin_isForbidden_evenInOwnCompany() {
        Fixture f = paradigm(Presets.paradigmInstance());
        assertRefused(attempt(f, f.actor("alice"), remove(f, "research", "bob")),
                Reason.INSUFFICIENT_AUTHORITY, 403);
        assertRefused(attempt(f, f.organizationKey("acme"), remove(f, "research", "bob")),
                Reason.INSUFFICIENT_AUTHORITY, 403);
        assertUnchanged(f, "research", List.of("bob", "carl", "wendy"));
    }

    /**
     * P2: an unknown workspace is not found.
     *
     * <p>If it fails: check workspace() for a missing id.
     */
    @Test
    void p2_unknownWorkspace_isNotFound() {
        Fixture f = paradigm(Presets.paradigmInstance());
        assertRefused(attempt(f, f.actor("root"),
                new Command.RemoveWorkspaceMember(ABSENT_WORKSPACE, f.user("bob"))), Reason.WORKSPACE_NOT_FOUND, 404);
        assertRefused(attempt(f, f.actor("root"),
                new Command.RemoveWorkspaceMember(f.workspace("research"), UserId.of("nobody"))),
                Reason.MEMBER_NOT_FOUND, 404);
        assertUnchanged(f, "research", List.of("bob", "carl", "wendy"));
    }

    /**
     * P2: an unknown actor is unauthenticated.
     *
     * <p>If it fails: check user() for a missing id.
     */
    @Test
    void p2_unknownActor_isUnauthenticated() {
        Fixture f = paradigm(Presets.paradigmInstance());
        assertRefused(attempt(f, Actor.user(UserId.of("ghost")), remove(f, "research", "bob")),
                Reason.UNAUTHENTICATED, 401);
        assertUnchanged(f, "research", List.of("bob", "carl", "wendy"));
    }

    // ---- F: Flashback, DELETE /workspace/{id}/users/{userId} ----------------------------------------

    private Fixture flashback() {
        Fixture f = Fixture.builder(newStore()).rules(Presets.flashback())
                .organization("acme", org -> org.admin("olga").member("wendy").member("walt").member("dan")
                        .member("bob").member("carl")
                        .workspace("research", ws -> ws.admin("wendy").admin("walt").admin("dan").member("bob")))
                .organization("globex", org -> org.admin("gina").member("gus")
                        .workspace("labs", ws -> ws.admin("gina").member("gus")))
                .build();
        // dan is a workspace admin whose account has gone back to pending validation
        succeeded(attempt(f, ROOT_KEY, new Command.ChangeUserStatus(f.user("dan"), UserStatus.PENDING_VALIDATION)));
        eventsBefore = f.events().size();
        return f;
    }

    /**
     * F: a workspace admin removes a workspace user.
     *
     * <p>If it fails: check the stored workspace roles.
     */
    @Test
    void f_workspaceAdmin_removes() {
        Fixture f = flashback();
        WorkspaceMember removed = succeeded(attempt(f, f.actor("wendy"),
                new Command.RemoveWorkspaceMember(f.workspace("research"), f.user("bob"), "left the team")));
        assertEquals(f.user("bob"), removed.user());
        assertEquals(List.of("dan", "walt", "wendy"), memberNames(f, "research"));
        assertEquals(new MembershipEvent.WorkspaceMemberRemoved(f.organization("acme"), f.workspace("research"),
                f.user("bob"), f.clock().instant()), f.events().get(eventsBefore));
        assertEquals(eventsBefore + 1, f.events().size());
        AuditEntry entry = lastAudit(f, "acme");
        assertEquals("user:wendy", entry.actor());
        assertEquals("left the team", entry.reason());
    }

    /**
     * F: an actor whose account is not validated is account_not_validated (400).
     *
     * <p>If it fails: check the user's stored status.
     */
    @Test
    void f_unvalidatedActor_isBadRequest() {
        Fixture f = flashback();
        Refusal r = assertRefused(attempt(f, f.actor("dan"), remove(f, "research", "bob")),
                Reason.ACCOUNT_NOT_VALIDATED, 400);
        assertEquals("User not found or account is not validated", r.message());
        assertEquals("account_not_validated", r.code());
        assertUnchanged(f, "research", List.of("bob", "dan", "walt", "wendy"));
    }

    /**
     * F: a non-admin is insufficient_authority (403).
     *
     * <p>If it fails: check the stored workspace roles.
     */
    @Test
    void f_nonAdmin_isForbidden() {
        Fixture f = flashback();
        assertRefused(attempt(f, f.actor("bob"), remove(f, "research", "walt")),
                Reason.INSUFFICIENT_AUTHORITY, 403);
        assertRefused(attempt(f, f.actor("carl"), remove(f, "research", "bob")),
                Reason.INSUFFICIENT_AUTHORITY, 403);
        assertUnchanged(f, "research", List.of("bob", "dan", "walt", "wendy"));
    }

    /**
     * F: nobody removes itself (self_removal), even with another admin left.
     *
     * <p>If it fails: check the preset's self-removal rule.
     */
    @Test
    void f_selfRemoval_isForbidden_evenWithAnotherAdminLeft() {
        Fixture f = flashback();
        Refusal r = assertRefused(attempt(f, f.actor("wendy"), remove(f, "research", "wendy")),
                Reason.SELF_REMOVAL, 403);
        assertEquals("self_removal", r.code());
        assertUnchanged(f, "research", List.of("bob", "dan", "walt", "wendy"));
        assertEquals(WorkspaceRole.ADMIN, succeeded(attempt(f, f.actor("wendy"),
                new Command.GetWorkspaceMember(f.workspace("research"), f.user("wendy")))).role());
    }

    /**
     * F: a target not in the workspace is member_not_found (404).
     *
     * <p>If it fails: check workspaceMember for a non-member.
     */
    @Test
    void f_targetNotInWorkspace_isNotFound() {
        Fixture f = flashback();
        Refusal r = assertRefused(attempt(f, f.actor("wendy"), remove(f, "research", "carl")),
                Reason.MEMBER_NOT_FOUND, 404);
        assertEquals("User not found in workspace", r.message());
        assertUnchanged(f, "research", List.of("bob", "dan", "walt", "wendy"));
    }

    /**
     * F: another organization's workspace answers exactly like a missing one.
     *
     * <p>If it fails: check organizationMember scoped to the asked organization.
     */
    @Test
    void f_workspaceOfAnotherOrganization_isNotFound_exactlyLikeAMissingWorkspace() {
        Fixture f = flashback();
        Refusal other = assertRefused(attempt(f, f.actor("wendy"), remove(f, "labs", "gus")),
                Reason.WORKSPACE_NOT_FOUND, 404);
        Refusal missing = assertRefused(attempt(f, f.actor("wendy"),
                new Command.RemoveWorkspaceMember(ABSENT_WORKSPACE, f.user("gus"))), Reason.WORKSPACE_NOT_FOUND, 404);
        assertEquals(missing, other);
        assertUnchanged(f, "labs", List.of("gina", "gus"));
    }

    /**
     * F: a removal takes effect at once, and only re-adding restores access.
     *
     * <p>If it fails: check deleteWorkspaceMember and the next read.
     */
    @Test
    void f_removal_isImmediate_andOnlyReAddingRestoresAccess() {
        Fixture f = flashback();
        Command.GetWorkspaceMember ownGet = new Command.GetWorkspaceMember(f.workspace("research"), f.user("bob"));
        Command.ListWorkspaceMembers ownList = new Command.ListWorkspaceMembers(f.workspace("research"), PageRequest.first());
        succeeded(attempt(f, f.actor("bob"), ownGet));
        succeeded(attempt(f, f.actor("bob"), ownList));

        succeeded(attempt(f, f.actor("wendy"), remove(f, "research", "bob")));

        assertRefused(attempt(f, f.actor("bob"), ownGet), Reason.INSUFFICIENT_AUTHORITY, 403);
        assertRefused(attempt(f, f.actor("bob"), ownList), Reason.INSUFFICIENT_AUTHORITY, 403);
        assertFalse(f.membership().check(f.actor("bob"), ownList).allowed());
        assertRefused(attempt(f, f.actor("wendy"), remove(f, "research", "bob")),
                Reason.MEMBER_NOT_FOUND, 404);

        succeeded(attempt(f, f.actor("wendy"),
                new Command.AddWorkspaceMember(f.workspace("research"), f.user("bob"), WorkspaceRole.USER)));
        assertEquals(WorkspaceRole.USER, succeeded(attempt(f, f.actor("bob"), ownGet)).role());
        assertTrue(names(succeeded(attempt(f, f.actor("bob"), ownList))).contains("bob"));
    }

    /**
     * F: an unknown actor is unauthenticated.
     *
     * <p>If it fails: check user() for a missing id.
     */
    @Test
    void f_unknownActor_isUnauthenticated() {
        Fixture f = flashback();
        assertRefused(attempt(f, Actor.user(UserId.of("ghost")), remove(f, "research", "bob")),
                Reason.UNAUTHENTICATED, 401);
        assertUnchanged(f, "research", List.of("bob", "dan", "walt", "wendy"));
    }

    // ---- A: Anthropic Admin API, DELETE /v1/organizations/workspaces/{workspace_id}/members/{user_id} ----

    private static final int CROWD = 45;

    private static String crowd(int i) {
        return String.format("u%02d", i);
    }

    private Fixture anthropic() {
        return Fixture.builder(newStore()).rules(Presets.anthropicAdmin())
                .organization("acme", org -> {
                    org.admin("alice").admin("ada").member("bob").member("carl");
                    IntStream.rangeClosed(1, CROWD).forEach(i -> org.member(crowd(i)));
                    org.workspace("research", ws -> ws.admin("alice").member("bob", WorkspaceRole.DEVELOPER));
                    org.workspace("board", ws -> ws.admin("alice").member("ada", WorkspaceRole.DEVELOPER));
                    org.workspace("crowd", ws -> IntStream.rangeClosed(1, CROWD).forEach(i -> ws.member(crowd(i))));
                })
                .organization("globex", org -> org.admin("gina"))
                .build();
    }

    /**
     * A: an organization admin key removes a member, and the result carries the user's and
     * workspace's ids.
     *
     * <p>If it fails: check the removed row as the store returned it.
     */
    @Test
    void a_organizationKey_removes_andTheResultCarriesUserAndWorkspaceIds() {
        Fixture f = anthropic();
        WorkspaceMember removed = succeeded(attempt(f, f.organizationKey("acme"), remove(f, "research", "bob")));
        assertEquals(f.user("bob"), removed.user());
        assertEquals(f.workspace("research"), removed.workspace());
        assertRefused(attempt(f, f.organizationKey("acme"),
                new Command.GetWorkspaceMember(f.workspace("research"), f.user("bob"))), Reason.MEMBER_NOT_FOUND, 404);
        assertEquals(List.of("alice"), memberNames(f, "research"));
        assertEquals(f.organizationKey("acme").describe(), lastAudit(f, "acme").actor());
    }

    /**
     * A: an organization admin key cannot remove an organization admin
     * (organization_admin_protected); an instance admin can.
     *
     * <p>If it fails: check the target's stored organization role.
     */
    @Test
    void a_organizationKey_removingAnOrganizationAdmin_isForbidden_onlyAnInstanceAdminMay() {
        Fixture f = anthropic();
        Refusal removal = assertRefused(attempt(f, f.organizationKey("acme"), remove(f, "board", "ada")),
                Reason.ORGANIZATION_ADMIN_PROTECTED, 403);
        assertEquals("organization_admin_protected", removal.code());
        assertRefused(attempt(f, f.organizationKey("acme"),
                new Command.ChangeWorkspaceRole(f.workspace("board"), f.user("ada"), WorkspaceRole.USER)),
                Reason.ORGANIZATION_ADMIN_PROTECTED, 403);
        assertRefused(attempt(f, f.actor("alice"), remove(f, "board", "ada")), Reason.ORGANIZATION_ADMIN_PROTECTED, 403);
        assertRefused(attempt(f, f.organizationKey("acme"), removeByEmail(f, "acme", "ada@example.com")),
                Reason.ORGANIZATION_ADMIN_PROTECTED, 403);
        assertUnchanged(f, "board", List.of("ada", "alice"));
        assertEquals(WorkspaceRole.DEVELOPER, succeeded(attempt(f, f.organizationKey("acme"),
                new Command.GetWorkspaceMember(f.workspace("board"), f.user("ada")))).role());

        succeeded(attempt(f, ROOT_KEY, remove(f, "board", "ada")));
        assertEquals(List.of("alice"), memberNames(f, "board"));
    }

    /**
     * A: get returns the member with its role.
     *
     * <p>If it fails: check workspaceMember.
     */
    @Test
    void a_get_returnsTheMemberWithItsRole() {
        Fixture f = anthropic();
        WorkspaceMember bob = succeeded(attempt(f, f.organizationKey("acme"),
                new Command.GetWorkspaceMember(f.workspace("research"), f.user("bob"))));
        assertEquals(new WorkspaceMember(f.workspace("research"), f.user("bob"), WorkspaceRole.DEVELOPER, bob.since()), bob);
        assertRefused(attempt(f, f.organizationKey("acme"),
                new Command.GetWorkspaceMember(f.workspace("research"), f.user("carl"))), Reason.MEMBER_NOT_FOUND, 404);
    }

    /**
     * A: listing pages 20 by default, forward with last_id and has_more.
     *
     * <p>If it fails: check workspaceMembers' keyset slice (ascending ids, after a key, limit).
     */
    @Test
    void a_list_defaultLimitIs20_andPagesForwardWithLastIdAndHasMore() {
        Fixture f = anthropic();
        Page<WorkspaceMember> first = list(f, PageRequest.first());
        assertPage(first, 1, 20, true);
        Page<WorkspaceMember> second = list(f, PageRequest.after(first.lastId().orElseThrow(), PageRequest.DEFAULT_LIMIT));
        assertPage(second, 21, 40, true);
        Page<WorkspaceMember> third = list(f, PageRequest.after(second.lastId().orElseThrow(), PageRequest.DEFAULT_LIMIT));
        assertPage(third, 41, 45, false);
        Page<WorkspaceMember> beyond = list(f, PageRequest.after(third.lastId().orElseThrow(), PageRequest.DEFAULT_LIMIT));
        assertEquals(List.of(), beyond.items());
        assertEquals(Optional.empty(), beyond.firstId());
        assertEquals(Optional.empty(), beyond.lastId());
        assertFalse(beyond.hasMore());
    }

    /**
     * A: listing pages backward with first_id and has_more.
     *
     * <p>If it fails: check workspaceMembers' slice before a key.
     */
    @Test
    void a_list_pagesBackwardWithFirstIdAndHasMore() {
        Fixture f = anthropic();
        Page<WorkspaceMember> last = list(f, PageRequest.after(crowd(40), PageRequest.DEFAULT_LIMIT));
        assertPage(last, 41, 45, false);
        Page<WorkspaceMember> middle = list(f, PageRequest.before(last.firstId().orElseThrow(), PageRequest.DEFAULT_LIMIT));
        assertPage(middle, 21, 40, true);
        Page<WorkspaceMember> start = list(f, PageRequest.before(middle.firstId().orElseThrow(), PageRequest.DEFAULT_LIMIT));
        assertPage(start, 1, 20, false);
        Page<WorkspaceMember> partial = list(f, PageRequest.before(crowd(11), 7));
        assertPage(partial, 4, 10, true);
    }

    /**
     * A: limits 1 and 1000 work.
     *
     * <p>If it fails: check the slice's limit.
     */
    @Test
    void a_list_limitsOneAndOneThousand() {
        Fixture f = anthropic();
        Page<WorkspaceMember> one = list(f, PageRequest.first(1));
        assertPage(one, 1, 1, true);
        assertEquals(one.firstId(), one.lastId());
        Page<WorkspaceMember> all = list(f, PageRequest.first(PageRequest.MAX_LIMIT));
        assertPage(all, 1, CROWD, false);
        Page<WorkspaceMember> exact = list(f, PageRequest.first(CROWD));
        assertPage(exact, 1, CROWD, false);
    }

    /**
     * A: a limit outside 1-1000 is invalid_input naming limit, before any store call.
     *
     * <p>If it fails: check PageRequest (no store is involved).
     */
    @Test
    void a_list_limitOutsideOneToOneThousand_isInvalidInputNamingLimit() {
        for (int limit : new int[] {0, 1001, -1}) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> PageRequest.first(limit));
            assertEquals("limit", e.field());
            assertTrue(e.getMessage().contains("limit"), e.getMessage());
            assertProblem(e.refusal(), Reason.INVALID_INPUT, 400);
            assertTrue(e.refusal().toProblemDetails().toJson().contains("\"field\":\"limit\""));
        }
        assertThrows(InvalidInputException.class, () -> PageRequest.after("u01", 1001));
        assertThrows(InvalidInputException.class, () -> PageRequest.before("u01", 0));
    }

    /**
     * A: add adds a member with its role.
     *
     * <p>If it fails: check insertWorkspaceMember and the next read.
     */
    @Test
    void a_add_addsAMember() {
        Fixture f = anthropic();
        WorkspaceMember added = succeeded(attempt(f, f.organizationKey("acme"),
                new Command.AddWorkspaceMember(f.workspace("research"), f.user("carl"), WorkspaceRole.RESTRICTED_DEVELOPER)));
        assertEquals(WorkspaceRole.RESTRICTED_DEVELOPER, added.role());
        assertEquals(added, succeeded(attempt(f, f.organizationKey("acme"),
                new Command.GetWorkspaceMember(f.workspace("research"), f.user("carl")))));
        assertRefused(attempt(f, f.organizationKey("acme"),
                new Command.AddWorkspaceMember(f.workspace("research"), f.user("carl"), WorkspaceRole.USER)),
                Reason.ALREADY_MEMBER, 409);
        assertEquals(List.of("alice", "bob", "carl"), memberNames(f, "research"));
    }

    /**
     * A: update changes the stored role.
     *
     * <p>If it fails: check updateWorkspaceMember.
     */
    @Test
    void a_updateRole_changesTheStoredRole() {
        Fixture f = anthropic();
        WorkspaceMember changed = succeeded(attempt(f, f.organizationKey("acme"),
                new Command.ChangeWorkspaceRole(f.workspace("research"), f.user("bob"), WorkspaceRole.BILLING)));
        assertEquals(WorkspaceRole.BILLING, changed.role());
        assertEquals(WorkspaceRole.BILLING, succeeded(attempt(f, f.organizationKey("acme"),
                new Command.GetWorkspaceMember(f.workspace("research"), f.user("bob")))).role());
        assertEquals(List.of(new MembershipEvent.WorkspaceRoleChanged(f.organization("acme"), f.workspace("research"),
                f.user("bob"), WorkspaceRole.DEVELOPER, WorkspaceRole.BILLING, f.clock().instant())), f.events());
    }

    /**
     * A: another organization's key gets not found, exactly as for an absent workspace.
     *
     * <p>If it fails: check the workspace's stored organization.
     */
    @Test
    void a_keyOfAnotherOrganization_isNotFound_exactlyLikeAnAbsentWorkspace() {
        Fixture f = anthropic();
        Actor foreign = f.organizationKey("globex");
        WorkspaceId research = f.workspace("research");
        List<java.util.function.Function<WorkspaceId, Command<?>>> commands = List.of(
                ws -> new Command.RemoveWorkspaceMember(ws, f.user("bob")),
                ws -> new Command.GetWorkspaceMember(ws, f.user("bob")),
                ws -> new Command.ListWorkspaceMembers(ws, PageRequest.first()),
                ws -> new Command.AddWorkspaceMember(ws, f.user("carl"), WorkspaceRole.USER),
                ws -> new Command.ChangeWorkspaceRole(ws, f.user("bob"), WorkspaceRole.ADMIN));
        for (var command : commands) {
            Refusal other = assertRefused(attempt(f, foreign, command.apply(research)),
                    Reason.WORKSPACE_NOT_FOUND, 404);
            Refusal absent = assertRefused(attempt(f, foreign, command.apply(ABSENT_WORKSPACE)),
                    Reason.WORKSPACE_NOT_FOUND, 404);
            assertEquals(absent, other);
            assertEquals(absent, f.membership().check(foreign, command.apply(research)).refusal().orElseThrow());
        }
        assertUnchanged(f, "research", List.of("alice", "bob"));
        assertEquals(WorkspaceRole.DEVELOPER, succeeded(attempt(f, f.organizationKey("acme"),
                new Command.GetWorkspaceMember(research, f.user("bob")))).role());
    }

    private static Page<WorkspaceMember> list(Fixture f, PageRequest page) {
        return succeeded(attempt(f, f.organizationKey("acme"),
                new Command.ListWorkspaceMembers(f.workspace("crowd"), page)));
    }

    private static void assertPage(Page<WorkspaceMember> page, int from, int to, boolean hasMore) {
        List<String> expected = IntStream.rangeClosed(from, to).mapToObj(DocumentedApisContract::crowd).toList();
        assertEquals(expected, names(page));
        assertEquals(Optional.of(crowd(from)), page.firstId(), "first_id");
        assertEquals(Optional.of(crowd(to)), page.lastId(), "last_id");
        assertEquals(hasMore, page.hasMore(), "has_more");
    }

    // ---- X: Factory, DELETE /api/v0/organization/users?email=… ------------------------------------

    private static final InvitationId BOBS_INVITATION = InvitationId.of("inv-bob");

    private Fixture factory() {
        Fixture f = Fixture.builder(newStore()).rules(Presets.factory())
                .organization("acme", org -> org.admin("alice").admin("amy").member("bob").member("carl")
                        .workspace("research", ws -> ws.admin("alice").member("bob"))
                        .workspace("design", ws -> ws.admin("amy").admin("alice").member("bob", WorkspaceRole.DEVELOPER))
                        .workspace("ops", ws -> ws.admin("alice").member("carl"))
                        .invitation("dora@example.com"))
                .organization("solo", org -> org.admin("sol").member("sam"))
                .build();
        // A member who also has a pending invitation cannot be reached through the engine (inviting a
        // member is refused), but hosts migrating data can hold it, so it is written straight to the store.
        Invitation pending = new Invitation(BOBS_INVITATION, f.organization("acme"), Fixture.email("bob"),
                OrganizationRole.ADMIN, InvitationStatus.PENDING, f.clock().instant(), f.clock().instant().plus(Duration.ofDays(7)));
        f.store().write(tx -> {
            tx.insertInvitation(pending);
            return null;
        });
        return f;
    }

    private static Command.RemoveOrganizationUser removeByEmail(Fixture f, String organization, String email) {
        return new Command.RemoveOrganizationUser(f.organization(organization), Email.of(email), "offboarding");
    }

    /**
     * X: an active member is removed with its custom-workspace memberships and its pending
     * invitation, in one change with one audit entry and one event.
     *
     * <p>If it fails: check deleteWorkspaceMembershipsIn, deleteOrganizationMember,
     * updateInvitationStatus and the audit row, all in one transaction.
     */
    @Test
    void x_activeMember_isRemovedWithWorkspacesAndInvitation_inOneChange() {
        Fixture f = factory();
        int auditBefore = auditTrail(f, "acme").size();
        OrganizationUserRemoval.MemberRemoved removal = assertInstanceOf(OrganizationUserRemoval.MemberRemoved.class, succeeded(attempt(f, f.actor("alice"),
                removeByEmail(f, "acme", "bob@example.com"))));

        OrganizationMember member = removal.member();
        assertEquals(f.user("bob"), member.user());
        assertEquals(OrganizationRole.MEMBER, member.role());
        List<WorkspaceId> bobsWorkspaces = sorted(f.workspace("research"), f.workspace("design"));
        assertEquals(bobsWorkspaces, removal.workspaces());
        Invitation revoked = removal.revokedInvitation().orElseThrow();
        assertEquals(BOBS_INVITATION, revoked.id());
        assertEquals(InvitationStatus.REVOKED, revoked.storedStatus());

        Memberships bobs = succeeded(attempt(f, ROOT_KEY, new Command.ListMemberships(f.user("bob"))));
        assertEquals(List.of(), bobs.organizations());
        assertEquals(List.of(), bobs.workspaces());
        assertFalse(memberNames(f, "acme").contains("bob"));
        assertEquals(List.of("alice"), memberNames(f, "research"));
        assertEquals(List.of("alice", "amy"), memberNames(f, "design"));
        assertEquals(List.of("alice", "carl"), memberNames(f, "ops"));
        assertEquals(List.of("dora@example.com"), pendingEmails(f, "acme"));
        assertEquals(InvitationStatus.REVOKED,
                f.store().read(tx -> tx.invitation(BOBS_INVITATION)).orElseThrow().storedStatus());

        List<AuditEntry> trail = auditTrail(f, "acme");
        assertEquals(auditBefore + 1, trail.size(), "one change, one audit entry");
        AuditEntry entry = trail.get(trail.size() - 1);
        assertEquals(Operation.REMOVE_ORGANIZATION_USER, entry.action());
        assertEquals("user:alice", entry.actor());
        assertEquals("offboarding", entry.reason());
        List<String> cascade = new ArrayList<>();
        bobsWorkspaces.forEach(w -> cascade.add("removed from workspace:" + w.value()));
        cascade.add("revoked invitation:" + BOBS_INVITATION.value());
        assertEquals(cascade, entry.cascade());

        assertEquals(List.of(new MembershipEvent.OrganizationMemberRemoved(f.organization("acme"), f.user("bob"),
                bobsWorkspaces, Optional.of(BOBS_INVITATION), f.clock().instant())), f.events());
    }

    /**
     * X: a lone pending invitation is revoked, nobody else touched.
     *
     * <p>If it fails: check pendingInvitation and updateInvitationStatus.
     */
    @Test
    void x_onlyPendingInvitation_isRevoked() {
        Fixture f = factory();
        // an invitation revoked, and no member removed
        OrganizationUserRemoval.InvitationRevoked removal = assertInstanceOf(OrganizationUserRemoval.InvitationRevoked.class, succeeded(attempt(f, f.actor("alice"),
                removeByEmail(f, "acme", "dora@example.com"))));
        Invitation revoked = removal.invitation();
        assertEquals(f.invitation("dora@example.com"), revoked.id());
        assertEquals(InvitationStatus.REVOKED, revoked.storedStatus());
        assertEquals(List.of("bob@example.com"), pendingEmails(f, "acme"));
        assertEquals(List.of("revoked invitation:" + revoked.id().value()), lastAudit(f, "acme").cascade());
        assertEquals(List.of(new MembershipEvent.InvitationRevoked(revoked, f.clock().instant())), f.events());
        assertTrue(memberNames(f, "acme").contains("bob"), "nobody else is touched");
    }

    /**
     * X: neither a member nor a pending invitation is neither_member_nor_invitation (404).
     *
     * <p>If it fails: check userByEmail and pendingInvitation for an unknown email.
     */
    @Test
    void x_neitherMemberNorInvitation_isNotFound() {
        Fixture f = factory();
        int auditBefore = auditTrail(f, "acme").size();
        assertRefused(attempt(f, f.actor("alice"), removeByEmail(f, "acme", "zed@example.com")),
                Reason.NEITHER_MEMBER_NOR_INVITATION, 404);
        assertRefused(attempt(f, f.actor("alice"), removeByEmail(f, "acme", "sam@example.com")),
                Reason.NEITHER_MEMBER_NOR_INVITATION, 404);
        assertEquals(auditBefore, auditTrail(f, "acme").size());
        assertTrue(f.events().isEmpty());
        assertEquals(List.of("alice", "amy", "bob", "carl"), memberNames(f, "acme"));
    }

    /**
     * X: a malformed email is invalid_input naming email, before any store call.
     *
     * <p>If it fails: check Email (no store is involved).
     */
    @Test
    void x_malformedEmail_isInvalidInputNamingEmail() {
        for (String malformed : new String[] {"bob", "bob@", "@example.com", "bob@example", "b ob@example.com", " "}) {
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> new Command.RemoveOrganizationUser(OrganizationId.of("1"), Email.of(malformed)), malformed);
            assertEquals("email", e.field());
            assertProblem(e.refusal(), Reason.INVALID_INPUT, 400);
            assertTrue(e.refusal().toProblemDetails().toJson().contains("\"field\":\"email\""));
        }
    }

    /**
     * X: removing the last usable organization admin is last_admin (409).
     *
     * <p>If it fails: check countOrganizationAdmins.
     */
    @Test
    void x_lastAdmin_isConflict() {
        Fixture f = factory();
        Refusal byKey = assertRefused(attempt(f, f.organizationKey("solo"), removeByEmail(f, "solo", "sol@example.com")),
                Reason.LAST_ADMIN, 409);
        assertEquals("last_admin", byKey.code());
        assertRefused(attempt(f, f.actor("sol"), removeByEmail(f, "solo", "sol@example.com")),
                Reason.LAST_ADMIN, 409);
        assertEquals(List.of("sam", "sol"), memberNames(f, "solo"));
        assertEquals(WorkspaceRole.ADMIN, succeeded(attempt(f, f.actor("sol"),
                new Command.GetWorkspaceMember(f.workspace("solo"), f.user("sol")))).role());
        assertTrue(f.events().isEmpty());
    }

    /**
     * X: removing a member who is the last usable admin of a custom workspace is last_admin.
     *
     * <p>If it fails: check workspaceMembershipsIn and countWorkspaceAdmins.
     */
    @Test
    void x_lastAdminOfAWorkspace_isConflict() {
        Fixture f = factory();
        // alice is an organization admin with another admin beside her, but the only admin of research and ops
        assertRefused(attempt(f, f.actor("amy"), removeByEmail(f, "acme", "alice@example.com")),
                Reason.LAST_ADMIN, 409);
        assertEquals(List.of("alice", "bob"), memberNames(f, "research"));
        assertEquals(List.of("alice", "amy", "bob", "carl"), memberNames(f, "acme"));
        assertTrue(f.events().isEmpty());
    }

    /**
     * X: an admin may leave while another admin remains.
     *
     * <p>If it fails: check the counts with both admins stored.
     */
    @Test
    void x_adminMayLeaveWhileAnotherAdminRemains() {
        Fixture f = factory();
        succeeded(attempt(f, f.actor("amy"), removeByEmail(f, "acme", "amy@example.com")));
        assertEquals(List.of("alice", "bob", "carl"), memberNames(f, "acme"));
        assertRefused(attempt(f, f.actor("alice"), removeByEmail(f, "acme", "alice@example.com")),
                Reason.LAST_ADMIN, 409);
    }

    /**
     * X: an email in any case matches.
     *
     * <p>If it fails: check that userByEmail and pendingInvitation match the normalized email.
     */
    @Test
    void x_mixedCaseEmail_matches() {
        Fixture f = factory();
        OrganizationUserRemoval.MemberRemoved removal = assertInstanceOf(OrganizationUserRemoval.MemberRemoved.class, succeeded(attempt(f, f.actor("alice"),
                new Command.RemoveOrganizationUser(f.organization("acme"), Email.of("  CaRL@Example.COM ")))));
        assertEquals(f.user("carl"), removal.member().user());
        assertEquals(List.of(f.workspace("ops")), removal.workspaces());
        assertEquals(List.of("alice", "amy", "bob"), memberNames(f, "acme"));
        OrganizationUserRemoval.InvitationRevoked invitation = assertInstanceOf(OrganizationUserRemoval.InvitationRevoked.class, succeeded(attempt(f, f.actor("alice"),
                removeByEmail(f, "acme", "DORA@EXAMPLE.COM"))));
        assertEquals(f.invitation("dora@example.com"), invitation.invitation().id());
    }

    /**
     * X: a plain member is insufficient_authority.
     *
     * <p>If it fails: check the stored organization role.
     */
    @Test
    void x_member_isForbidden() {
        Fixture f = factory();
        assertRefused(attempt(f, f.actor("carl"), removeByEmail(f, "acme", "bob@example.com")),
                Reason.INSUFFICIENT_AUTHORITY, 403);
        assertTrue(memberNames(f, "acme").contains("bob"));
        assertEquals(List.of("bob@example.com", "dora@example.com"), pendingEmails(f, "acme"));
    }

    /**
     * X: another organization answers exactly like a missing one.
     *
     * <p>If it fails: check organization() and organizationMember scoped to the asked organization.
     */
    @Test
    void x_otherOrganization_isNotFound_exactlyLikeAMissingOne() {
        Fixture f = factory();
        Refusal other = assertRefused(attempt(f, f.actor("alice"), removeByEmail(f, "solo", "sam@example.com")),
                Reason.ORGANIZATION_NOT_FOUND, 404);
        Refusal missing = assertRefused(attempt(f, f.actor("alice"),
                new Command.RemoveOrganizationUser(OrganizationId.of("no-such-org"), Email.of("sam@example.com"))),
                Reason.ORGANIZATION_NOT_FOUND, 404);
        assertEquals(missing, other);
        assertEquals(List.of("sam", "sol"), memberNames(f, "solo"));
    }

    /**
     * X: an unknown actor is unauthenticated.
     *
     * <p>If it fails: check user() for a missing id.
     */
    @Test
    void x_unknownActor_isUnauthenticated() {
        Fixture f = factory();
        assertRefused(attempt(f, Actor.user(UserId.of("ghost")), removeByEmail(f, "acme", "bob@example.com")),
                Reason.UNAUTHENTICATED, 401);
        assertTrue(memberNames(f, "acme").contains("bob"));
    }

    // ---- helpers ------------------------------------------------------------------------------------

    private static Command.RemoveWorkspaceMember remove(Fixture f, String workspace, String user) {
        return new Command.RemoveWorkspaceMember(f.workspace(workspace), f.user(user));
    }

    /** Asks the dry run first, then executes: both must decide alike. */
    private static <R> Outcome<R> attempt(Fixture f, Actor actor, Command<R> command) {
        Decision dryRun = f.membership().check(actor, command);
        Outcome<R> outcome = f.membership().execute(actor, command);
        assertEquals(dryRun.refusal(), outcome.refusal(), () -> "the dry run decided differently for " + command);
        return outcome;
    }

    private static <R> R succeeded(Outcome<R> outcome) {
        assertTrue(outcome.succeeded(), () -> "expected success, got " + outcome);
        return outcome.orElseThrow();
    }

    /** Asserts the refusal's reason and status, and its problem-details document; returns it. */
    private static Refusal assertRefused(Outcome<?> outcome, Reason reason, int status) {
        Refusal refusal = outcome.refusal().orElseThrow(() -> new AssertionError("expected " + reason + ", got " + outcome));
        assertEquals(reason, refusal.reason(), refusal::message);
        assertProblem(refusal, reason, status);
        return refusal;
    }

    private static void assertProblem(Refusal refusal, Reason reason, int status) {
        assertEquals(status, refusal.status());
        String json = refusal.toProblemDetails().toJson();
        assertTrue(json.contains("\"status\":" + status), json);
        assertTrue(json.contains("\"title\":\"" + reason.title() + "\""), json);
        assertTrue(json.contains("\"detail\":\"" + refusal.message() + "\""), json);
        assertTrue(json.contains("\"code\":\"" + reason.code() + "\""), json);
        assertFalse(refusal.message().isBlank());
    }

    /** Asserts the workspace still has exactly these members and nothing was published since the world was built. */
    private void assertUnchanged(Fixture f, String workspace, List<String> members) {
        assertEquals(members, memberNames(f, workspace));
        assertEquals(eventsBefore, f.events().size(), () -> "no events expected, got " + f.events());
    }

    private static List<String> memberNames(Fixture f, String workspace) {
        return names(succeeded(attempt(f, ROOT_KEY,
                new Command.ListWorkspaceMembers(f.workspace(workspace), PageRequest.first(PageRequest.MAX_LIMIT)))));
    }

    private static List<String> names(Page<WorkspaceMember> page) {
        return page.items().stream().map(m -> m.user().value()).toList();
    }

    private static List<String> pendingEmails(Fixture f, String organization) {
        return succeeded(attempt(f, ROOT_KEY, new Command.ListInvitations(f.organization(organization),
                PageRequest.first(PageRequest.MAX_LIMIT)))).items().stream().map(i -> i.email().value()).sorted().toList();
    }

    private static List<AuditEntry> auditTrail(Fixture f, String organization) {
        return succeeded(attempt(f, ROOT_KEY, Command.ListAuditTrail.of(f.organization(organization),
                PageRequest.first(PageRequest.MAX_LIMIT)))).items();
    }

    private static AuditEntry lastAudit(Fixture f, String organization) {
        List<AuditEntry> trail = auditTrail(f, organization);
        return trail.get(trail.size() - 1);
    }

    private static List<WorkspaceId> sorted(WorkspaceId... ids) {
        return java.util.Arrays.stream(ids).sorted().toList();
    }
}
