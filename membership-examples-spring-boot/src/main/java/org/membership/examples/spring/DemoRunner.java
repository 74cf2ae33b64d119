package org.membership.examples.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.PrintStream;
import java.time.Duration;
import org.membership.api.Actor;
import org.membership.api.Command;
import org.membership.api.Email;
import org.membership.api.Membership;
import org.membership.api.Organization;
import org.membership.api.OrganizationRole;
import org.membership.api.Outcome;
import org.membership.api.User;
import org.membership.api.UserId;
import org.membership.api.UserStatus;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceRole;
import org.membership.spring.autoconfigure.FeedSubscriptions;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Walks through the example once, printing what happens: a project closed with its member's
 * removal (committed together, sessions revoked after commit), a refused one (rolled back together),
 * the audit-log consumer caught up, the library's health and its command timers. Not thread-safe;
 * Spring runs it once.
 */
@Component
public class DemoRunner implements CommandLineRunner {
    private final Membership membership;
    private final ProjectService projects;
    private final Sessions sessions;
    private final AuditLog auditLog;
    private final FeedSubscriptions subscriptions;
    private final HealthIndicator health;
    private final MeterRegistry meters;
    private final JdbcTemplate jdbc;
    private final PrintStream out = System.out;

    /**
     * @param membership the library
     * @param projects the host's service
     * @param sessions the host's sessions
     * @param auditLog what the feed consumer recorded
     * @param subscriptions the feed consumers' subscriptions
     * @param health the library's health indicator
     * @param meters the application's meters
     * @param jdbc the application's JDBC access
     */
    public DemoRunner(Membership membership, ProjectService projects, Sessions sessions, AuditLog auditLog,
                      FeedSubscriptions subscriptions, @Qualifier("membershipHealthIndicator") HealthIndicator health,
                      MeterRegistry meters, JdbcTemplate jdbc) {
        this.membership = membership;
        this.projects = projects;
        this.sessions = sessions;
        this.auditLog = auditLog;
        this.subscriptions = subscriptions;
        this.health = health;
        this.meters = meters;
        this.jdbc = jdbc;
    }

    @Override
    public void run(String... args) throws Exception {
        jdbc.execute("CREATE TABLE IF NOT EXISTS projects (name TEXT PRIMARY KEY)");
        jdbc.update("INSERT INTO projects (name) VALUES ('apollo'), ('hermes')");
        UserId alice = UserId.of("alice");
        UserId bob = UserId.of("bob");
        WorkspaceId design = populate(alice, bob);

        projects.close("apollo", Actor.user(alice), design, bob);
        out.println("alice closes apollo, removing bob: done; projects now " + projects.projects());
        out.println("sessions revoked after the commit: " + sessions.revoked());
        try {
            projects.close("hermes", Actor.user(bob), design, alice);
        } catch (ProjectService.RemovalRefused refused) {
            out.println("bob closes hermes, removing alice: refused " + refused.refusal().code() + " "
                    + refused.refusal().status() + "; projects still " + projects.projects());
        }

        boolean caughtUp = subscriptions.subscription("audit-log").orElseThrow().catchUp(Duration.ofSeconds(30));
        out.println("audit-log consumer caught up: " + caughtUp + "; last entry: "
                + auditLog.entries().get(auditLog.entries().size() - 1));
        Health status = health.health(true);
        out.println("health: " + status.getStatus() + " " + status.getDetails());
        for (String outcome : new String[] {"success", "refused"}) {
            Timer timer = meters.find("membership.command").tag("membership.operation", "remove_workspace_member")
                    .tag("membership.mode", "execute").tag("membership.outcome", outcome).timer();
            out.println("membership.command remove_workspace_member " + outcome + ": "
                    + (timer == null ? 0 : timer.count()));
        }
    }

    private WorkspaceId populate(UserId alice, UserId bob) {
        Actor root = Actor.instanceKey("setup");
        for (UserId user : new UserId[] {alice, bob}) {
            ok(membership.execute(root, new Command.RegisterUser(
                    new User(user, Email.of(user.value() + "@example.com"), UserStatus.VALIDATED, false))));
        }
        Organization acme = ok(membership.execute(root, new Command.CreateOrganization("Acme", alice)));
        var invitation = ok(membership.execute(root, new Command.InviteToOrganization(acme.id(),
                Email.of("bob@example.com"), OrganizationRole.MEMBER)));
        ok(membership.execute(Actor.user(bob), new Command.AcceptInvitation(invitation.id())));
        WorkspaceId design = ok(membership.execute(Actor.user(alice), new Command.CreateWorkspace(acme.id(), "Design"))).id();
        ok(membership.execute(Actor.user(alice), new Command.AddWorkspaceMember(design, alice, WorkspaceRole.ADMIN)));
        ok(membership.execute(Actor.user(alice), new Command.AddWorkspaceMember(design, bob, WorkspaceRole.DEVELOPER)));
        return design;
    }

    private static <R> R ok(Outcome<R> outcome) {
        return outcome.orElseThrow(refusal -> new IllegalStateException(outcome.refusal().orElseThrow().message()));
    }
}
