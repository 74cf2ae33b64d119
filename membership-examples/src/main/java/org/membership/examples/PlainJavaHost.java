package org.membership.examples;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.membership.api.Actor;
import org.membership.api.Command;
import org.membership.api.Email;
import org.membership.api.FeedConsumer;
import org.membership.api.Membership;
import org.membership.api.MembershipEvent;
import org.membership.api.MembershipRules;
import org.membership.api.Organization;
import org.membership.api.OrganizationRole;
import org.membership.api.Outcome;
import org.membership.api.Presets;
import org.membership.api.Subscription;
import org.membership.api.User;
import org.membership.api.UserId;
import org.membership.api.UserStatus;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceMember;
import org.membership.api.WorkspaceRole;
import org.membership.core.MembershipEngine;
import org.membership.jdbi.HostTransactions;
import org.membership.jdbi.JdbiStore;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * A plain-Java host (no framework) that keeps its own data beside the library's in one SQLite file
 * and runs library commands inside its own JDBC transactions: closing a project deletes its data and
 * removes its member together, or neither; listeners hear of the removal only once the host has
 * committed; a durable feed consumer keeps an audit log.
 *
 * <pre>{@code
 * ./mvnw -B -ntp -q -pl membership-examples -am package exec:java -DskipTests \
 *     -Dexec.mainClass=org.membership.examples.PlainJavaHost
 * }</pre>
 */
public final class PlainJavaHost {
    private PlainJavaHost() {}

    /** @param args optionally the database file (default: a new one in the temporary directory) */
    public static void main(String[] args) throws Exception {
        Path file = args.length > 0 ? Path.of(args[0]) : Files.createTempFile("membership-plain-java-", ".db");
        run(file, System.out);
    }

    /**
     * The host's transactions: one connection per thread while a transaction runs, and what to run
     * once it has committed. {@link #inTransaction} is the host's transaction boundary. Thread-safe.
     */
    static final class JdbcTransactions implements HostTransactions {
        private final DataSource dataSource;
        private final ThreadLocal<Connection> current = new ThreadLocal<>();
        private final ThreadLocal<List<Runnable>> afterCommit = new ThreadLocal<>();

        JdbcTransactions(DataSource dataSource) {
            this.dataSource = dataSource;
        }

        /** The host's work inside its transaction. */
        interface Work<T> {
            T run(Connection connection) throws Exception;
        }

        /** Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. */
        <T> T inTransaction(Work<T> work) throws Exception {
            List<Runnable> committed = new ArrayList<>();
            T result;
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                current.set(connection);
                afterCommit.set(committed);
                try {
                    result = work.run(connection);
                    connection.commit();
                } catch (Exception | Error e) {
                    connection.rollback();
                    throw e;
                } finally {
                    current.remove();
                    afterCommit.remove();
                    connection.setAutoCommit(true);
                }
            }
            committed.forEach(Runnable::run);
            return result;
        }

        @Override
        public Optional<Connection> current() {
            return Optional.ofNullable(current.get());
        }

        @Override
        public void afterCommit(Runnable action) {
            afterCommit.get().add(action);
        }
    }

    /** Thrown to roll the host's transaction back when the library refuses. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String code) {
            super(code, null, false, false);
        }
    }

    static void run(Path file, PrintStream out) throws Exception {
        SQLiteConfig sqlite = new SQLiteConfig();
        sqlite.enforceForeignKeys(true);
        sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
        sqlite.setBusyTimeout(5000);
        SQLiteDataSource database = new SQLiteDataSource(sqlite);
        database.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
        HikariConfig pool = new HikariConfig();
        pool.setDataSource(database);
        try (HikariDataSource dataSource = new HikariDataSource(pool)) {
            JdbcTransactions transactions = new JdbcTransactions(dataSource);
            List<String> revoked = new CopyOnWriteArrayList<>();
            try (JdbiStore store = JdbiStore.sqlite(dataSource, JdbiStore.Options.defaults(), transactions)) {
                Membership membership = MembershipEngine.builder(store)
                        .rules(Presets.flashback())
                        .listener(event -> {
                            if (event instanceof MembershipEvent.WorkspaceMemberRemoved removed) {
                                revoked.add(removed.user().value()); // after the host's commit, never on rollback
                            }
                        })
                        .build();
                List<String> audit = new CopyOnWriteArrayList<>();
                try (Subscription auditLog = membership.changes().subscribe(
                        FeedConsumer.named("audit-log", event -> audit.add(event.type())).build())) {
                    walkThrough(membership, transactions, dataSource, revoked, out);
                    out.println("audit-log consumer caught up: " + auditLog.catchUp(Duration.ofSeconds(30))
                            + "; last entry: " + audit.get(audit.size() - 1));
                }
            }
        }
    }

    private static void walkThrough(Membership membership, JdbcTransactions transactions, DataSource dataSource,
                                    List<String> revoked, PrintStream out) throws Exception {
        try (Connection connection = dataSource.getConnection(); var statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS projects (name TEXT PRIMARY KEY)");
            statement.execute("DELETE FROM projects");
            statement.execute("INSERT INTO projects (name) VALUES ('apollo'), ('hermes')");
        }
        UserId alice = UserId.of("alice");
        UserId bob = UserId.of("bob");
        WorkspaceId design = populate(membership, alice, bob);

        transactions.inTransaction(connection -> close(connection, membership, "apollo", alice, design, bob));
        out.println("alice closes apollo, removing bob: done; projects now " + projects(dataSource)
                + "; sessions revoked after the commit: " + revoked);
        try {
            transactions.inTransaction(connection -> close(connection, membership, "hermes", bob, design, alice));
        } catch (Refused refused) {
            out.println("bob closes hermes, removing alice: refused " + refused.getMessage() + "; projects still "
                    + projects(dataSource));
        }
    }

    /** Inside the host's transaction: its own write, then the library's removal on the same connection. */
    private static WorkspaceMember close(Connection connection, Membership membership, String project, UserId actor,
                                         WorkspaceId workspace, UserId member) throws SQLException, Refused {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM projects WHERE name = ?")) {
            delete.setString(1, project);
            delete.executeUpdate();
        }
        Outcome<WorkspaceMember> removed = membership.execute(Actor.user(actor),
                new Command.RemoveWorkspaceMember(workspace, member, "project " + project + " closed"));
        if (removed instanceof Outcome.Refused<WorkspaceMember> refused) {
            throw new Refused(refused.why().code()); // the host rolls its deletion back with the change
        }
        return removed.orElseThrow();
    }

    private static List<String> projects(DataSource dataSource) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection connection = dataSource.getConnection(); var statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT name FROM projects ORDER BY name")) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        return names;
    }

    private static WorkspaceId populate(Membership membership, UserId alice, UserId bob) {
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
