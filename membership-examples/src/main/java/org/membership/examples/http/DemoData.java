package org.membership.examples.http;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.membership.api.Actor;
import org.membership.api.Command;
import org.membership.api.Email;
import org.membership.api.Invitation;
import org.membership.api.Membership;
import org.membership.api.Organization;
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationRole;
import org.membership.api.Outcome;
import org.membership.api.User;
import org.membership.api.UserId;
import org.membership.api.UserStatus;
import org.membership.api.Workspace;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceRole;
import org.membership.core.IdGenerator;
import org.membership.core.MembershipEngine;
import org.membership.core.spi.MembershipStore;

/**
 * The demo dataset ({@code --demo}): two companies with a default and a custom workspace each,
 * users at every authority level, pending invitations, and fixed credentials for all of them, so
 * that the README's curl walk-through can be pasted as is. Fixed credentials are for a local demo
 * only; the server binds to 127.0.0.1 by default.
 *
 * <pre>
 * Paradigm Co (integer ids)          organization 1, default workspace 2, custom workspace 3 "Research"
 *   100 root   instance admin        (no organization)
 *   101 ada    organization admin
 *   102 ben    member, admin of Research
 *   103 cy     member, developer in Research
 *   104 dee    member (default workspace only)
 *   105 eve    account not yet validated, pending invitation; fay@paradigm.example invited, no account
 * Flashback Labs (UUIDs, string user ids)
 *   alice organization admin, bob admin of Design, carol developer in Design, dan member,
 *   erin not yet validated with a pending invitation (FLASHBACK_ERIN_INVITATION); frank@flashback.example
 *   invited, no account
 * </pre>
 *
 * The data is created through the library on first start (an existing dataset is left as it is);
 * ids are deterministic, so the constants below are the ids the store holds.
 *
 * <p>Stateless; thread-safe.
 */
final class DemoData {
    static final String INSTANCE_KEY = "demo_instance_key";

    static final String ROOT = "100";
    static final String ADA = "101";
    static final String BEN = "102";
    static final String CY = "103";
    static final String DEE = "104";
    static final String EVE = "105";
    static final String PARADIGM_ORG = "1";
    static final String PARADIGM_DEFAULT = "2";
    static final String PARADIGM_RESEARCH = "3";
    static final String PARADIGM_KEY = "demo_key_paradigm";

    static final String ALICE = "alice";
    static final String BOB = "bob";
    static final String CAROL = "carol";
    static final String DAN = "dan";
    static final String ERIN = "erin";
    static final String FLASHBACK_ORG = uuid(1);
    static final String FLASHBACK_DEFAULT = uuid(2);
    static final String FLASHBACK_DESIGN = uuid(3);
    /** Erin's pending invitation to Flashback Labs, for Anthropic's invite endpoints. */
    static final String FLASHBACK_ERIN_INVITATION = uuid(7);
    static final String FLASHBACK_KEY = "demo_key_flashback";

    /** Every demo user's bearer token, by user id. */
    static final Map<String, String> TOKENS = tokens();

    private DemoData() {}

    private static Map<String, String> tokens() {
        Map<String, String> t = new LinkedHashMap<>();
        for (String[] u : new String[][] {{ROOT, "root"}, {ADA, "ada"}, {BEN, "ben"}, {CY, "cy"}, {DEE, "dee"},
                {EVE, "eve"}, {ALICE, ALICE}, {BOB, BOB}, {CAROL, CAROL}, {DAN, DAN}, {ERIN, ERIN}}) {
            t.put(u[0], "demo_token_" + u[1]);
        }
        return Map.copyOf(t);
    }

    static String token(String user) {
        return TOKENS.get(user);
    }

    private static String uuid(long n) {
        return UUID.nameUUIDFromBytes(("membership-demo:" + n).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /**
     * Creates the dataset unless it is already there, and registers its credentials.
     *
     * @return what to print: the dataset and its credentials
     */
    static String load(MembershipStore store, Clock clock, Credentials credentials) {
        boolean present = store.read(tx -> tx.user(UserId.of(ROOT)).isPresent());
        if (!present) {
            seed(store, clock);
        }
        TOKENS.forEach((user, token) -> credentials.register(token, Actor.user(UserId.of(user))));
        credentials.register(PARADIGM_KEY, Actor.organizationKey(OrganizationId.of(PARADIGM_ORG), "demo-key"));
        credentials.register(FLASHBACK_KEY, Actor.organizationKey(OrganizationId.of(FLASHBACK_ORG), "demo-key"));
        return describe(present);
    }

    private static void seed(MembershipStore store, Clock clock) {
        AtomicLong uuids = new AtomicLong();
        IdGenerator demoUuids = () -> uuid(uuids.incrementAndGet());
        Membership integers = MembershipEngine.builder(store).clock(clock).ids(SequentialIds.resumingAfter(store)).build();
        Membership strings = MembershipEngine.builder(store).clock(clock).ids(demoUuids).build();
        Actor root = Actor.instanceKey("demo-seed");

        user(strings, root, ROOT, "root@membership.example", UserStatus.VALIDATED, true);
        user(strings, root, ADA, "ada@paradigm.example", UserStatus.VALIDATED, false);
        for (String[] u : new String[][] {{BEN, "ben"}, {CY, "cy"}, {DEE, "dee"}}) {
            user(strings, root, u[0], u[1] + "@paradigm.example", UserStatus.VALIDATED, false);
        }
        user(strings, root, EVE, "eve@paradigm.example", UserStatus.PENDING_VALIDATION, false);
        Organization paradigm = ok(integers.execute(root, new Command.CreateOrganization("Paradigm Co", UserId.of(ADA))));
        Workspace research = ok(integers.execute(root, new Command.CreateWorkspace(paradigm.id(), "Research")));
        expect(paradigm.id().value(), PARADIGM_ORG);
        expect(paradigm.defaultWorkspace().value(), PARADIGM_DEFAULT);
        expect(research.id().value(), PARADIGM_RESEARCH);
        join(integers, paradigm, BEN, "ben@paradigm.example");
        join(integers, paradigm, CY, "cy@paradigm.example");
        join(integers, paradigm, DEE, "dee@paradigm.example");
        invite(integers, paradigm, "eve@paradigm.example");
        invite(integers, paradigm, "fay@paradigm.example");
        ok(integers.execute(root, new Command.AddWorkspaceMember(research.id(), UserId.of(BEN), WorkspaceRole.ADMIN)));
        ok(integers.execute(root, new Command.AddWorkspaceMember(research.id(), UserId.of(CY), WorkspaceRole.DEVELOPER)));

        user(strings, root, ALICE, "alice@flashback.example", UserStatus.VALIDATED, false);
        for (String u : new String[] {BOB, CAROL, DAN}) {
            user(strings, root, u, u + "@flashback.example", UserStatus.VALIDATED, false);
        }
        user(strings, root, ERIN, "erin@flashback.example", UserStatus.PENDING_VALIDATION, false);
        Organization flashback = ok(strings.execute(root, new Command.CreateOrganization("Flashback Labs", UserId.of(ALICE))));
        Workspace design = ok(strings.execute(root, new Command.CreateWorkspace(flashback.id(), "Design")));
        expect(flashback.id().value(), FLASHBACK_ORG);
        expect(flashback.defaultWorkspace().value(), FLASHBACK_DEFAULT);
        expect(design.id().value(), FLASHBACK_DESIGN);
        join(strings, flashback, BOB, "bob@flashback.example");
        join(strings, flashback, CAROL, "carol@flashback.example");
        join(strings, flashback, DAN, "dan@flashback.example");
        expect(invite(strings, flashback, "erin@flashback.example").id().value(), FLASHBACK_ERIN_INVITATION);
        invite(strings, flashback, "frank@flashback.example");
        ok(strings.execute(root, new Command.AddWorkspaceMember(design.id(), UserId.of(BOB), WorkspaceRole.ADMIN)));
        ok(strings.execute(root, new Command.AddWorkspaceMember(design.id(), UserId.of(CAROL), WorkspaceRole.DEVELOPER)));
    }

    private static void user(Membership m, Actor root, String id, String email, UserStatus status, boolean instanceAdmin) {
        ok(m.execute(root, new Command.RegisterUser(new User(UserId.of(id), Email.of(email), status, instanceAdmin))));
    }

    private static void join(Membership m, Organization organization, String user, String email) {
        Invitation invitation = invite(m, organization, email);
        ok(m.execute(Actor.user(UserId.of(user)), new Command.AcceptInvitation(invitation.id())));
    }

    private static Invitation invite(Membership m, Organization organization, String email) {
        return ok(m.execute(Actor.instanceKey("demo-seed"),
                new Command.InviteToOrganization(organization.id(), Email.of(email), OrganizationRole.MEMBER)));
    }

    private static <R> R ok(Outcome<R> outcome) {
        return outcome.orElseThrow(refusal ->
                new IllegalStateException("demo data refused: " + outcome.refusal().orElseThrow().message()));
    }

    private static void expect(String actual, String expected) {
        if (!actual.equals(expected)) {
            throw new IllegalStateException("demo data got id " + actual + " where " + expected + " was expected;"
                    + " start --demo on an empty store");
        }
    }

    private static String describe(boolean present) {
        String t = "demo_token_";
        return String.join("\n",
                "Demo dataset " + (present ? "(already in the store)" : "(created)") + ":",
                "  instance key (admin endpoints, P2):  " + INSTANCE_KEY,
                "  instance admin  root  id 100  token " + t + "root",
                "",
                "  Paradigm Co       organization " + PARADIGM_ORG + "  admin key " + PARADIGM_KEY,
                "    workspaces: default " + PARADIGM_DEFAULT + ", custom " + PARADIGM_RESEARCH + " \"Research\"",
                "    org admin        ada  id 101  token " + t + "ada",
                "    workspace admin  ben  id 102  token " + t + "ben    (admin of Research)",
                "    member           cy   id 103  token " + t + "cy     (developer in Research)",
                "    member           dee  id 104  token " + t + "dee    (default workspace only)",
                "    not validated    eve  id 105  token " + t + "eve    (invited, pending)",
                "    pending invitations: eve@paradigm.example, fay@paradigm.example",
                "",
                "  Flashback Labs    organization " + FLASHBACK_ORG + "  admin key " + FLASHBACK_KEY,
                "    workspaces: default " + FLASHBACK_DEFAULT + ", custom " + FLASHBACK_DESIGN + " \"Design\"",
                "    org admin        alice  token " + t + "alice",
                "    workspace admin  bob    token " + t + "bob      (admin of Design)",
                "    member           carol  token " + t + "carol    (developer in Design)",
                "    member           dan    token " + t + "dan      (default workspace only)",
                "    not validated    erin   token " + t + "erin     (invited, pending)",
                "    pending invitations: erin@flashback.example (" + FLASHBACK_ERIN_INVITATION + "),"
                        + " frank@flashback.example");
    }
}
