package org.membership.tck;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.membership.api.Actor;
import org.membership.api.AuditEntry;
import org.membership.api.Command;
import org.membership.api.InvitationId;
import org.membership.api.Membership;
import org.membership.api.MembershipEvent;
import org.membership.api.MembershipRules;
import org.membership.api.Memberships;
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationMember;
import org.membership.api.OrganizationRole;
import org.membership.api.Outcome;
import org.membership.api.Page;
import org.membership.api.PageRequest;
import org.membership.api.UserId;
import org.membership.api.UserStatus;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceRole;
import org.membership.core.MembershipEngine;
import org.membership.core.spi.MembershipStore;

/**
 * A generated membership world built on a real store: the {@link Spec} that {@link Generators#worlds()}
 * produces (a printable description, so a failing property shows the world it failed in), the
 * {@link Fixture} it was built into, and a way to {@link #snapshot()} everything observable in it.
 *
 * <pre>{@code
 * qt().forAll(Generators.worlds()).checkAssert(spec -> {
 *     World world = World.build(spec, newStore(), MembershipRules.defaults());
 *     World.State before = world.snapshot();
 *     ...
 * });
 * }</pre>
 *
 * <p>Names in a spec are fixture names: a user's name is its id (and {@code name@example.com} its
 * email), organizations and workspaces are looked up by name. A reference that starts with
 * {@value #MISSING} names something that does not exist: it is a valid id that no fixture ever
 * assigns (fixture ids are decimal numbers and user names never contain a colon).
 *
 * <p>Not thread-safe; build one per property example.
 */
public final class World {
    /** The prefix of references to things that do not exist. */
    public static final String MISSING = "missing:";
    /** The name of a user no spec declares, that generated commands may register; snapshots include it. */
    public static final String NEWCOMER = "newcomer_01";

    private static final Actor OBSERVER = Actor.instanceKey("world-observer");
    private static final PageRequest ALL = PageRequest.first(PageRequest.MAX_LIMIT);

    private final Spec spec;
    private final Fixture fixture;
    private final Membership membership;
    private final List<MembershipEvent> events = new CopyOnWriteArrayList<>();

    private World(Spec spec, Fixture fixture, MembershipRules rules) {
        this.spec = spec;
        this.fixture = fixture;
        AtomicLong next = new AtomicLong();
        this.membership = MembershipEngine.builder(fixture.store()).rules(rules).clock(fixture.clock())
                .ids(() -> "n" + next.incrementAndGet()).listener(events::add).build();
    }

    /**
     * Builds a world through the engine (so it only holds states the library allows): registers its
     * users, creates its organizations, workspaces and invitations, then disables the members the
     * spec names as disabled and sets back to pending validation those it names as unvalidated. Building follows the default rules (with {@code rules}' invitation
     * lifetime), so that any rules can be tested in any world; {@link #membership()} then applies
     * {@code rules}, reads the fixture's clock, and makes ids {@code n1, n2, ...} that never clash
     * with the fixture's decimal ones.
     *
     * @param spec what to build
     * @param store an empty store
     * @param rules the rules {@link #membership()} applies
     * @return the built world
     * @throws IllegalStateException if the library refused a step of the spec
     */
    public static World build(Spec spec, MembershipStore store, MembershipRules rules) {
        Fixture.Builder builder = Fixture.builder(store).rules(MembershipRules.defaults().toBuilder()
                .invitationLifetime(rules.invitationLifetime()).build());
        spec.instanceAdmins().forEach(builder::instanceAdmin);
        spec.pendingUsers().forEach(u -> builder.user(u, UserStatus.PENDING_VALIDATION));
        spec.disabledUsers().forEach(u -> builder.user(u, UserStatus.DISABLED));
        for (Org org : spec.organizations()) {
            builder.organization(org.name(), o -> {
                org.admins().forEach(o::admin);
                org.members().forEach(o::member);
                for (Ws ws : org.workspaces()) {
                    o.workspace(ws.name(), w -> ws.seats().forEach(s -> w.member(s.user(), s.role())));
                }
                org.invitations().forEach(i -> o.invitation(i.email(), i.role()));
            });
        }
        Fixture fixture = builder.build();
        for (String user : spec.disabledMembers()) {
            changeStatus(fixture, user, UserStatus.DISABLED);
        }
        for (String user : spec.unvalidatedMembers()) {
            changeStatus(fixture, user, UserStatus.PENDING_VALIDATION);
        }
        return new World(spec, fixture, rules);
    }

    private static void changeStatus(Fixture fixture, String user, UserStatus status) {
        Outcome<?> o = fixture.membership().execute(Actor.instanceKey("world-builder"),
                new Command.ChangeUserStatus(UserId.of(user), status));
        if (!o.succeeded()) {
            throw new IllegalStateException("could not set " + user + " to " + status + ": " + o.refusal().orElseThrow());
        }
    }

    /** @return the description this world was built from */
    public Spec spec() {
        return spec;
    }

    /** @return the fixture the world was built into (its clock and name lookups; its engine applies the build rules) */
    public Fixture fixture() {
        return fixture;
    }

    /** @return the world's engine, applying the rules it was built with */
    public Membership membership() {
        return membership;
    }

    /** @return the events {@link #membership()} published since the world was built, oldest first (a copy) */
    public List<MembershipEvent> events() {
        return List.copyOf(events);
    }

    /**
     * @param ref a user's name, or a {@value #MISSING} reference
     * @return its id
     */
    public UserId user(String ref) {
        return UserId.of(ref);
    }

    /**
     * @param ref an organization's name, or a {@value #MISSING} reference
     * @return its id
     */
    public OrganizationId organization(String ref) {
        return ref.startsWith(MISSING) ? OrganizationId.of(ref) : fixture.organization(ref);
    }

    /**
     * @param ref a workspace's name (an organization's name for its default workspace), or a {@value #MISSING} reference
     * @return its id
     */
    public WorkspaceId workspace(String ref) {
        return ref.startsWith(MISSING) ? WorkspaceId.of(ref) : fixture.workspace(ref);
    }

    /**
     * @param ref an invited email as the spec spells it, or a {@value #MISSING} reference
     * @return the invitation's id
     */
    public InvitationId invitation(String ref) {
        return ref.startsWith(MISSING) ? InvitationId.of(ref) : fixture.invitation(ref);
    }

    /**
     * Reads everything a host could observe, as an instance key (reads never write or publish):
     * every organization's audit trail, pending invitations and workspace members (default and
     * custom), every known user's memberships, and the instance-level audit trail. Organizations
     * created after the build are found through their members' memberships.
     *
     * @return the observable state, comparable with {@link State#equals}
     */
    public State snapshot() {
        Membership m = membership();
        Map<String, Object> views = new LinkedHashMap<>();
        Set<OrganizationId> organizations = new LinkedHashSet<>();
        spec.organizations().forEach(o -> organizations.add(fixture.organization(o.name())));
        List<String> users = new ArrayList<>(spec.allUsers());
        users.add(NEWCOMER);
        for (String user : users) {
            Outcome<Memberships> memberships = m.execute(OBSERVER, new Command.ListMemberships(UserId.of(user)));
            views.put("memberships of " + user, memberships);
            if (memberships instanceof Outcome.Success<Memberships> found) {
                found.value().organizations().stream().map(OrganizationMember::organization).forEach(organizations::add);
            }
        }
        for (OrganizationId org : organizations) {
            views.put("audit of " + org, all(p -> Command.ListAuditTrail.of(org, p)));
            views.put("invitations of " + org, all(p -> new Command.ListInvitations(org, p)));
        }
        for (Org org : spec.organizations()) {
            views.put("members of " + org.name(), all(p -> new Command.ListWorkspaceMembers(workspace(org.name()), p)));
            for (Ws ws : org.workspaces()) {
                views.put("members of " + ws.name(), all(p -> new Command.ListWorkspaceMembers(workspace(ws.name()), p)));
            }
        }
        views.put("instance audit", all(Command.ListAuditTrail::ofInstance));
        return new State(views);
    }

    /** @return how many audit entries the world holds, instance-level and per organization */
    public int auditSize() {
        return snapshot().auditEntries().size();
    }

    private <T> Object all(Function<PageRequest, Command<Page<T>>> command) {
        List<T> items = new ArrayList<>();
        PageRequest request = ALL;
        while (true) {
            Outcome<Page<T>> outcome = membership().execute(OBSERVER, command.apply(request));
            if (!outcome.succeeded()) {
                return outcome;
            }
            Page<T> page = outcome.orElseThrow();
            items.addAll(page.items());
            if (!page.hasMore() || page.lastId().isEmpty()) {
                return List.copyOf(items);
            }
            request = PageRequest.after(page.lastId().get(), PageRequest.MAX_LIMIT);
        }
    }

    /**
     * Everything observable in a world at one moment, by view name ({@code "audit of 1"},
     * {@code "members of research"}, ...). Immutable and thread-safe.
     *
     * @param views each view's items, or the refused outcome of reading it
     */
    public record State(Map<String, Object> views) {
        /** Copies the map, keeping its order. */
        public State {
            views = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(views));
        }

        /** @return every audit entry in the state, instance-level first then by organization */
        public List<AuditEntry> auditEntries() {
            List<AuditEntry> entries = new ArrayList<>();
            views.forEach((name, view) -> {
                if (name.contains("audit") && view instanceof List<?> list) {
                    list.forEach(e -> entries.add((AuditEntry) e));
                }
            });
            return entries;
        }

        /** @return this state without its audit trails: the memberships and invitations only */
        public State withoutAudit() {
            Map<String, Object> rest = new LinkedHashMap<>(views);
            rest.keySet().removeIf(k -> k.contains("audit"));
            return new State(rest);
        }
    }

    // ---- the description ------------------------------------------------------------------------

    /**
     * A world to build, as plain data.
     *
     * @param organizations the organizations, in creation order
     * @param pendingUsers registered users whose accounts are not validated; members of nothing
     * @param disabledUsers registered, disabled users; members of nothing
     * @param instanceAdmins validated instance admins; may also be members of organizations
     * @param disabledMembers organization members (admins among them) disabled after the build
     * @param unvalidatedMembers organization members (admins among them) set back to pending validation
     *        after the build, after the disabled ones
     */
    public record Spec(List<Org> organizations, List<String> pendingUsers, List<String> disabledUsers,
                       List<String> instanceAdmins, List<String> disabledMembers, List<String> unvalidatedMembers) {
        /** Copies the lists. */
        public Spec {
            organizations = List.copyOf(organizations);
            pendingUsers = List.copyOf(pendingUsers);
            disabledUsers = List.copyOf(disabledUsers);
            instanceAdmins = List.copyOf(instanceAdmins);
            disabledMembers = List.copyOf(disabledMembers);
            unvalidatedMembers = List.copyOf(unvalidatedMembers);
        }

        /** A world in which no member is set back to pending validation after the build. */
        public Spec(List<Org> organizations, List<String> pendingUsers, List<String> disabledUsers,
                    List<String> instanceAdmins, List<String> disabledMembers) {
            this(organizations, pendingUsers, disabledUsers, instanceAdmins, disabledMembers, List.of());
        }

        /** @return every user name in the world, each once */
        public List<String> allUsers() {
            Set<String> all = new LinkedHashSet<>(instanceAdmins);
            organizations.forEach(o -> {
                all.addAll(o.admins());
                all.addAll(o.members());
            });
            all.addAll(pendingUsers);
            all.addAll(disabledUsers);
            return List.copyOf(all);
        }

        /** @return every workspace name: each organization's (its default workspace) and every custom one */
        public List<String> allWorkspaces() {
            List<String> all = new ArrayList<>();
            organizations.forEach(o -> {
                all.add(o.name());
                o.workspaces().forEach(w -> all.add(w.name()));
            });
            return all;
        }

        /** @return every invited email as the spec spells it */
        public List<String> allInvitations() {
            List<String> all = new ArrayList<>();
            organizations.forEach(o -> o.invitations().forEach(i -> all.add(i.email())));
            return all;
        }

        /**
         * @param name an organization's name
         * @return that organization
         */
        public Optional<Org> organization(String name) {
            return organizations.stream().filter(o -> o.name().equals(name)).findFirst();
        }
    }

    /**
     * An organization of a spec.
     *
     * @param name its name (its default workspace has the same name)
     * @param admins its admins, at least one; the first creates it
     * @param members its ordinary members
     * @param workspaces its custom workspaces
     * @param invitations its pending invitations
     */
    public record Org(String name, List<String> admins, List<String> members, List<Ws> workspaces,
                      List<Invite> invitations) {
        /** Copies the lists. */
        public Org {
            admins = List.copyOf(admins);
            members = List.copyOf(members);
            workspaces = List.copyOf(workspaces);
            invitations = List.copyOf(invitations);
            if (admins.isEmpty()) {
                throw new IllegalArgumentException("an organization needs an admin");
            }
        }

        /** @return admins and members */
        public List<String> people() {
            List<String> all = new ArrayList<>(admins);
            all.addAll(members);
            return all;
        }
    }

    /**
     * A custom workspace of a spec.
     *
     * @param name its name, unique in the world
     * @param seats its explicit members
     */
    public record Ws(String name, List<Seat> seats) {
        /** Copies the list. */
        public Ws {
            seats = List.copyOf(seats);
        }

        /** @return how many of its members are admins */
        public long admins() {
            return seats.stream().filter(s -> s.role() == WorkspaceRole.ADMIN).count();
        }
    }

    /**
     * A workspace membership of a spec.
     *
     * @param user the member's name
     * @param role the role
     */
    public record Seat(String user, WorkspaceRole role) {
        /** @throws NullPointerException if a component is null */
        public Seat {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(role, "role");
        }
    }

    /**
     * A pending invitation of a spec.
     *
     * @param email the invitee's email, in the case the spec invites it with
     * @param role the role on accepting
     */
    public record Invite(String email, OrganizationRole role) {
        /** @throws NullPointerException if a component is null */
        public Invite {
            Objects.requireNonNull(email, "email");
            Objects.requireNonNull(role, "role");
        }
    }

    // ---- actors and commands, resolved against a built world -------------------------------------

    /**
     * An actor named in a spec's terms, resolved against a built world.
     *
     * @param description how a failure report shows it
     * @param resolve makes the actor
     */
    public record ActorRef(String description, Function<World, Actor> resolve) {
        /**
         * @param world the built world
         * @return the actor
         */
        public Actor in(World world) {
            return resolve.apply(world);
        }

        @Override
        public String toString() {
            return description;
        }
    }

    /**
     * A command named in a spec's terms, resolved against a built world.
     *
     * @param description how a failure report shows it
     * @param resolve makes the command
     */
    public record CommandRef(String description, Function<World, Command<?>> resolve) {
        /**
         * @param world the built world
         * @return the command
         */
        public Command<?> in(World world) {
            return resolve.apply(world);
        }

        @Override
        public String toString() {
            return description;
        }
    }

    /**
     * A world, an actor in it and a command it runs: one example of the generic properties.
     *
     * @param spec the world
     * @param actor who asks
     * @param command what it asks
     */
    public record Scenario(Spec spec, ActorRef actor, CommandRef command) {}
}
