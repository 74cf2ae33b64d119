package org.membership.tck;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.membership.api.Actor;
import org.membership.api.AuthorityLevel;
import org.membership.api.Command;
import org.membership.api.Email;
import org.membership.api.Invitation;
import org.membership.api.InvitationId;
import org.membership.api.InvitationStatus;
import org.membership.api.MembershipEvent;
import org.membership.api.MembershipRules;
import org.membership.api.Operation;
import org.membership.api.Organization;
import org.membership.api.OrganizationAdminRemoval;
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationMember;
import org.membership.api.OrganizationRole;
import org.membership.api.PageRequest;
import org.membership.api.Presets;
import org.membership.api.SelfRemoval;
import org.membership.api.User;
import org.membership.api.UserId;
import org.membership.api.UserStatus;
import org.membership.api.Workspace;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceKind;
import org.membership.api.WorkspaceMember;
import org.membership.api.WorkspaceRole;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * The one shared set of QuickTheories generators for the membership domain: ids in every shape
 * hosts use, emails in mixed case, roles, rules, whole generated {@link World worlds} with actors
 * and commands inside them, and hostile strings for bad-input properties.
 *
 * <pre>{@code
 * qt().forAll(Generators.scenarios()).checkAssert(s -> {
 *     World world = World.build(s.spec(), newStore(), MembershipRules.defaults());
 *     Outcome<?> outcome = world.membership().execute(s.actor().in(world), s.command().in(world));
 *     ...
 * });
 * }</pre>
 *
 * <p>Every generator draws only from QuickTheories' randomness source, so a failing property
 * replays from the seed QuickTheories prints ({@code -DQT_SEED=...}) and shrinks towards small
 * worlds. Generated worlds and commands are plain descriptions ({@link World.Spec},
 * {@link World.CommandRef}) that print readably in failure reports; they are resolved against a
 * built world inside the property.
 *
 * <p>Stateless and thread-safe; every method returns a new generator.
 */
public final class Generators {
    private static final String CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private static final String ID_CHARACTERS =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.:";
    private static final List<String> DOMAINS = List.of("x.com", "Example.ORG", "mail.acme.co.uk", "b-c.io",
            "sub.domain.test");

    private Generators() {}

    // ---- ids ------------------------------------------------------------------------------------

    /** @return positive decimal integers, as integer-keyed hosts (Paradigm) spell ids */
    public static Gen<String> integerIds() {
        return Generate.longRange(1, 999_999_999_999L).map(n -> Long.toString(n));
    }

    /** @return random UUIDs in canonical form, as Flashback spells ids */
    public static Gen<String> uuids() {
        Gen<Long> longs = Generate.longRange(Long.MIN_VALUE, Long.MAX_VALUE);
        return in -> new UUID(longs.generate(in), longs.generate(in)).toString();
    }

    /** @return prefixed ULID-style ids such as {@code user_01HZX3…}, as Anthropic spells ids */
    public static Gen<String> prefixedIds() {
        Gen<String> prefixes = Generate.pick(List.of("user_", "org_", "wrkspc_", "invite_", "apikey_"));
        Gen<Integer> digit = Generate.range(0, CROCKFORD.length() - 1);
        return in -> {
            StringBuilder id = new StringBuilder(prefixes.generate(in)).append("01");
            for (int i = 0; i < 24; i++) {
                id.append(CROCKFORD.charAt(digit.generate(in)));
            }
            return id.toString();
        };
    }

    /** @return any valid id: 1-128 characters from {@code A-Z a-z 0-9 _ - . :} */
    public static Gen<String> arbitraryIds() {
        Gen<Integer> length = Generate.range(1, 128);
        Gen<Integer> index = Generate.range(0, ID_CHARACTERS.length() - 1);
        return in -> {
            int n = length.generate(in);
            StringBuilder id = new StringBuilder(n);
            for (int i = 0; i < n; i++) {
                id.append(ID_CHARACTERS.charAt(index.generate(in)));
            }
            return id.toString();
        };
    }

    /** @return valid ids in the shapes hosts use: integers, UUIDs, prefixed ids, and anything else valid */
    public static Gen<String> ids() {
        return Generate.frequency(List.of(Pair.of(3, integerIds()), Pair.of(3, uuids()), Pair.of(3, prefixedIds()),
                Pair.of(1, arbitraryIds())));
    }

    /** @return valid user ids */
    public static Gen<UserId> userIds() {
        return ids().map(UserId::of);
    }

    /** @return valid organization ids */
    public static Gen<OrganizationId> organizationIds() {
        return ids().map(OrganizationId::of);
    }

    /** @return valid workspace ids */
    public static Gen<WorkspaceId> workspaceIds() {
        return ids().map(WorkspaceId::of);
    }

    /** @return valid invitation ids */
    public static Gen<InvitationId> invitationIds() {
        return ids().map(InvitationId::of);
    }

    // ---- emails -----------------------------------------------------------------------------------

    /**
     * @return valid addresses as people type them, in mixed case ({@code Ann.Lee+x@Mail.Acme.co.uk}),
     *         possibly with surrounding white space
     */
    public static Gen<String> emailAddresses() {
        Gen<Integer> letter = Generate.range(0, 35);
        Gen<Integer> length = Generate.range(1, 12);
        Gen<Integer> separator = Generate.range(0, 9);
        Gen<String> domains = Generate.pick(DOMAINS);
        Gen<Integer> padding = Generate.range(0, 4);
        return in -> {
            StringBuilder local = new StringBuilder();
            int n = length.generate(in);
            for (int i = 0; i < n; i++) {
                local.append("abcdefghijklmnopqrstuvwxyz0123456789".charAt(letter.generate(in)));
                int s = separator.generate(in);
                if (i < n - 1 && s < 3) {
                    local.append(".+-".charAt(s));
                }
            }
            String address = caseVariantOf(local + "@" + domains.generate(in), in);
            return switch (padding.generate(in)) {
                case 0 -> " " + address;
                case 1 -> address + "\t";
                default -> address;
            };
        };
    }

    /** @return valid, normalized emails */
    public static Gen<Email> emails() {
        return emailAddresses().map(Email::of);
    }

    /**
     * @param text any text
     * @return {@code text} with each letter's case chosen at random (the same address, to the library)
     */
    public static Gen<String> caseVariantsOf(String text) {
        return in -> caseVariantOf(text, in);
    }

    private static String caseVariantOf(String text, org.quicktheories.core.RandomnessSource in) {
        Gen<Boolean> upper = Generate.booleans();
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            out.append(Character.isLetter(c) && upper.generate(in) ? Character.toUpperCase(c) : Character.toLowerCase(c));
        }
        return out.toString();
    }

    // ---- enums and rules --------------------------------------------------------------------------

    /** @return workspace roles */
    public static Gen<WorkspaceRole> workspaceRoles() {
        return Generate.enumValues(WorkspaceRole.class);
    }

    /** @return organization roles */
    public static Gen<OrganizationRole> organizationRoles() {
        return Generate.enumValues(OrganizationRole.class);
    }

    /** @return account statuses */
    public static Gen<UserStatus> userStatuses() {
        return Generate.enumValues(UserStatus.class);
    }

    /** @return authority levels */
    public static Gen<AuthorityLevel> authorityLevels() {
        return Generate.enumValues(AuthorityLevel.class);
    }

    /** @return operations */
    public static Gen<Operation> operations() {
        return Generate.enumValues(Operation.class);
    }

    /** @return the self-removal settings */
    public static Gen<SelfRemoval> selfRemovals() {
        return Generate.enumValues(SelfRemoval.class);
    }

    /** @return who may remove or demote an organization admin: organization admins, or instance admins only */
    public static Gen<OrganizationAdminRemoval> organizationAdminRemovals() {
        return Generate.enumValues(OrganizationAdminRemoval.class);
    }

    /** @return the documented presets: defaults, Flashback, Paradigm company and instance, Anthropic, Factory */
    public static Gen<MembershipRules> presets() {
        return Generate.pick(List.of(MembershipRules.defaults(), Presets.flashback(),
                Presets.paradigmCompany(), Presets.paradigmInstance(),
                Presets.anthropicAdmin(), Presets.factory()));
    }

    /**
     * @return rules with a random minimum level for every operation, self-removal setting,
     *         organization-admin removal setting and 1-30 day invitation lifetime
     */
    public static Gen<MembershipRules> rules() {
        Gen<AuthorityLevel> levels = authorityLevels();
        Gen<SelfRemoval> self = selfRemovals();
        Gen<OrganizationAdminRemoval> organizationAdmins = organizationAdminRemovals();
        Gen<Integer> days = Generate.range(1, 30);
        return in -> {
            MembershipRules.Builder b = MembershipRules.defaults().toBuilder();
            for (Operation op : Operation.values()) {
                b.requireAuthority(op, levels.generate(in));
            }
            return b.selfRemoval(self.generate(in)).organizationAdminRemoval(organizationAdmins.generate(in))
                    .invitationLifetime(Duration.ofDays(days.generate(in))).build();
        };
    }

    // ---- worlds -----------------------------------------------------------------------------------

    /**
     * Generated worlds: 1-3 organizations, each with 1-3 admins, 0-3 members (sometimes one shared
     * with an earlier organization), 0-3 custom workspaces whose members have random roles (some
     * with no admin at all), and 0-2 pending invitations in mixed-case emails and random roles;
     * plus, sometimes, users pending validation, disabled users, an instance admin (sometimes a
     * member), and often one or two members disabled or set back to pending validation after
     * joining: organization and workspace admins among them (never an organization's first admin,
     * so properties can act as it), as long as every organization and every custom workspace with
     * a usable admin (one whose account is validated) keeps one, as the library requires. User names are ids of every shape.
     *
     * @return world descriptions, to build with {@link World#build}
     */
    public static Gen<World.Spec> worlds() {
        Gen<String> names = Generate.frequency(List.of(Pair.of(2, integerIds()), Pair.of(2, uuids()),
                Pair.of(3, prefixedIds())));
        Gen<Integer> small = Generate.range(0, 3);
        Gen<Boolean> coin = Generate.booleans();
        Gen<WorkspaceRole> roles = workspaceRoles();
        Gen<OrganizationRole> orgRoles = organizationRoles();
        Gen<String> inviteEmails = emailAddresses().map(String::strip);
        return in -> {
            Set<String> taken = new HashSet<>();
            int orgs = Generate.range(1, 3).generate(in);
            List<World.Org> organizations = new ArrayList<>();
            List<String> everyone = new ArrayList<>();
            Optional<String> instanceAdmin = small.generate(in) == 0
                    ? Optional.of(fresh(names, taken, in)) : Optional.empty();
            for (int o = 0; o < orgs; o++) {
                List<String> admins = new ArrayList<>();
                List<String> members = new ArrayList<>();
                int adminCount = Generate.range(1, 3).generate(in);
                for (int i = 0; i < adminCount; i++) {
                    admins.add(fresh(names, taken, in));
                }
                int memberCount = small.generate(in);
                for (int i = 0; i < memberCount; i++) {
                    members.add(fresh(names, taken, in));
                }
                if (!everyone.isEmpty() && small.generate(in) == 0) {
                    String shared = everyone.get(Generate.range(0, everyone.size() - 1).generate(in));
                    (coin.generate(in) ? admins : members).add(shared);
                }
                if (o == 0 && instanceAdmin.isPresent() && coin.generate(in)) {
                    members.add(instanceAdmin.get());
                }
                List<String> people = new ArrayList<>(admins);
                people.addAll(members);
                List<World.Ws> workspaces = new ArrayList<>();
                int wsCount = small.generate(in);
                for (int w = 0; w < wsCount; w++) {
                    List<World.Seat> seats = new ArrayList<>();
                    for (String person : people) {
                        if (coin.generate(in)) {
                            seats.add(new World.Seat(person, roles.generate(in)));
                        }
                    }
                    workspaces.add(new World.Ws("org" + o + "-ws" + w, seats));
                }
                List<World.Invite> invitations = new ArrayList<>();
                Set<String> invited = new HashSet<>();
                int inviteCount = Generate.range(0, 2).generate(in);
                for (int i = 0; i < inviteCount; i++) {
                    String email = inviteEmails.generate(in);
                    if (invited.add(email.toLowerCase(Locale.ROOT))) {
                        invitations.add(new World.Invite(email, orgRoles.generate(in)));
                    }
                }
                organizations.add(new World.Org("org" + o, admins, members, workspaces, invitations));
                people.stream().filter(p -> !everyone.contains(p)).forEach(everyone::add);
            }
            List<String> pending = new ArrayList<>();
            for (int i = Generate.range(0, 2).generate(in); i > 0; i--) {
                pending.add(fresh(names, taken, in));
            }
            List<String> disabled = new ArrayList<>();
            if (coin.generate(in)) {
                disabled.add(fresh(names, taken, in));
            }
            List<String> disabledMembers = new ArrayList<>();
            List<String> unvalidatedMembers = new ArrayList<>();
            // every organization's first admin stays usable, so that properties can act as it
            Set<String> firstAdmins = new HashSet<>();
            organizations.forEach(o -> firstAdmins.add(o.admins().get(0)));
            List<String> candidates = everyone.stream()
                    .filter(p -> !instanceAdmin.equals(Optional.of(p)) && !firstAdmins.contains(p)).toList();
            Set<String> unusable = new HashSet<>();
            for (int i = Generate.range(0, 2).generate(in); i > 0 && !candidates.isEmpty(); i--) {
                String person = candidates.get(Generate.range(0, candidates.size() - 1).generate(in));
                if (!unusable.contains(person) && everyScopeKeepsAUsableAdmin(organizations, unusable, person)) {
                    unusable.add(person);
                    (coin.generate(in) ? disabledMembers : unvalidatedMembers).add(person);
                }
            }
            return new World.Spec(organizations, pending, disabled, instanceAdmin.stream().toList(), disabledMembers,
                    unvalidatedMembers);
        };
    }

    /**
     * @return whether every organization, and every custom workspace that has a usable admin, still
     *         has one once {@code person} joins the {@code unusable}
     */
    private static boolean everyScopeKeepsAUsableAdmin(List<World.Org> organizations, Set<String> unusable,
                                                       String person) {
        for (World.Org o : organizations) {
            if (o.admins().contains(person)
                    && o.admins().stream().allMatch(a -> a.equals(person) || unusable.contains(a))) {
                return false;
            }
            for (World.Ws w : o.workspaces()) {
                List<String> wsAdmins = w.seats().stream().filter(s -> s.role() == WorkspaceRole.ADMIN)
                        .map(World.Seat::user).toList();
                if (wsAdmins.contains(person) && wsAdmins.stream().allMatch(a -> a.equals(person) || unusable.contains(a))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static String fresh(Gen<String> names, Set<String> taken, org.quicktheories.core.RandomnessSource in) {
        for (int attempt = 0; ; attempt++) {
            String name = names.generate(in);
            // emails are name@example.com, so two names may not differ only in case
            if (taken.add(name.toLowerCase(Locale.ROOT)) && !name.equals(World.NEWCOMER)) {
                return name;
            }
            if (attempt > 100) {
                name = "user_" + taken.size();
                taken.add(name);
                return name;
            }
        }
    }

    /**
     * Actors for a world: any of its users (admins, members, pending, disabled, instance admins),
     * an unknown user, an organization key of one of its organizations or of a missing one, and an
     * instance key.
     *
     * @param spec the world
     * @return actors, resolved with {@link World.ActorRef#in}
     */
    public static Gen<World.ActorRef> actors(World.Spec spec) {
        List<String> users = spec.allUsers();
        List<Pair<Integer, Gen<World.ActorRef>>> choices = new ArrayList<>();
        choices.add(Pair.of(8, Generate.pick(users).map(u -> new World.ActorRef("user " + u,
                w -> Actor.user(w.user(u))))));
        choices.add(Pair.of(2, Generate.pick(spec.organizations()).map(o -> new World.ActorRef("key of " + o.name(),
                w -> Actor.organizationKey(w.organization(o.name()), "key")))));
        choices.add(Pair.of(1, Generate.constant(new World.ActorRef("key of a missing organization",
                w -> Actor.organizationKey(OrganizationId.of(World.MISSING + "org"), "key")))));
        choices.add(Pair.of(1, Generate.constant(new World.ActorRef("unknown user",
                w -> Actor.user(UserId.of(World.MISSING + "user"))))));
        choices.add(Pair.of(1, Generate.constant(new World.ActorRef("instance key",
                w -> Actor.instanceKey("ops")))));
        return Generate.frequency(choices);
    }

    /**
     * Commands of every kind, aimed at a world's users, workspaces (default and custom), invitations
     * and organizations, or at missing ones; emails in random case.
     *
     * @param spec the world
     * @return commands, resolved with {@link World.CommandRef#in}
     */
    public static Gen<World.CommandRef> commands(World.Spec spec) {
        List<String> users = new ArrayList<>(spec.allUsers());
        users.add(World.MISSING + "user");
        List<String> invitations = new ArrayList<>(spec.allInvitations());
        invitations.add(World.MISSING + "inv");
        List<String> addresses = new ArrayList<>(spec.allInvitations());
        users.stream().filter(u -> !u.startsWith(World.MISSING)).forEach(u -> addresses.add(u + "@example.com"));
        addresses.add("nobody@example.com");

        Gen<String> user = Generate.pick(users);
        // custom workspaces and the first organization (whose key powerfulScenarios uses) come up most
        List<Pair<Integer, Gen<String>>> weightedWorkspaces = new ArrayList<>();
        List<Pair<Integer, Gen<String>>> weightedOrganizations = new ArrayList<>();
        for (int i = 0; i < spec.organizations().size(); i++) {
            World.Org o = spec.organizations().get(i);
            weightedWorkspaces.add(Pair.of(1, Generate.constant(o.name())));
            weightedOrganizations.add(Pair.of(i == 0 ? 4 : 1, Generate.constant(o.name())));
            for (World.Ws w : o.workspaces()) {
                weightedWorkspaces.add(Pair.of(i == 0 ? 4 : 2, Generate.constant(w.name())));
            }
        }
        weightedWorkspaces.add(Pair.of(1, Generate.constant(World.MISSING + "ws")));
        weightedOrganizations.add(Pair.of(1, Generate.constant(World.MISSING + "org")));
        Gen<String> workspace = Generate.frequency(weightedWorkspaces);
        Gen<String> organization = Generate.frequency(weightedOrganizations);
        Gen<String> invitation = Generate.pick(invitations);
        Gen<String> address = Generate.pick(addresses).flatMap(Generators::caseVariantsOf);
        Gen<WorkspaceRole> role = workspaceRoles();
        Gen<OrganizationRole> orgRole = organizationRoles();
        Gen<UserStatus> status = userStatuses();
        Gen<Boolean> coin = Generate.booleans();
        Gen<Integer> kind = Generate.range(0, 29);
        Map<String, List<String>> seated = new HashMap<>();
        spec.organizations().forEach(o -> {
            seated.put(o.name(), o.people());
            o.workspaces().forEach(w -> seated.put(w.name(), w.seats().stream().map(World.Seat::user).toList()));
        });
        return in -> {
            String ws = workspace.generate(in);
            String org = organization.generate(in);
            List<String> inWorkspace = seated.getOrDefault(ws, List.of());
            // half the time aim at a member of the workspace, so that changes succeed often enough
            String u = !inWorkspace.isEmpty() && coin.generate(in)
                    ? inWorkspace.get(Generate.range(0, inWorkspace.size() - 1).generate(in)) : user.generate(in);
            switch (kind.generate(in)) {
                case 0: {
                    return ref("RemoveWorkspaceMember(" + ws + ", " + u + ")",
                            w -> new Command.RemoveWorkspaceMember(w.workspace(ws), w.user(u), "generated"));
                }
                case 1: {
                    WorkspaceRole r = role.generate(in);
                    return ref("AddWorkspaceMember(" + ws + ", " + u + ", " + r + ")",
                            w -> new Command.AddWorkspaceMember(w.workspace(ws), w.user(u), r));
                }
                case 2: {
                    WorkspaceRole r = role.generate(in);
                    return ref("ChangeWorkspaceRole(" + ws + ", " + u + ", " + r + ")",
                            w -> new Command.ChangeWorkspaceRole(w.workspace(ws), w.user(u), r));
                }
                case 3:
                    return ref("GetWorkspaceMember(" + ws + ", " + u + ")",
                            w -> new Command.GetWorkspaceMember(w.workspace(ws), w.user(u)));
                case 4:
                    return ref("ListWorkspaceMembers(" + ws + ")",
                            w -> new Command.ListWorkspaceMembers(w.workspace(ws), PageRequest.first(2)));
                case 5: {
                    String email = address.generate(in);
                    OrganizationRole r = orgRole.generate(in);
                    return ref("InviteToOrganization(" + org + ", " + email + ", " + r + ")",
                            w -> new Command.InviteToOrganization(w.organization(org), Email.of(email), r));
                }
                case 6: {
                    String inv = invitation.generate(in);
                    return ref("AcceptInvitation(" + inv + ")", w -> new Command.AcceptInvitation(w.invitation(inv)));
                }
                case 7: {
                    String inv = invitation.generate(in);
                    return ref("RevokeInvitation(" + inv + ")",
                            w -> new Command.RevokeInvitation(w.invitation(inv), "generated"));
                }
                case 8:
                    return ref("ListInvitations(" + org + ")",
                            w -> new Command.ListInvitations(w.organization(org), PageRequest.first()));
                case 9: {
                    String email = address.generate(in);
                    return ref("RemoveOrganizationUser(" + org + ", " + email + ")",
                            w -> new Command.RemoveOrganizationUser(w.organization(org), Email.of(email), "generated"));
                }
                case 10:
                    return ref("CreateWorkspace(" + org + ")",
                            w -> new Command.CreateWorkspace(w.organization(org), "Generated workspace"));
                case 11:
                    return ref("CreateOrganization(first admin " + u + ")",
                            w -> new Command.CreateOrganization("Generated organization", w.user(u)));
                case 12: {
                    boolean newcomer = coin.generate(in);
                    String name = newcomer ? World.NEWCOMER : users.get(0);
                    UserStatus s = status.generate(in);
                    boolean admin = coin.generate(in);
                    return ref("RegisterUser(" + name + ", " + s + (admin ? ", instance admin" : "") + ")",
                            w -> new Command.RegisterUser(new User(UserId.of(name), Email.of(name + "@example.com"),
                                    s, admin)));
                }
                case 13: {
                    UserStatus s = status.generate(in);
                    return ref("ChangeUserStatus(" + u + ", " + s + ")",
                            w -> new Command.ChangeUserStatus(w.user(u), s));
                }
                case 14:
                    return ref("ListMemberships(" + u + ")", w -> new Command.ListMemberships(w.user(u)));
                case 15:
                    return ref("GetWorkspaceAuthority(" + ws + ")", w -> new Command.GetWorkspaceAuthority(w.workspace(ws)));
                case 16: {
                    OrganizationRole r = orgRole.generate(in);
                    return ref("AddOrganizationMember(" + org + ", " + u + ", " + r + ")",
                            w -> new Command.AddOrganizationMember(w.organization(org), w.user(u), r));
                }
                case 17: {
                    OrganizationRole r = orgRole.generate(in);
                    return ref("ChangeOrganizationRole(" + org + ", " + u + ", " + r + ")",
                            w -> new Command.ChangeOrganizationRole(w.organization(org), w.user(u), r));
                }
                case 18:
                    return ref("RemoveOrganizationMember(" + org + ", " + u + ")",
                            w -> new Command.RemoveOrganizationMember(w.organization(org), w.user(u), "generated"));
                case 19:
                    return ref("LeaveOrganization(" + org + ")",
                            w -> new Command.LeaveOrganization(w.organization(org), "generated"));
                case 20:
                    return ref("GetOrganizationMember(" + org + ", " + u + ")",
                            w -> new Command.GetOrganizationMember(w.organization(org), w.user(u)));
                case 21: {
                    Optional<OrganizationRole> r = coin.generate(in) ? Optional.empty() : Optional.of(orgRole.generate(in));
                    return ref("ListOrganizationMembers(" + org + ", " + r + ")",
                            w -> new Command.ListOrganizationMembers(w.organization(org), r, PageRequest.first(2)));
                }
                case 22: {
                    String inv = invitation.generate(in);
                    return ref("GetInvitation(" + inv + ")", w -> new Command.GetInvitation(w.invitation(inv)));
                }
                case 23:
                    return ref("GetUser(" + u + ")", w -> new Command.GetUser(w.user(u)));
                case 24: {
                    String email = address.generate(in);
                    return ref("FindUserByEmail(" + email + ")", w -> new Command.FindUserByEmail(Email.of(email)));
                }
                case 25: {
                    String email = address.generate(in);
                    return ref("ChangeUserEmail(" + u + ", " + email + ")",
                            w -> new Command.ChangeUserEmail(w.user(u), Email.of(email)));
                }
                case 26:
                    return ref("RenameWorkspace(" + ws + ")", w -> new Command.RenameWorkspace(w.workspace(ws), "Renamed"));
                case 27:
                    return ref("DeleteWorkspace(" + ws + ")", w -> new Command.DeleteWorkspace(w.workspace(ws), "generated"));
                case 28:
                    return ref("DeleteOrganization(" + org + ")",
                            w -> new Command.DeleteOrganization(w.organization(org), "generated"));
                default: {
                    boolean instance = coin.generate(in);
                    return instance
                            ? ref("ListAuditTrail(instance)", w -> Command.ListAuditTrail.ofInstance(PageRequest.first()))
                            : ref("ListAuditTrail(" + org + ")",
                                    w -> Command.ListAuditTrail.of(w.organization(org), PageRequest.first()));
                }
            }
        };
    }

    private static World.CommandRef ref(String description, java.util.function.Function<World, Command<?>> make) {
        return new World.CommandRef(description, make);
    }

    /** @return a generated world with an actor and a command in it */
    public static Gen<World.Scenario> scenarios() {
        return worlds().flatMap(spec -> actors(spec).zip(commands(spec), (a, c) -> new World.Scenario(spec, a, c)));
    }

    /**
     * @return scenarios whose actor is, half the time, an instance key or the key of the first
     *         organization, so that commands succeed often (properties about successful changes need many)
     */
    public static Gen<World.Scenario> powerfulScenarios() {
        Gen<World.ActorRef> keys = Generate.pick(List.of(
                new World.ActorRef("instance key", w -> Actor.instanceKey("ops")),
                new World.ActorRef("key of org0", w -> Actor.organizationKey(w.organization("org0"), "key"))));
        return worlds().flatMap(spec -> Generate.oneOf(actors(spec), keys)
                .zip(commands(spec), (a, c) -> new World.Scenario(spec, a, c)));
    }

    /**
     * @param spec the world
     * @return 1-8 actor-command pairs to run in order in that world
     */
    public static Gen<List<Pair<World.ActorRef, World.CommandRef>>> commandSequences(World.Spec spec) {
        Gen<World.ActorRef> actors = actors(spec);
        Gen<World.CommandRef> commands = commands(spec);
        Gen<Integer> length = Generate.range(1, 8);
        return in -> {
            List<Pair<World.ActorRef, World.CommandRef>> steps = new ArrayList<>();
            for (int i = length.generate(in); i > 0; i--) {
                steps.add(Pair.of(actors.generate(in), commands.generate(in)));
            }
            return steps;
        };
    }

    // ---- hostile input --------------------------------------------------------------------------

    /** @return the empty string */
    public static Gen<String> blankStrings() {
        return Generate.constant("");
    }

    /** @return 1-10 characters of white space, including tabs, line breaks and no-break spaces */
    public static Gen<String> whitespaceOnly() {
        String spaces = " \t\n\r\u000B\f\u2003\u3000\u00A0\u2007\u202F";
        Gen<Integer> index = Generate.range(0, spaces.length() - 1);
        Gen<Integer> length = Generate.range(1, 10);
        return in -> {
            StringBuilder s = new StringBuilder();
            for (int i = length.generate(in); i > 0; i--) {
                s.append(spaces.charAt(index.generate(in)));
            }
            return s.toString();
        };
    }

    /** @return strings of 10,000 characters that would be valid if they were short */
    public static Gen<String> overlongStrings() {
        return Generate.pick(List.of("a", "Z", "7", "_", "ab.")).map(s -> s.repeat(10_000).substring(0, 10_000));
    }

    /** @return short words with a control character (C0, DEL or C1) inside, not at the ends */
    public static Gen<String> withControlCharacters() {
        Gen<Integer> control = Generate.frequency(List.of(Pair.of(4, Generate.range(0, 0x1f)),
                Pair.of(1, Generate.constant(0x7f)), Pair.of(1, Generate.range(0x80, 0x9f))));
        Gen<String> word = Generate.pick(List.of("ann", "x", "user_01", "42", "Research"));
        return in -> word.generate(in) + (char) (int) control.generate(in) + word.generate(in);
    }

    /** @return short words with half of a UTF-16 surrogate pair inside: no UTF-8 form, so no database could store them */
    public static Gen<String> withLoneSurrogates() {
        Gen<Integer> surrogate = Generate.range(0xD800, 0xDFFF);
        Gen<String> word = Generate.pick(List.of("ann", "x", "user_01", "42", "Research"));
        return in -> word.generate(in) + (char) (int) surrogate.generate(in) + word.generate(in);
    }

    /** @return SQL and shell metacharacter payloads such as {@code '; DROP TABLE users; --} */
    public static Gen<String> sqlMetacharacters() {
        return Generate.pick(List.of("'; DROP TABLE users; --", "' OR '1'='1", "\"; DELETE FROM memberships; --",
                "1; SELECT * FROM users", "%' OR 1=1 --", "admin'--", "Robert'); DROP TABLE students;--",
                "1 UNION SELECT password FROM users", "$(rm -rf /)", "a\\'b", "` OR ``=`"));
    }

    /** @return addresses that are not valid emails (no {@code @}, two, no domain dot, quotes, spaces, over-long parts...) */
    public static Gen<String> malformedEmails() {
        return Generate.pick(List.of("plainaddress", "@no-local.com", "ann@", "ann@@x.com", "ann@b@x.com", "ann@x",
                "ann@.x.com", "ann@x..com", "ann@x.com.", ".ann@x.com", "ann.@x.com", "ann smith@x.com",
                "ann@x .com", "<ann@x.com>", "ann,bob@x.com", "ann;bob@x.com", "\"ann\"@x.com", "ann@[127.0.0.1]",
                "a(b)@x.com", "a".repeat(65) + "@x.com", "ann@" + "d".repeat(250) + ".com", "ann:x@x.com",
                "ann\\x@x.com"));
    }

    /** @return role names that are no role of the library */
    public static Gen<String> unknownRoleNames() {
        return Generate.pick(List.of("owner", "superuser", "root", "administrator", "ADMINS", "workspace_owner",
                "guest", "role_admin", "0", "-1", "null", "USER;", "member'--", "workspace_", "adm in",
                "developer2"));
    }

    /**
     * Strings no id, email or role accepts: blank, white space only, 10,000 characters, control
     * characters, lone surrogates, SQL metacharacters.
     *
     * @return hostile strings
     */
    public static Gen<String> hostileStrings() {
        return Generate.oneOf(blankStrings(), whitespaceOnly(), overlongStrings(), withControlCharacters(),
                withLoneSurrogates(), sqlMetacharacters());
    }

    /** @return hostile strings plus malformed addresses (one with a lone surrogate in its local part): no email accepts any of them */
    public static Gen<String> hostileEmails() {
        return Generate.oneOf(hostileStrings(), malformedEmails(), withLoneSurrogates().map(local -> local + "@example.com"));
    }

    /** @return hostile strings plus unknown role names: no role or status parser accepts any of them */
    public static Gen<String> hostileRoleNames() {
        return Generate.oneOf(hostileStrings(), unknownRoleNames());
    }

    /**
     * @return hostile strings no display name accepts: blank, white space only, 10,000 characters, control
     *     characters, lone surrogates
     */
    public static Gen<String> invalidNames() {
        return Generate.oneOf(blankStrings(), whitespaceOnly(), overlongStrings(), withControlCharacters(),
                withLoneSurrogates());
    }

    /**
     * @return hostile strings no audit reason accepts (a reason may be empty): 10,000 characters, control
     *     characters, lone surrogates
     */
    public static Gen<String> invalidReasons() {
        return Generate.oneOf(overlongStrings(), withControlCharacters(), withLoneSurrogates());
    }

    // ---- events, as the change feed keeps them ---------------------------------------------------

    /** @return instants from 1970 to 2190, to the nanosecond (the span every store keeps exactly) */
    public static Gen<Instant> instants() {
        return Generate.longRange(0, 7_000_000_000L).zip(Generate.range(0, 999_999_999), Instant::ofEpochSecond);
    }

    /** @return valid display names: plain, accented, other scripts, emoji (surrogate pairs), quotes and SQL */
    public static Gen<String> displayNames() {
        return Generate.oneOf(Generate.pick(List.of("Acme", "Research & Development", "Équipe café", "日本語チーム",
                "Team \uD83D\uDE80 rocket", "O'Brien \"quoted\" \\ backslash", "a", "x".repeat(200))),
                sqlMetacharacters());
    }

    /** @return accounts of every status, some instance admins, with mixed-case emails */
    public static Gen<User> users() {
        return userIds().zip(emails(), userStatuses(), Generate.booleans(), User::new);
    }

    /** @return memberships of custom workspaces with every role */
    public static Gen<WorkspaceMember> workspaceMembers() {
        return workspaceIds().zip(userIds(), workspaceRoles(), instants(), WorkspaceMember::new);
    }

    /** @return invitations of every role and stored status */
    public static Gen<Invitation> invitations() {
        Gen<InvitationStatus> statuses = Generate.enumValues(InvitationStatus.class);
        Gen<Long> lifetimeNanos = Generate.longRange(1, Duration.ofDays(60).toNanos());
        return in -> {
            Instant created = instants().generate(in);
            return new Invitation(invitationIds().generate(in), organizationIds().generate(in), emails().generate(in),
                    organizationRoles().generate(in), statuses.generate(in), created,
                    created.plusNanos(lifetimeNanos.generate(in)));
        };
    }

    /**
     * Events of every {@link MembershipEvent} type, with values of every shape the library accepts:
     * what a store's change feed must give back exactly as it was appended.
     *
     * @return events, every type about equally often
     */
    public static Gen<MembershipEvent> events() {
        Gen<MembershipEvent> registered = users().zip(instants(), MembershipEvent.UserRegistered::new);
        Gen<MembershipEvent> statusChanged = userIds().zip(userStatuses(), userStatuses(), instants(),
                MembershipEvent.UserStatusChanged::new);
        Gen<MembershipEvent> organizationCreated = in -> new MembershipEvent.OrganizationCreated(
                new Organization(organizationIds().generate(in), displayNames().generate(in), workspaceIds().generate(in),
                        instants().generate(in)), userIds().generate(in), instants().generate(in));
        Gen<MembershipEvent> workspaceCreated = in -> new MembershipEvent.WorkspaceCreated(
                new Workspace(workspaceIds().generate(in), organizationIds().generate(in), displayNames().generate(in),
                        Generate.enumValues(WorkspaceKind.class).generate(in), instants().generate(in)),
                instants().generate(in));
        Gen<MembershipEvent> memberAdded = organizationIds().zip(workspaceMembers(), instants(),
                MembershipEvent.WorkspaceMemberAdded::new);
        Gen<MembershipEvent> roleChanged = in -> new MembershipEvent.WorkspaceRoleChanged(organizationIds().generate(in),
                workspaceIds().generate(in), userIds().generate(in), workspaceRoles().generate(in),
                workspaceRoles().generate(in), instants().generate(in));
        Gen<MembershipEvent> memberRemoved = organizationIds().zip(workspaceIds(), userIds(), instants(),
                MembershipEvent.WorkspaceMemberRemoved::new);
        Gen<MembershipEvent> sent = invitations().zip(instants(), MembershipEvent.InvitationSent::new);
        Gen<MembershipEvent> accepted = invitations().zip(userIds(), instants(), MembershipEvent.InvitationAccepted::new);
        Gen<MembershipEvent> revoked = invitations().zip(instants(), MembershipEvent.InvitationRevoked::new);
        Gen<MembershipEvent> organizationMemberRemoved = in -> new MembershipEvent.OrganizationMemberRemoved(
                organizationIds().generate(in), userIds().generate(in),
                SourceDSL.lists().of(workspaceIds()).ofSizeBetween(0, 4).generate(in),
                Generate.booleans().generate(in) ? Optional.of(invitationIds().generate(in)) : Optional.empty(),
                instants().generate(in));
        Gen<Optional<InvitationId>> maybeInvitation = in -> Generate.booleans().generate(in)
                ? Optional.of(invitationIds().generate(in)) : Optional.empty();
        Gen<MembershipEvent> organizationMemberAdded = in -> new MembershipEvent.OrganizationMemberAdded(
                new OrganizationMember(organizationIds().generate(in), userIds().generate(in),
                        organizationRoles().generate(in), instants().generate(in)),
                maybeInvitation.generate(in), instants().generate(in));
        Gen<MembershipEvent> organizationRoleChanged = in -> new MembershipEvent.OrganizationRoleChanged(
                organizationIds().generate(in), userIds().generate(in), organizationRoles().generate(in),
                organizationRoles().generate(in), instants().generate(in));
        Gen<MembershipEvent> emailChanged = userIds().zip(emails(), emails(), instants(), MembershipEvent.UserEmailChanged::new);
        Gen<MembershipEvent> renamed = in -> new MembershipEvent.WorkspaceRenamed(organizationIds().generate(in),
                workspaceIds().generate(in), displayNames().generate(in), displayNames().generate(in), instants().generate(in));
        Gen<MembershipEvent> workspaceDeleted = in -> new MembershipEvent.WorkspaceDeleted(organizationIds().generate(in),
                workspaceIds().generate(in), SourceDSL.lists().of(userIds()).ofSizeBetween(0, 4).generate(in),
                instants().generate(in));
        Gen<MembershipEvent> organizationDeleted = in -> new MembershipEvent.OrganizationDeleted(
                new Organization(organizationIds().generate(in), displayNames().generate(in), workspaceIds().generate(in),
                        instants().generate(in)), instants().generate(in));
        return Generate.oneOf(registered, statusChanged, organizationCreated, workspaceCreated, memberAdded, roleChanged,
                memberRemoved, sent, accepted, revoked, organizationMemberRemoved, organizationMemberAdded,
                organizationRoleChanged, emailChanged, renamed, workspaceDeleted, organizationDeleted);
    }
}
