package org.membership.tck;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.membership.api.Actor;
import org.membership.api.Command;
import org.membership.api.Email;
import org.membership.api.Invitation;
import org.membership.api.InvitationId;
import org.membership.api.Membership;
import org.membership.api.MembershipEvent;
import org.membership.api.MembershipListener;
import org.membership.api.MembershipRules;
import org.membership.api.Organization;
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationRole;
import org.membership.api.Outcome;
import org.membership.api.Presets;
import org.membership.api.User;
import org.membership.api.UserId;
import org.membership.api.UserStatus;
import org.membership.api.Workspace;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceRole;
import org.membership.core.FeedSettings;
import org.membership.core.MembershipEngine;
import org.membership.core.spi.MembershipStore;

/**
 * Builds a populated membership world for a host's unit tests in a few readable lines, on any
 * store (usually a new {@code InMemoryStore}), with a settable clock and sequential ids.
 *
 * <pre>{@code
 * Fixture f = Fixture.builder(new InMemoryStore())
 *         .rules(Presets.flashback())
 *         .organization("acme", org -> org
 *                 .admin("alice")
 *                 .member("bob")
 *                 .workspace("research", ws -> ws.admin("alice").member("bob", WorkspaceRole.DEVELOPER))
 *                 .invitation("carol@example.com"))
 *         .build();
 *
 * Outcome<?> outcome = f.membership().execute(f.actor("alice"),
 *         new Command.RemoveWorkspaceMember(f.workspace("research"), f.user("bob")));
 * }</pre>
 *
 * <p>Users are named once and reused across organizations; a user named {@code alice} has id
 * {@code alice} and email {@code alice@example.com}. Everything is created through the engine
 * itself, by an instance key, so a fixture can only hold states the library allows: admins and
 * members join directly ({@link Command.AddOrganizationMember}), one command each, so a fixture of
 * a thousand members costs a thousand commands. Listeners given to the builder hear every event of
 * the built fixture, as {@link #events()} records them, but none of the building.
 *
 * <p>Not thread-safe while building; the built {@link #membership()} is.
 */
public final class Fixture {
    private final Membership membership;
    private final MembershipStore store;
    private final SettableClock clock;
    private final Map<String, OrganizationId> organizations;
    private final Map<String, WorkspaceId> workspaces;
    private final Map<String, InvitationId> invitations;
    private final List<MembershipEvent> events;

    private Fixture(Builder b) {
        this.membership = b.membership;
        this.store = b.store;
        this.clock = b.clock;
        this.organizations = Map.copyOf(b.organizations);
        this.workspaces = Map.copyOf(b.workspaces);
        this.invitations = Map.copyOf(b.invitations);
        this.events = b.events;
    }

    /**
     * @param store an empty store to build into
     * @return a builder for an empty world with the default rules, starting at 2026-01-01T00:00:00Z
     * @throws NullPointerException if store is null
     */
    public static Builder builder(MembershipStore store) {
        return new Builder(java.util.Objects.requireNonNull(store, "store"));
    }

    /** @return the engine over the fixture's store */
    public Membership membership() {
        return membership;
    }

    /** @return the fixture's store */
    public MembershipStore store() {
        return store;
    }

    /** @return the clock the engine reads; {@link SettableClock#advance} moves it */
    public SettableClock clock() {
        return clock;
    }

    /** @return the events published since the fixture was built, oldest first (a live, read-only view) */
    public List<MembershipEvent> events() {
        return Collections.unmodifiableList(events);
    }

    /**
     * @param name a user's name in the fixture
     * @return the user's id (the name itself)
     */
    public UserId user(String name) {
        return UserId.of(name);
    }

    /**
     * @param name a user's name in the fixture
     * @return the user's email
     */
    public static Email email(String name) {
        return Email.of(name + "@example.com");
    }

    /**
     * @param name a user's name in the fixture
     * @return the actor for that user
     */
    public Actor actor(String name) {
        return Actor.user(user(name));
    }

    /**
     * @param name an organization's name in the fixture
     * @return its id
     * @throws IllegalArgumentException if the fixture has no such organization
     */
    public OrganizationId organization(String name) {
        return lookup(organizations, name, "organization");
    }

    /**
     * @param name a custom workspace's name, or an organization's name for its default workspace
     * @return its id
     * @throws IllegalArgumentException if the fixture has no such workspace
     */
    public WorkspaceId workspace(String name) {
        return lookup(workspaces, name, "workspace");
    }

    /**
     * @param email an invited email, as given to the builder
     * @return the invitation's id
     * @throws IllegalArgumentException if the fixture has no such invitation
     */
    public InvitationId invitation(String email) {
        return lookup(invitations, Email.of(email).value(), "invitation");
    }

    /**
     * @param name an organization's name
     * @return the actor for that organization's admin key
     */
    public Actor organizationKey(String name) {
        return Actor.organizationKey(organization(name), "key-" + organization(name).value());
    }

    private static <T> T lookup(Map<String, T> map, String name, String what) {
        T value = map.get(name);
        if (value == null) {
            throw new IllegalArgumentException("the fixture has no " + what + " named " + name);
        }
        return value;
    }

    /** A {@link Clock} tests can move. Thread-safe. */
    public static final class SettableClock extends Clock {
        private volatile Instant now;

        /** @param start the first instant it reads */
        public SettableClock(Instant start) {
            this.now = start;
        }

        /** @param step how far to move forward */
        public void advance(Duration step) {
            now = now.plus(step);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("a settable clock is always UTC");
        }
    }

    /** Declares a fixture. Not thread-safe. */
    public static final class Builder {
        private static final Actor ROOT = Actor.instanceKey("fixture");
        private MembershipRules rules = MembershipRules.defaults();
        private final MembershipStore store;
        private final SettableClock clock = new SettableClock(Instant.parse("2026-01-01T00:00:00Z"));
        private final List<Consumer<Builder>> steps = new ArrayList<>();
        private final Map<String, User> users = new LinkedHashMap<>();
        private final Map<String, OrganizationId> organizations = new LinkedHashMap<>();
        private final Map<String, WorkspaceId> workspaces = new LinkedHashMap<>();
        private final Map<String, InvitationId> invitations = new LinkedHashMap<>();
        private final List<MembershipEvent> events = new ArrayList<>();
        private final List<MembershipListener> listeners = new ArrayList<>();
        private boolean listening;
        private FeedSettings feed = FeedSettings.defaults();
        private Membership membership;

        private Builder(MembershipStore store) {
            this.store = store;
        }

        /**
         * @param rules the rules the engine applies
         * @return this builder
         */
        public Builder rules(MembershipRules rules) {
            this.rules = rules;
            return this;
        }

        /**
         * @param settings how the engine runs the change feed (for example {@code pruneEvery(Duration.ZERO)}
         *                 to keep every event however far the clock is moved)
         * @return this builder
         */
        public Builder feed(FeedSettings settings) {
            this.feed = settings;
            return this;
        }

        /**
         * A listener the built fixture's engine calls after every change commits, as a host's would
         * (the events of building the fixture are not passed to it).
         *
         * @param listener the listener
         * @return this builder
         * @throws NullPointerException if listener is null
         */
        public Builder listener(MembershipListener listener) {
            listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * @param name the user's name (and id)
         * @param status its account status
         * @return this builder
         */
        public Builder user(String name, UserStatus status) {
            declare(name, status, false);
            return this;
        }

        /**
         * @param name the instance admin's name (and id)
         * @return this builder
         */
        public Builder instanceAdmin(String name) {
            declare(name, UserStatus.VALIDATED, true);
            return this;
        }

        /**
         * @param name the organization's name; its default workspace is reachable under the same name
         * @param members declares its admins, members, workspaces and invitations; the first admin
         *                declared creates it
         * @return this builder
         */
        public Builder organization(String name, Consumer<OrganizationSpec> members) {
            OrganizationSpec spec = new OrganizationSpec(name);
            members.accept(spec);
            if (spec.admins.isEmpty()) {
                throw new IllegalArgumentException("organization " + name + " needs at least one admin");
            }
            steps.add(b -> b.createOrganization(spec));
            return this;
        }

        /**
         * Creates everything declared.
         *
         * @return the fixture
         * @throws IllegalStateException if the library refused a step (the message says which and why)
         */
        public Fixture build() {
            MembershipEngine.Builder engine = MembershipEngine.builder(store).rules(rules).clock(clock).feed(feed)
                    .ids(new Sequential()).listener(events::add);
            for (MembershipListener listener : listeners) {
                engine.listener(event -> {
                    if (listening) {
                        listener.on(event);
                    }
                });
            }
            membership = engine.build();
            for (User user : users.values()) {
                run(new Command.RegisterUser(user));
            }
            steps.forEach(step -> step.accept(this));
            events.clear();
            listening = true;
            return new Fixture(this);
        }

        private void declare(String name, UserStatus status, boolean instanceAdmin) {
            User existing = users.get(name);
            User user = new User(UserId.of(name), email(name), status, instanceAdmin);
            if (existing != null && !existing.equals(user)) {
                throw new IllegalArgumentException("user " + name + " is declared twice, differently");
            }
            users.put(name, user);
        }

        private void createOrganization(OrganizationSpec spec) {
            String first = spec.admins.get(0);
            Organization org = run(new Command.CreateOrganization(spec.name, UserId.of(first)));
            organizations.put(spec.name, org.id());
            workspaces.put(spec.name, org.defaultWorkspace());
            for (String admin : spec.admins.subList(1, spec.admins.size())) {
                join(org.id(), admin, OrganizationRole.ADMIN);
            }
            for (String member : spec.members) {
                join(org.id(), member, OrganizationRole.MEMBER);
            }
            for (WorkspaceSpec ws : spec.workspaces) {
                Workspace workspace = run(new Command.CreateWorkspace(org.id(), ws.name));
                workspaces.put(ws.name, workspace.id());
                ws.members.forEach((member, role) ->
                        run(new Command.AddWorkspaceMember(workspace.id(), UserId.of(member), role)));
            }
            spec.invitations.forEach((email, role) -> {
                Invitation invitation = run(new Command.InviteToOrganization(org.id(), Email.of(email), role));
                invitations.put(invitation.email().value(), invitation.id());
            });
        }

        private void join(OrganizationId org, String name, OrganizationRole role) {
            run(new Command.AddOrganizationMember(org, UserId.of(name), role));
        }

        private <R> R run(Command<R> command) {
            return run(ROOT, command);
        }

        private <R> R run(Actor actor, Command<R> command) {
            Outcome<R> outcome = membership.execute(actor, command);
            return outcome.orElseThrow(refusal -> new IllegalStateException(
                    "fixture step " + command + " was refused: " + outcome.refusal().orElseThrow().message()));
        }

        /** Declares one organization's people, workspaces and invitations. Not thread-safe. */
        public final class OrganizationSpec {
            private final String name;
            private final List<String> admins = new ArrayList<>();
            private final List<String> members = new ArrayList<>();
            private final List<WorkspaceSpec> workspaces = new ArrayList<>();
            private final Map<String, OrganizationRole> invitations = new LinkedHashMap<>();

            private OrganizationSpec(String name) {
                this.name = name;
            }

            /**
             * @param user a validated user who becomes an organization admin
             * @return this spec
             */
            public OrganizationSpec admin(String user) {
                declareValidated(user);
                admins.add(user);
                return this;
            }

            /**
             * @param user a validated user who becomes an organization member
             * @return this spec
             */
            public OrganizationSpec member(String user) {
                declareValidated(user);
                members.add(user);
                return this;
            }

            /**
             * @param workspace the custom workspace's name
             * @param spec declares its members; each must be declared in this organization
             * @return this spec
             */
            public OrganizationSpec workspace(String workspace, Consumer<WorkspaceSpec> spec) {
                WorkspaceSpec ws = new WorkspaceSpec(workspace);
                spec.accept(ws);
                workspaces.add(ws);
                return this;
            }

            /**
             * @param email the invitee's email
             * @return this spec, with a pending member invitation for {@code email}
             */
            public OrganizationSpec invitation(String email) {
                return invitation(email, OrganizationRole.MEMBER);
            }

            /**
             * @param email the invitee's email
             * @param role the role on accepting
             * @return this spec, with a pending invitation for {@code email}
             */
            public OrganizationSpec invitation(String email, OrganizationRole role) {
                invitations.put(email, role);
                return this;
            }

            private void declareValidated(String user) {
                if (!users.containsKey(user)) {
                    declare(user, UserStatus.VALIDATED, false);
                }
            }
        }

        /** Declares one custom workspace's members. Not thread-safe. */
        public static final class WorkspaceSpec {
            private final String name;
            private final Map<String, WorkspaceRole> members = new LinkedHashMap<>();

            private WorkspaceSpec(String name) {
                this.name = name;
            }

            /**
             * @param user an organization member who becomes a workspace admin
             * @return this spec
             */
            public WorkspaceSpec admin(String user) {
                return member(user, WorkspaceRole.ADMIN);
            }

            /**
             * @param user an organization member who becomes a workspace user
             * @return this spec
             */
            public WorkspaceSpec member(String user) {
                return member(user, WorkspaceRole.USER);
            }

            /**
             * @param user an organization member
             * @param role the workspace role
             * @return this spec
             */
            public WorkspaceSpec member(String user, WorkspaceRole role) {
                members.put(user, role);
                return this;
            }
        }

        private static final class Sequential implements org.membership.core.IdGenerator {
            private final AtomicLong next = new AtomicLong();

            @Override
            public String next() {
                return Long.toString(next.incrementAndGet());
            }
        }
    }
}
