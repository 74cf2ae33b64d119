package org.membership.tck;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.membership.api.Actor;
import org.membership.api.AuditEntry;
import org.membership.api.Command;
import org.membership.api.Decision;
import org.membership.api.FeedEvent;
import org.membership.api.FeedPosition;
import org.membership.api.Email;
import org.membership.api.Invitation;
import org.membership.api.InvitationId;
import org.membership.api.MembershipEvent;
import org.membership.api.MembershipRules;
import org.membership.api.Memberships;
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationMember;
import org.membership.api.OrganizationRole;
import org.membership.api.Outcome;
import org.membership.api.Page;
import org.membership.api.PageRequest;
import org.membership.api.Presets;
import org.membership.api.Reason;
import org.membership.api.Refusal;
import org.membership.api.User;
import org.membership.api.UserId;
import org.membership.api.UserStatus;
import org.membership.api.Workspace;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceKind;
import org.membership.api.WorkspaceMember;
import org.membership.api.WorkspaceRole;
import org.membership.core.MembershipEngine;
import org.membership.core.spi.MembershipStore;

/**
 * The model-based contract: random sequences of commands, each applied both to the library (a
 * {@link MembershipEngine} over {@link #newStore()}) and to a plain reference model of SPEC §3–4,
 * compared after every step. A store passes when, for every step of every sequence:
 * <ul>
 *   <li>the outcome is the one the model predicts: the same success value, or a refusal with the
 *       same {@link Reason} and that reason's message;</li>
 *   <li>the dry run ({@code check}) made just before decides exactly as the real call, consumes no
 *       id and publishes nothing;</li>
 *   <li>the published events and the audit trails are the predicted ones;</li>
 *   <li>the observable state, read page by page through the library's own list commands as an
 *       instance key, equals the model's: members of every organization and workspace, pending
 *       invitations of every organization, and every user's memberships;</li>
 *   <li>every invitation the model knows, read from the store by id (no command shows an
 *       invitation once it has ended), equals the model's, stored status included: an
 *       invitation whose expiry has come stays stored as pending until its organization's next
 *       invitation is sent, and is stored as expired from then on;</li>
 *   <li>every user's stored account status equals the model's;</li>
 *   <li>every workspace and organization the model ever knew, read from the store by id, equals the
 *       model's: renames are stored, and nothing of a deleted workspace or organization is left;</li>
 *   <li>the invariants hold: every organization has a usable admin (an admin whose account is
 *       validated); every custom workspace that has ever had a usable admin still has one (a new
 *       custom workspace starts empty, see below); every
 *       workspace member belongs to the workspace's organization; an organization lists at most
 *       one pending invitation per email (and the model stores at most one).</li>
 * </ul>
 *
 * <p>The universe is small on purpose so that collisions are frequent: an instance admin, four
 * validated users, one pending validation, one disabled, one registered later and one never; two
 * organizations with a few custom workspaces; emails typed in mixed case; a clock that jumps past
 * invitation lifetimes. Each sequence runs under one of the rule presets.
 *
 * <p>Each run prints the base seed its sequences derive from ({@code -Dmembership.baseSeed=<seed>}
 * repeats the whole run). A failure names the seed of the failing sequence, the step and the
 * history so far; rerun with {@code -Dmembership.seed=<seed>} to replay exactly that sequence.
 *
 * <pre>{@code
 * final class MyStoreModelBasedTest extends ModelBasedContract {
 *     protected MembershipStore newStore() { return new MyStore(); }   // empty, one per sequence
 *     protected int sequences() { return 40; }                       // a slower store may run fewer
 * }
 * }</pre>
 *
 * <p>Each sequence uses its own store, engine and model; instances are not thread-safe.
 */
public abstract class ModelBasedContract {
    /** The system property that replays one sequence. */
    public static final String SEED_PROPERTY = "membership.seed";
    /** The system property that replays a whole run: every sequence derives its seed from it. */
    public static final String BASE_SEED_PROPERTY = "membership.baseSeed";

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final Actor ROOT_KEY = Actor.instanceKey("model-root");
    private static final List<String> PRESETS = List.of("defaults", "flashback", "factory", "anthropicAdmin",
            "paradigmCompany", "paradigmInstance");

    /*
     * What the code guarantees about custom workspaces, checked here as an invariant: a custom
     * workspace starts with no members at all (CreateWorkspace adds nobody), so "at least one admin"
     * can only hold from the first explicit admin on. From then on every path that could take the
     * last explicit admin away -- removal, demotion, and removal from the organization by email
     * with its cascade -- refuses with LAST_ADMIN. Only usable admins count, those whose account is
     * validated, since nobody else can act: disabling an account (or setting it back to pending)
     * is a third such path and is refused where it would take the last usable admin away, while
     * removing or demoting an admin who cannot act is never refused for it. So the invariant is
     * about usable admins: a workspace whose only admins are disabled may lose them, and does not
     * count as having had an admin until one of them is validated. The sequences disable and
     * unvalidate admins often, and target admins with status changes, so these paths are walked.
     */

    /** @return a new, empty store; called once per sequence */
    protected abstract MembershipStore newStore();

    /** @return how many random sequences one run checks; slower stores may lower it */
    protected int sequences() {
        return 200;
    }

    // ---- the test --------------------------------------------------------------------------

    /**
     * Random command sequences under every preset, applied to the library and to a plain reference
     * model, agree after every step: outcome, dry run, events, change feed, audit trail (typed
     * details included), the whole observable state and the invariants.
     *
     * <p>If it fails: check the first disagreement the message names (replay it with
     * -Dmembership.seed=<seed>): its step, the history so far, and which view differs.
     */
    @Test
    void randomSequences_matchReferenceModel() {
        String fixed = System.getProperty(SEED_PROPERTY);
        if (fixed != null && !fixed.isBlank()) {
            long seed = Long.parseLong(fixed.strip());
            System.out.println(getClass().getSimpleName() + ": replaying sequence " + SEED_PROPERTY + "=" + seed);
            runSequence(seed);
            return;
        }
        String fixedBase = System.getProperty(BASE_SEED_PROPERTY);
        long base = fixedBase != null && !fixedBase.isBlank() ? Long.parseLong(fixedBase.strip()) : new Random().nextLong();
        System.out.println(getClass().getSimpleName() + ": " + sequences() + " sequences from "
                + BASE_SEED_PROPERTY + "=" + base + " (a failure names its own " + SEED_PROPERTY + ")");
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long started = System.nanoTime();
        long cpuStarted = threads.getCurrentThreadCpuTime();
        Map<String, Integer> tally = new TreeMap<>();
        int steps = runSequences(base, sequences(), tally);
        System.out.println(getClass().getSimpleName() + ": " + steps + " steps in "
                + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms ("
                + Duration.ofNanos(threads.getCurrentThreadCpuTime() - cpuStarted).toMillis()
                + " ms of CPU); outcomes (and successes by operation) " + tally);
    }

    /**
     * Runs {@code count} sequences whose seeds derive from {@code baseSeed}.
     *
     * @param baseSeed where the sequence seeds come from
     * @param count how many sequences
     * @return the total number of steps run
     * @throws AssertionError naming the failing sequence's seed, step and history on the first mismatch
     */
    protected final int runSequences(long baseSeed, int count) {
        return runSequences(baseSeed, count, new TreeMap<>());
    }

    private int runSequences(long baseSeed, int count, Map<String, Integer> tally) {
        Random seeds = new Random(baseSeed);
        int steps = 0;
        for (int i = 0; i < count; i++) {
            steps += new Run(seeds.nextLong(), newStore(), tally).run();
        }
        return steps;
    }

    /**
     * Runs the one sequence a seed determines against a new store.
     *
     * @param seed the sequence's seed, as a failure reports it
     * @return the number of steps run
     * @throws AssertionError naming the seed, step and history on the first mismatch
     */
    protected final int runSequence(long seed) {
        return new Run(seed, newStore(), new TreeMap<>()).run();
    }

    // ---- one sequence ----------------------------------------------------------------------

    /** One sequence: its store, engine, model, generator and history. */
    private static final class Run {
        private final long seed;
        private final Random random;
        private final String preset;
        private final MembershipRules rules;
        private final Fixture.SettableClock clock = new Fixture.SettableClock(START);
        private final AtomicLong ids = new AtomicLong();
        private final List<MembershipEvent> events = new ArrayList<>();
        private final MembershipEngine engine;
        private final ReferenceModel model;
        private final List<String> history = new ArrayList<>();
        private final MembershipStore store;
        private final Set<WorkspaceId> hadAdmin = new HashSet<>();
        private final Set<WorkspaceId> everWorkspaces = new HashSet<>();
        private final Set<OrganizationId> everOrganizations = new HashSet<>();
        private final List<String> userNames = List.of("root", "ann", "bob", "cat", "dan", "eve", "fay", "gus", "ghost");

        private final Map<String, Integer> tally;
        private final Map<Optional<OrganizationId>, List<String>> auditSeen = new java.util.HashMap<>();
        private final Map<Optional<OrganizationId>, String> lastSequence = new java.util.HashMap<>();
        /** The change feed's head as the model predicts it: one position per event of every change. */
        private long feedHead = -1;

        Run(long seed, MembershipStore store, Map<String, Integer> tally) {
            this.seed = seed;
            this.tally = tally;
            this.random = new Random(seed);
            this.preset = PRESETS.get(random.nextInt(PRESETS.size()));
            MembershipRules base = preset(preset);
            this.rules = random.nextBoolean() ? base
                    : base.toBuilder().invitationLifetime(Duration.ofDays(1 + random.nextInt(21))).build();
            this.store = store;
            this.engine = MembershipEngine.builder(store).rules(rules).clock(clock)
                    .ids(() -> Long.toString(ids.incrementAndGet())).listener(events::add).build();
            this.model = new ReferenceModel(rules, START);
        }

        private static MembershipRules preset(String name) {
            switch (name) {
                case "flashback": return Presets.flashback();
                case "factory": return Presets.factory();
                case "anthropicAdmin": return Presets.anthropicAdmin();
                case "paradigmCompany": return Presets.paradigmCompany();
                case "paradigmInstance": return Presets.paradigmInstance();
                default: return MembershipRules.defaults();
            }
        }

        int run() {
            try {
                bootstrap();
                int steps = 30 + random.nextInt(121);
                for (int i = 0; i < steps; i++) {
                    randomStep();
                }
                tally.merge("(invitations stored as expired by a later one)", model.expiredBySweeps, Integer::sum);
                return history.size();
            } catch (AssertionError e) {
                throw e;
            } catch (RuntimeException e) {
                throw failure("the library threw " + e, e);
            }
        }

        // ---- the universe ------------------------------------------------------------------

        private void bootstrap() {
            step(ROOT_KEY, new Command.RegisterUser(user("root", UserStatus.VALIDATED, true)));
            for (String name : List.of("ann", "bob", "cat", "dan")) {
                step(ROOT_KEY, new Command.RegisterUser(user(name, UserStatus.VALIDATED, false)));
            }
            step(ROOT_KEY, new Command.RegisterUser(user("eve", UserStatus.PENDING_VALIDATION, false)));
            step(ROOT_KEY, new Command.RegisterUser(user("fay", UserStatus.DISABLED, false)));
            step(ROOT_KEY, new Command.CreateOrganization("Acme", UserId.of("ann")));
            step(ROOT_KEY, new Command.CreateOrganization("Globex", UserId.of("bob")));
            List<OrganizationId> orgs = new ArrayList<>(model.organizations.keySet());
            step(ROOT_KEY, new Command.CreateWorkspace(orgs.get(0), "research"));
            step(ROOT_KEY, new Command.CreateWorkspace(orgs.get(0), "ops"));
            step(ROOT_KEY, new Command.CreateWorkspace(orgs.get(1), "lab"));
            // A random head start: a few people join, and custom workspaces get members.
            for (String name : List.of("cat", "dan", "bob", "ann", "root")) {
                for (OrganizationId org : orgs) {
                    if (random.nextInt(3) > 0) {
                        OrganizationRole role = random.nextInt(3) == 0 ? OrganizationRole.ADMIN : OrganizationRole.MEMBER;
                        Outcome<?> sent = step(ROOT_KEY, new Command.InviteToOrganization(org, emailOf(name), role));
                        if (sent.succeeded()) {
                            Invitation invitation = (Invitation) sent.orElseThrow();
                            step(actor(name), new Command.AcceptInvitation(invitation.id()));
                        }
                    }
                }
            }
            for (Workspace ws : customWorkspaces()) {
                for (OrganizationMember m : List.copyOf(model.organizationMembers.get(ws.organization()).values())) {
                    if (random.nextBoolean()) {
                        step(ROOT_KEY, new Command.AddWorkspaceMember(ws.id(), m.user(), pick(WorkspaceRole.values())));
                    }
                }
            }
            // Often an admin starts out unable to act: disabled, or back to pending validation
            // (refused, as it should be, where that admin is the last usable one).
            for (int i = random.nextInt(3); i > 0; i--) {
                step(ROOT_KEY, new Command.ChangeUserStatus(anyAdmin(),
                        chance(50) ? UserStatus.DISABLED : UserStatus.PENDING_VALIDATION));
            }
        }

        private static User user(String name, UserStatus status, boolean instanceAdmin) {
            String typed = name.substring(0, 1).toUpperCase(Locale.ROOT) + name.substring(1) + "@Example.com";
            return new User(UserId.of(name), Email.of(typed), status, instanceAdmin);
        }

        private Email emailOf(String name) {
            String plain = name.equals("nobody") ? "nobody@example.com" : name + "@example.com";
            StringBuilder typed = new StringBuilder();
            for (char c : plain.toCharArray()) {
                typed.append(random.nextInt(3) == 0 ? Character.toUpperCase(c) : c);
            }
            return Email.of(typed.toString());
        }

        private List<Workspace> customWorkspaces() {
            return model.workspaces.values().stream().filter(w -> w.kind() == WorkspaceKind.CUSTOM).toList();
        }

        private <T> T pick(T[] values) {
            return values[random.nextInt(values.length)];
        }

        private <T> T pick(List<T> values) {
            return values.get(random.nextInt(values.size()));
        }

        private boolean chance(int percent) {
            return random.nextInt(100) < percent;
        }

        private Actor actor(String name) {
            return Actor.user(UserId.of(name));
        }

        private OrganizationId anyOrganization() {
            List<OrganizationId> orgs = new ArrayList<>(model.organizations.keySet());
            return orgs.isEmpty() || chance(5) ? OrganizationId.of("no-such-org") : pick(orgs);
        }

        /** A member of the organization most of the time, so that role changes and removals hit. */
        private UserId organizationMemberOr(OrganizationId org) {
            TreeMap<UserId, OrganizationMember> members = model.organizationMembers.get(org);
            return members != null && !members.isEmpty() && chance(75) ? pick(List.copyOf(members.keySet())) : anyUser();
        }

        private WorkspaceId anyWorkspace(boolean customMostly) {
            if (chance(4)) {
                return WorkspaceId.of("no-such-ws");
            }
            List<Workspace> pool = customMostly && chance(85) ? customWorkspaces() : List.copyOf(model.workspaces.values());
            return pool.isEmpty() ? WorkspaceId.of("no-such-ws") : pick(pool).id();
        }

        private UserId anyUser() {
            return UserId.of(pick(userNames));
        }

        /** A member of the workspace most of the time, so that removals and role changes hit. */
        private UserId memberOr(WorkspaceId ws) {
            TreeMap<UserId, WorkspaceMember> members = model.workspaceMembers.get(ws);
            if (members != null && !members.isEmpty() && chance(75)) {
                return pick(List.copyOf(members.keySet()));
            }
            Workspace w = model.workspaces.get(ws);
            if (w != null && chance(50)) {
                return pick(List.copyOf(model.organizationMembers.get(w.organization()).keySet()));
            }
            return anyUser();
        }

        /** Someone likely to have authority over the workspace or organization, sometimes the target itself. */
        private Actor actorFor(Optional<OrganizationId> org, Optional<WorkspaceId> ws, Optional<UserId> target) {
            int roll = random.nextInt(100);
            if (target.isPresent() && roll < 15) {
                return Actor.user(target.get());
            }
            if (roll < 25) {
                return ROOT_KEY;
            }
            if (roll < 40) {
                OrganizationId keyOrg = chance(75) && org.isPresent() ? org.get() : anyOrganization();
                return Actor.organizationKey(keyOrg, "key");
            }
            if (roll < 70 && ws.isPresent() && model.workspaceMembers.containsKey(ws.get())) {
                List<WorkspaceMember> admins = model.workspaceMembers.get(ws.get()).values().stream()
                        .filter(m -> m.role() == WorkspaceRole.ADMIN).toList();
                if (!admins.isEmpty()) {
                    return Actor.user(pick(admins).user());
                }
            }
            if (roll < 85 && org.isPresent() && model.organizationMembers.containsKey(org.get())) {
                List<OrganizationMember> members = List.copyOf(model.organizationMembers.get(org.get()).values());
                if (!members.isEmpty()) {
                    return Actor.user(pick(members).user());
                }
            }
            return actor(pick(userNames));
        }

        private Optional<OrganizationId> organizationOf(WorkspaceId ws) {
            return Optional.ofNullable(model.workspaces.get(ws)).map(Workspace::organization);
        }

        private String reason() {
            return chance(50) ? "" : pick(List.of("left the team", "offboarding", "  trimmed  "));
        }

        private void randomStep() {
            if (chance(22)) {
                organizationManagementStep();
                return;
            }
            int roll = random.nextInt(100);
            if (roll < 18) {
                WorkspaceId ws = anyWorkspace(true);
                UserId target = memberOr(ws);
                step(actorFor(organizationOf(ws), Optional.of(ws), Optional.of(target)),
                        new Command.RemoveWorkspaceMember(ws, target, reason()));
            } else if (roll < 32) {
                WorkspaceId ws = anyWorkspace(true);
                Optional<OrganizationId> org = organizationOf(ws);
                UserId target = org.isPresent() && chance(70)
                        ? pick(List.copyOf(model.organizationMembers.get(org.get()).keySet())) : anyUser();
                step(actorFor(org, Optional.of(ws), Optional.of(target)),
                        new Command.AddWorkspaceMember(ws, target, pick(WorkspaceRole.values())));
            } else if (roll < 42) {
                WorkspaceId ws = anyWorkspace(true);
                UserId target = memberOr(ws);
                step(actorFor(organizationOf(ws), Optional.of(ws), Optional.of(target)),
                        new Command.ChangeWorkspaceRole(ws, target, pick(WorkspaceRole.values())));
            } else if (roll < 51) {
                OrganizationId org = anyOrganization();
                String name = chance(10) ? "nobody" : pick(userNames);
                step(actorFor(Optional.of(org), Optional.empty(), Optional.of(UserId.of(name))),
                        new Command.RemoveOrganizationUser(org, emailOf(name), reason()));
            } else if (roll < 61) {
                OrganizationId org = anyOrganization();
                String name = chance(15) ? "nobody" : pick(userNames);
                step(actorFor(Optional.of(org), Optional.empty(), Optional.empty()),
                        new Command.InviteToOrganization(org, emailOf(name), chance(30) ? OrganizationRole.ADMIN
                                : OrganizationRole.MEMBER));
            } else if (roll < 70) {
                InvitationId id = anyInvitation();
                Invitation known = model.invitations.get(id);
                Actor actor = known != null && chance(80) ? inviteeOf(known) : actor(pick(userNames));
                step(actor, new Command.AcceptInvitation(id));
            } else if (roll < 75) {
                InvitationId id = anyInvitation();
                Optional<OrganizationId> org = Optional.ofNullable(model.invitations.get(id)).map(Invitation::organization);
                step(actorFor(org, Optional.empty(), Optional.empty()), new Command.RevokeInvitation(id, reason()));
            } else if (roll < 78) {
                WorkspaceId ws = anyWorkspace(false);
                UserId target = memberOr(ws);
                step(actorFor(organizationOf(ws), Optional.of(ws), Optional.empty()),
                        new Command.GetWorkspaceMember(ws, target));
            } else if (roll < 79) {
                WorkspaceId ws = anyWorkspace(false);
                step(actorFor(organizationOf(ws), Optional.of(ws), Optional.empty()), new Command.GetWorkspaceAuthority(ws));
            } else if (roll < 82) {
                WorkspaceId ws = anyWorkspace(false);
                step(actorFor(organizationOf(ws), Optional.of(ws), Optional.empty()),
                        new Command.ListWorkspaceMembers(ws, PageRequest.first(PageRequest.MAX_LIMIT)));
            } else if (roll < 84) {
                OrganizationId org = anyOrganization();
                step(actorFor(Optional.of(org), Optional.empty(), Optional.empty()),
                        new Command.ListInvitations(org, PageRequest.first(PageRequest.MAX_LIMIT)));
            } else if (roll < 86) {
                UserId target = anyUser();
                step(chance(30) ? Actor.user(target) : actorFor(Optional.empty(), Optional.empty(), Optional.empty()),
                        new Command.ListMemberships(target));
            } else if (roll < 87) {
                OrganizationId org = anyOrganization();
                step(actorFor(Optional.of(org), Optional.empty(), Optional.empty()),
                        new Command.CreateWorkspace(org, "ws " + history.size()));
            } else if (roll < 93) {
                UserId target = chance(60) ? anyAdmin()
                        : UserId.of(pick(List.of("eve", "fay", "cat", "dan", "ann", "root", "ghost")));
                Actor actor = chance(70) ? ROOT_KEY : chance(50) ? actor("root") : actor(pick(userNames));
                step(actor, new Command.ChangeUserStatus(target,
                        chance(45) ? UserStatus.VALIDATED : pick(UserStatus.values())));
            } else if (roll < 95) {
                // gus joins late; the others collide on id or on an email typed differently.
                String name = pick(List.of("gus", "gus", "ann", "cat"));
                UserId id = chance(50) ? UserId.of(name) : UserId.of(name + "2");
                step(chance(85) ? ROOT_KEY : actor(pick(userNames)),
                        new Command.RegisterUser(new User(id, emailOf(name), UserStatus.VALIDATED, false)));
            } else if (roll < 96) {
                step(chance(80) ? ROOT_KEY : actor(pick(userNames)),
                        new Command.CreateOrganization("Initech", anyUser()));
            } else if (roll < 97) {
                Optional<OrganizationId> org = chance(20) ? Optional.empty() : Optional.of(anyOrganization());
                step(actorFor(org, Optional.empty(), Optional.empty()),
                        new Command.ListAuditTrail(org, PageRequest.first(PageRequest.MAX_LIMIT)));
            } else {
                advanceClock();
            }
        }

        /** One of the commands that manage organizations directly (issue 11), aimed where they hit often. */
        private void organizationManagementStep() {
            int roll = random.nextInt(100);
            OrganizationId org = anyOrganization();
            if (roll < 14) {
                UserId target = chance(70) ? anyUser() : organizationMemberOr(org);
                step(chance(40) ? ROOT_KEY : actorFor(Optional.of(org), Optional.empty(), Optional.of(target)),
                        new Command.AddOrganizationMember(org, target, chance(30) ? OrganizationRole.ADMIN : OrganizationRole.MEMBER));
            } else if (roll < 30) {
                UserId target = chance(50) ? anyAdmin() : organizationMemberOr(org);
                step(actorFor(Optional.of(org), Optional.empty(), Optional.of(target)),
                        new Command.ChangeOrganizationRole(org, target, chance(50) ? OrganizationRole.ADMIN : OrganizationRole.MEMBER));
            } else if (roll < 44) {
                UserId target = organizationMemberOr(org);
                step(actorFor(Optional.of(org), Optional.empty(), Optional.of(target)),
                        new Command.RemoveOrganizationMember(org, target, reason()));
            } else if (roll < 54) {
                UserId leaving = organizationMemberOr(org);
                step(chance(10) ? Actor.organizationKey(org, "key") : Actor.user(leaving),
                        new Command.LeaveOrganization(org, reason()));
            } else if (roll < 59) {
                step(actorFor(Optional.of(org), Optional.empty(), Optional.empty()),
                        new Command.GetOrganizationMember(org, organizationMemberOr(org)));
            } else if (roll < 64) {
                Optional<OrganizationRole> role = chance(50) ? Optional.empty()
                        : Optional.of(chance(50) ? OrganizationRole.ADMIN : OrganizationRole.MEMBER);
                step(actorFor(Optional.of(org), Optional.empty(), Optional.empty()),
                        new Command.ListOrganizationMembers(org, role, PageRequest.first(PageRequest.MAX_LIMIT)));
            } else if (roll < 68) {
                InvitationId id = anyInvitation();
                Optional<OrganizationId> of = Optional.ofNullable(model.invitations.get(id)).map(Invitation::organization);
                step(actorFor(of, Optional.empty(), Optional.empty()), new Command.GetInvitation(id));
            } else if (roll < 73) {
                UserId target = anyUser();
                step(actorFor(Optional.of(org), Optional.empty(), Optional.of(target)), new Command.GetUser(target));
            } else if (roll < 78) {
                String name = chance(10) ? "nobody" : pick(userNames);
                step(actorFor(Optional.of(org), Optional.empty(), Optional.of(UserId.of(name))),
                        new Command.FindUserByEmail(emailOf(name)));
            } else if (roll < 86) {
                UserId target = anyUser();
                // often another user's email in other case (user_exists), or the user's own (no change)
                Email email = chance(50) ? emailOf(pick(userNames)) : Email.of(target.value() + ".new" + random.nextInt(3) + "@example.com");
                step(chance(75) ? ROOT_KEY : actor(pick(userNames)), new Command.ChangeUserEmail(target, email));
            } else if (roll < 92) {
                WorkspaceId ws = anyWorkspace(false);
                step(actorFor(organizationOf(ws), Optional.of(ws), Optional.empty()),
                        new Command.RenameWorkspace(ws, chance(30) ? "research" : "renamed " + history.size()));
            } else if (roll < 97) {
                WorkspaceId ws = anyWorkspace(true);
                step(actorFor(organizationOf(ws), Optional.of(ws), Optional.empty()), new Command.DeleteWorkspace(ws, reason()));
            } else {
                step(chance(60) ? ROOT_KEY : actorFor(Optional.of(org), Optional.empty(), Optional.empty()),
                        new Command.DeleteOrganization(org, reason()));
            }
        }

        /** @return an admin of some organization or custom workspace, whatever its account status; or anyone */
        private UserId anyAdmin() {
            List<UserId> admins = new ArrayList<>();
            model.organizationMembers.values().forEach(members -> members.values().stream()
                    .filter(m -> m.role() == OrganizationRole.ADMIN).forEach(m -> admins.add(m.user())));
            model.workspaceMembers.values().forEach(members -> members.values().stream()
                    .filter(m -> m.role() == WorkspaceRole.ADMIN).forEach(m -> admins.add(m.user())));
            return admins.isEmpty() ? anyUser() : pick(admins);
        }

        private InvitationId anyInvitation() {
            List<InvitationId> known = new ArrayList<>(model.invitations.keySet());
            if (known.isEmpty() || chance(5)) {
                return InvitationId.of("no-such-invitation");
            }
            // The most recent invitations are the interesting ones: still pending, or just accepted.
            known.sort((a, b) -> Long.compare(Long.parseLong(b.value()), Long.parseLong(a.value())));
            return known.get(Math.min(known.size() - 1, random.nextInt(Math.min(known.size(), 4)) + (chance(20) ? 4 : 0)));
        }

        private Actor inviteeOf(Invitation invitation) {
            for (User u : model.users.values()) {
                if (u.email().equals(invitation.email())) {
                    return Actor.user(u.id());
                }
            }
            return actor(pick(userNames));
        }

        private void advanceClock() {
            Duration lifetime = rules.invitationLifetime();
            Duration by = pick(List.of(Duration.ofHours(1), Duration.ofDays(2), lifetime, lifetime.minusSeconds(1),
                    lifetime.plusSeconds(1)));
            history.add(history.size() + ": advance the clock by " + by + " to " + model.now().plus(by));
            clock.advance(by);
            model.advance(by);
            compareState(history.size() - 1);
        }

        // ---- one step, compared ------------------------------------------------------------

        private <R> Outcome<R> step(Actor actor, Command<R> command) {
            int index = history.size();
            history.add(index + ": " + actor.describe() + " " + command);
            long idsBefore = ids.get();
            events.clear();
            Decision decision = engine.check(actor, command);
            if (ids.get() != idsBefore || !events.isEmpty()) {
                throw failure("the dry run consumed an id or published " + events, null);
            }
            Outcome<R> outcome = engine.execute(actor, command);
            ReferenceModel.Prediction predicted = model.apply(actor, command);
            history.set(index, history.get(index) + " -> " + describe(outcome));
            tally.merge(outcome.refusal().map(r -> r.reason().code()).orElse("success"), 1, Integer::sum);
            if (outcome.succeeded()) {
                tally.merge("success:" + command.operation().name().toLowerCase(Locale.ROOT), 1, Integer::sum);
            }
            if (!decision.refusal().equals(outcome.refusal())) {
                throw failure("the dry run said " + decision + " but the call returned " + describe(outcome), null);
            }
            compareOutcome(predicted, outcome);
            if (!events.equals(predicted.events())) {
                throw failure("published events " + events + " but the model expects " + predicted.events(), null);
            }
            compareFeed(predicted.events(), outcome);
            if (outcome.succeeded() && ids.get() != Long.parseLong(model.peekId(0))) {
                throw failure("the library used ids up to " + ids.get() + ", the model up to " + model.peekId(0), null);
            }
            compareState(index);
            return outcome;
        }

        /**
         * The change feed after a step: exactly the predicted events, at the positions right after the
         * head before it, the outcome carrying the last; nothing for refusals, reads and no-ops.
         */
        private void compareFeed(List<MembershipEvent> predicted, Outcome<?> outcome) {
            if (feedHead < 0) {
                feedHead = store.head().value() - predicted.size();
            }
            List<FeedEvent> fed = store.changes(FeedPosition.of(feedHead), 100);
            if (!fed.stream().map(FeedEvent::event).toList().equals(predicted)) {
                throw failure("the change feed gained " + fed + " but the model expects " + predicted, null);
            }
            for (int i = 0; i < fed.size(); i++) {
                if (fed.get(i).position().value() != feedHead + 1 + i) {
                    throw failure("feed event " + fed.get(i) + " is not at position " + (feedHead + 1 + i), null);
                }
            }
            feedHead += predicted.size();
            Optional<FeedPosition> expected = predicted.isEmpty() ? Optional.empty() : Optional.of(FeedPosition.of(feedHead));
            if (!outcome.position().equals(expected)) {
                throw failure("the outcome's position is " + outcome.position() + ", the feed's last event " + expected, null);
            }
            if (!store.head().equals(FeedPosition.of(feedHead))) {
                throw failure("the feed's head is " + store.head() + ", not " + feedHead, null);
            }
        }

        private static String describe(Outcome<?> outcome) {
            if (outcome instanceof Outcome.Refused<?> r) {
                return "refused " + r.why().reason();
            }
            Object value = outcome.orElseThrow();
            return "success " + (value instanceof Page<?> p ? p.items() : value);
        }

        private void compareOutcome(ReferenceModel.Prediction predicted, Outcome<?> outcome) {
            if (predicted.refusal().isPresent()) {
                Reason expected = predicted.refusal().get();
                Optional<Refusal> actual = outcome.refusal();
                if (actual.isEmpty() || actual.get().reason() != expected) {
                    throw failure("expected refusal " + expected + " but the library answered " + describe(outcome), null);
                }
                if (!actual.get().message().equals(expected.defaultMessage())) {
                    throw failure("refusal " + expected + " carries message '" + actual.get().message()
                            + "' instead of the reason's own '" + expected.defaultMessage() + "'", null);
                }
                return;
            }
            if (!outcome.succeeded()) {
                throw failure("expected " + predicted + " but the library answered " + describe(outcome), null);
            }
            Object value = outcome.orElseThrow();
            Object comparable = value instanceof Page<?> page ? page.items() : value;
            if (comparable instanceof List<?> items && !items.isEmpty() && items.get(0) instanceof AuditEntry) {
                comparable = items.stream().map(e -> (AuditEntry) e)
                        .map(e -> ReferenceModel.auditLine(e.at(), e.actor(), e.action(), e.detail(), e.reason())).toList();
            }
            if (value instanceof Page<?> page && page.hasMore()) {
                throw failure("a page of " + PageRequest.MAX_LIMIT + " in a tiny universe says it has more", null);
            }
            if (!comparable.equals(predicted.value().orElseThrow())) {
                throw failure("expected " + predicted + " but the library answered " + describe(outcome), null);
            }
        }

        // ---- observable state and invariants -----------------------------------------------

        private void compareState(int index) {
            for (OrganizationId org : model.organizations.keySet()) {
                WorkspaceId defaultWs = model.organizations.get(org).defaultWorkspace();
                compare("members of organization " + org, model.membersOf(defaultWs),
                        readAll(p -> new Command.ListWorkspaceMembers(defaultWs, p), m -> m.user().value()));
                compare("members of organization " + org + " with their accounts", model.organizationUsers(org, Optional.empty()),
                        readAll(p -> new Command.ListOrganizationMembers(org, p), u -> u.user().id().value()));
                List<Invitation> pending = readAll(p -> new Command.ListInvitations(org, p), i -> i.id().value());
                compare("pending invitations of organization " + org, model.pendingInvitations(org), pending);
                compare("audit trail of organization " + org, model.audit.getOrDefault(Optional.of(org), List.of()),
                        auditLines(Optional.of(org)));
                if (pending.stream().map(Invitation::email).distinct().count() != pending.size()) {
                    throw failure("invariant: two pending invitations for one email in " + org + ": " + pending, null);
                }
                if (model.membersOf(defaultWs).stream()
                        .noneMatch(m -> m.role() == WorkspaceRole.ADMIN && storedUsable(m.user()))) {
                    throw failure("invariant: organization " + org + " has no usable admin", null);
                }
                Set<Email> emails = new HashSet<>();
                model.invitations.values().forEach(i -> {
                    if (i.organization().equals(org)) {
                        emails.add(i.email());
                    }
                });
                for (Email email : emails) {
                    if (model.storedPending(org, email) > 1) {
                        throw failure("invariant: the model stores two pending invitations for " + email, null);
                    }
                }
            }
            compare("instance audit trail", model.audit.getOrDefault(Optional.empty(), List.of()),
                    auditLines(Optional.empty()));
            compare("stored invitations", model.invitations, store.read(tx -> {
                TreeMap<InvitationId, Invitation> stored = new TreeMap<>();
                for (InvitationId id : model.invitations.keySet()) {
                    tx.invitation(id).ifPresent(i -> stored.put(id, i));
                }
                return stored;
            }));
            for (Workspace ws : customWorkspaces()) {
                List<WorkspaceMember> members = readAll(p -> new Command.ListWorkspaceMembers(ws.id(), p),
                        m -> m.user().value());
                compare("members of workspace " + ws.id(), model.membersOf(ws.id()), members);
                boolean hasAdmin = members.stream().anyMatch(m -> m.role() == WorkspaceRole.ADMIN && storedUsable(m.user()));
                if (hasAdmin) {
                    hadAdmin.add(ws.id());
                } else if (hadAdmin.contains(ws.id())) {
                    throw failure("invariant: custom workspace " + ws.id() + " lost its last usable admin", null);
                }
                Set<UserId> inOrganization = model.organizationMembers.get(ws.organization()).keySet();
                for (WorkspaceMember m : members) {
                    if (!inOrganization.contains(m.user())) {
                        throw failure("invariant: " + m.user() + " is in workspace " + ws.id()
                                + " but not in its organization", null);
                    }
                }
            }
            // every workspace and organization the model ever knew, read by id: renames stored, deletions complete
            everWorkspaces.addAll(model.workspaces.keySet());
            everOrganizations.addAll(model.organizations.keySet());
            compare("stored workspaces", new TreeMap<>(model.workspaces), store.read(tx -> {
                TreeMap<WorkspaceId, Workspace> stored = new TreeMap<>();
                everWorkspaces.forEach(id -> tx.workspace(id).ifPresent(w -> stored.put(id, w)));
                return stored;
            }));
            compare("stored organizations", new TreeMap<>(model.organizations), store.read(tx -> {
                TreeMap<OrganizationId, org.membership.api.Organization> stored = new TreeMap<>();
                everOrganizations.forEach(id -> tx.organization(id).ifPresent(o -> stored.put(id, o)));
                return stored;
            }));
            compare("stored users", new TreeMap<>(model.users), store.read(tx -> {
                TreeMap<UserId, User> stored = new TreeMap<>();
                Set<UserId> asked = new HashSet<>(model.users.keySet());
                userNames.forEach(name -> asked.add(UserId.of(name)));
                for (UserId id : asked) {
                    tx.user(id).ifPresent(u -> stored.put(u.id(), u));
                }
                return stored;
            }));
            for (String name : userNames) {
                UserId user = UserId.of(name);
                Outcome<Memberships> read = engine.execute(ROOT_KEY, new Command.ListMemberships(user));
                Object expected = model.users.containsKey(user) ? model.membershipsOf(user) : Reason.USER_NOT_FOUND;
                Object actual = read.fold(value -> value, Refusal::reason);
                compare("memberships of " + name, expected, actual);
            }
        }

        /** @return whether the store holds the user's account as validated: only such an admin can act */
        private boolean storedUsable(UserId user) {
            return store.read(tx -> tx.user(user)).map(u -> u.status() == UserStatus.VALIDATED).orElse(false);
        }

        /** A trail as read so far: only the entries after the last one seen are read again, keeping each step cheap. */
        private List<String> auditLines(Optional<OrganizationId> org) {
            List<String> lines = auditSeen.computeIfAbsent(org, o -> new ArrayList<>());
            Optional<String> after = Optional.ofNullable(lastSequence.get(org));
            List<AuditEntry> entries = readAll(after, p -> new Command.ListAuditTrail(org, p),
                    e -> Long.toString(e.sequence()));
            for (AuditEntry e : entries) {
                lines.add(ReferenceModel.auditLine(e.at(), e.actor(), e.action(), e.detail(), e.reason()));
                lastSequence.put(org, Long.toString(e.sequence()));
            }
            return lines;
        }

        /** Reads a whole list as an instance key, a few items per page, checking the keyset paging on the way. */
        private <T> List<T> readAll(Function<PageRequest, Command<Page<T>>> command, Function<T, String> key) {
            return readAll(Optional.empty(), command, key);
        }

        private <T> List<T> readAll(Optional<String> after, Function<PageRequest, Command<Page<T>>> command,
                                    Function<T, String> key) {
            // Mostly one page; small pages often enough to exercise keyset paging at every size.
            int limit = chance(30) ? 1 + random.nextInt(3) : PageRequest.MAX_LIMIT;
            List<T> all = new ArrayList<>();
            PageRequest request = after.isPresent() ? PageRequest.after(after.get(), limit) : PageRequest.first(limit);
            for (int pages = 0; pages < 10_000; pages++) {
                Outcome<Page<T>> outcome = engine.execute(ROOT_KEY, command.apply(request));
                if (!outcome.succeeded()) {
                    throw failure("an instance key could not read " + command.apply(request) + ": "
                            + describe(outcome), null);
                }
                Page<T> page = outcome.orElseThrow();
                all.addAll(page.items());
                if (page.items().size() > limit || (page.hasMore() && page.items().size() != limit)
                        || !page.firstId().equals(page.items().stream().findFirst().map(key))
                        || !page.lastId().equals(page.items().isEmpty() ? Optional.empty()
                                : Optional.of(key.apply(page.items().get(page.items().size() - 1))))) {
                    throw failure("inconsistent page " + page + " for limit " + limit, null);
                }
                if (!page.hasMore()) {
                    if (after.isEmpty() && !all.isEmpty() && chance(30)) {
                        checkPageBefore(all, command, key);
                    }
                    return all;
                }
                request = PageRequest.after(page.lastId().orElseThrow(), limit);
            }
            throw failure("paging never ends for " + command.apply(PageRequest.first()), null);
        }

        /** Reads one page backwards from a random item of a list already read forwards. */
        private <T> void checkPageBefore(List<T> all, Function<PageRequest, Command<Page<T>>> command,
                                         Function<T, String> key) {
            int pivot = random.nextInt(all.size());
            int limit = 1 + random.nextInt(3);
            Command<Page<T>> before = command.apply(PageRequest.before(key.apply(all.get(pivot)), limit));
            Page<T> page = engine.execute(ROOT_KEY, before).fold(p -> p, refusal -> null);
            List<T> expected = all.subList(Math.max(0, pivot - limit), pivot);
            if (page == null || !page.items().equals(expected) || page.hasMore() != (pivot > limit)) {
                throw failure(before + " answered " + page + " but the items before it are " + expected
                        + (pivot > limit ? " with more" : " and no more"), null);
            }
        }

        private void compare(String what, Object expected, Object actual) {
            if (!Objects.equals(expected, actual)) {
                throw failure(what + " differ:\n    model:   " + expected + "\n    library: " + actual, null);
            }
        }

        private AssertionError failure(String detail, Throwable cause) {
            StringBuilder message = new StringBuilder()
                    .append("The library and the reference model disagree at step ").append(history.size() - 1)
                    .append(" of the sequence with seed ").append(seed)
                    .append(" (rules ").append(preset).append(", invitations last ")
                    .append(rules.invitationLifetime()).append("):\n  ").append(detail)
                    .append("\nReplay it with -D").append(SEED_PROPERTY).append('=').append(seed)
                    .append("\nHistory (step: actor command -> library's outcome):\n");
            for (String line : history) {
                message.append("  ").append(line).append('\n');
            }
            return new AssertionError(message.toString(), cause);
        }
    }
}
