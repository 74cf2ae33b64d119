package org.membership.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.membership.api.FeedEvent;
import org.membership.api.FeedPosition;
import org.membership.api.Membership;
import org.membership.api.MembershipEvent;
import org.membership.api.Outcome;
import org.membership.api.WorkspaceMember;
import org.membership.core.spi.MembershipStore;
import org.membership.jdbi.JdbiStore;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.test.context.transaction.AfterTransaction;
import org.springframework.test.context.transaction.BeforeTransaction;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The library inside a Spring Boot application's own transactions, on the application's DataSource
 * and transaction manager: a host repository's write and a removal commit together or roll back
 * together (by an exception, and by a test-managed {@code @Transactional} rollback); the removal's
 * application event is published only after the commit, when the host's write is visible to others;
 * a scope without a transaction is not joined; a transaction manager that cannot run anything after
 * its commit is refused.
 *
 * <p>Not thread-safe itself; JUnit runs one test per instance.
 */
abstract class HostTransactionsContract {
    private static final AtomicInteger WORLDS = new AtomicInteger();

    @Autowired
    Membership membership;
    @Autowired
    MembershipStore store;
    @Autowired
    Projects projects;
    @Autowired
    Heard heard;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    DataSource dataSource;

    World world;
    private FeedPosition head;

    /** The host application: a repository of projects beside the library, on one DataSource. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class HostApplication {
        @Bean
        Projects projects(JdbcTemplate jdbc, Membership membership, Heard heard, Outside outside) {
            return new Projects(jdbc, membership, heard, outside);
        }

        @Bean
        Outside outside(Membership membership) {
            return new Outside(membership);
        }

        @Bean
        Heard heard(DataSource dataSource) {
            return new Heard(dataSource);
        }
    }

    /** The host's service: its own write and a removal in one transaction. */
    static class Projects {
        private final JdbcTemplate jdbc;
        private final Membership membership;
        private final Heard heard;
        private final Outside outside;
        private final List<String> heardInside = new CopyOnWriteArrayList<>();

        Projects(JdbcTemplate jdbc, Membership membership, Heard heard, Outside outside) {
            this.jdbc = jdbc;
            this.membership = membership;
            this.heard = heard;
            this.outside = outside;
        }

        /** @return what the listener had heard inside the transaction, when the removal had returned */
        public List<String> heardInside() {
            return heardInside;
        }

        @Transactional
        public Outcome<WorkspaceMember> close(String project, World world, boolean fail) {
            jdbc.update("INSERT INTO host_projects (name) VALUES (?)", project);
            Outcome<WorkspaceMember> removed = world.removeBob(membership);
            heardInside.addAll(heard.events);
            if (fail) {
                throw new IllegalStateException("the project could not be closed");
            }
            return removed;
        }

        /*
         * The removal comes before the host's write: on SQLite a transaction of the store's own waits
         * for the file's one write lock, which a suspended transaction that has written would hold.
         */
        @Transactional
        public void closeRemovingOutside(String project, World world) {
            outside.removeBob(world);
            jdbc.update("INSERT INTO host_projects (name) VALUES (?)", project);
            throw new IllegalStateException("the project could not be closed");
        }
    }

    /** A removal in a scope that suspends the caller's transaction. */
    static class Outside {
        private final Membership membership;

        Outside(Membership membership) {
            this.membership = membership;
        }

        @Transactional(propagation = Propagation.NOT_SUPPORTED)
        public Outcome<WorkspaceMember> removeBob(World world) {
            return world.removeBob(membership);
        }
    }

    /** Hears removals as application events, with the projects another connection sees at that moment. */
    static class Heard {
        private final DataSource dataSource;
        final List<String> events = new CopyOnWriteArrayList<>();

        Heard(DataSource dataSource) {
            this.dataSource = dataSource;
        }

        @EventListener
        public void on(MembershipEvent.WorkspaceMemberRemoved removed) throws SQLException {
            events.add(removed.user().value() + " " + committedProjects(dataSource));
        }
    }

    /** @return the projects a connection of its own sees: what has committed */
    static List<String> committedProjects(DataSource dataSource) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             var query = connection.createStatement();
             ResultSet rows = query.executeQuery("SELECT name FROM host_projects ORDER BY name")) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        return names;
    }

    @BeforeEach
    @BeforeTransaction
    void newWorld() {
        if (world != null) {
            return; // @BeforeTransaction ran first for a transactional test
        }
        jdbc.execute("CREATE TABLE IF NOT EXISTS host_projects (name VARCHAR(100) PRIMARY KEY)");
        jdbc.execute("DELETE FROM host_projects");
        world = World.create(membership, "t" + WORLDS.incrementAndGet());
        heard.events.clear();
        projects.heardInside().clear();
        head = membership.changes().head();
    }

    private List<MembershipEvent> feedSinceTheWorld() {
        return membership.changes().read(head, 100).stream().map(FeedEvent::event).toList();
    }

    @Test
    void theStore_joinsTheApplicationsTransactions_onItsDataSource() {
        assertThat(store).isInstanceOf(JdbiStore.class);
        assertThat(membership).isInstanceOf(ObservedMembership.class);
    }

    @Test
    void hostWriteAndRemoval_commitTogether_andTheEventIsPublishedOnlyAfterTheCommit() throws SQLException {
        Outcome<WorkspaceMember> removed = projects.close("apollo", world, false);

        assertThat(removed.succeeded()).isTrue();
        assertThat(removed.position()).as("nothing had committed when the command returned").isEmpty();
        assertThat(projects.heardInside()).as("nothing is published inside the transaction").isEmpty();
        assertThat(heard.events).as("published after the commit: the host's write was visible to others")
                .containsExactly(world.bob().value() + " [apollo]");
        assertThat(committedProjects(dataSource)).containsExactly("apollo");
        assertThat(world.bobInDesign(membership)).isFalse();
        assertThat(feedSinceTheWorld()).singleElement().isInstanceOf(MembershipEvent.WorkspaceMemberRemoved.class);
    }

    @Test
    void hostWriteAndRemoval_rollBackTogether_andNothingIsPublished() throws SQLException {
        assertThatThrownBy(() -> projects.close("hermes", world, true)).hasMessage("the project could not be closed");

        assertThat(committedProjects(dataSource)).isEmpty();
        assertThat(world.bobInDesign(membership)).isTrue();
        assertThat(heard.events).isEmpty();
        assertThat(feedSinceTheWorld()).as("no event in the feed: the outbox rolled back too").isEmpty();
        assertThat(world.removeBob(membership).succeeded()).as("the removal can be made again").isTrue();
    }

    @Test
    @Transactional
    void aTestManagedTransaction_rollsBackTheHostWriteAndTheRemovalTogether() {
        jdbc.update("INSERT INTO host_projects (name) VALUES ('zeus')");
        assertThat(world.removeBob(membership).succeeded()).isTrue();
        assertThat(world.bobInDesign(membership)).as("the transaction sees its own removal").isFalse();
        assertThat(jdbc.queryForList("SELECT name FROM host_projects", String.class)).containsExactly("zeus");
        assertThat(heard.events).isEmpty();
    }

    @AfterTransaction
    void afterTheTestsTransaction() throws SQLException {
        assertThat(committedProjects(dataSource)).isEmpty();
        assertThat(world.bobInDesign(membership)).as("the removal rolled back with the test's transaction").isTrue();
        assertThat(heard.events).isEmpty();
        assertThat(feedSinceTheWorld()).isEmpty();
    }

    @Test
    void aScopeWithoutATransaction_isNotJoined_soItsRemovalCommitsOnItsOwn() throws SQLException {
        assertThatThrownBy(() -> projects.closeRemovingOutside("ares", world))
                .hasMessage("the project could not be closed");

        assertThat(committedProjects(dataSource)).isEmpty();
        assertThat(world.bobInDesign(membership)).isFalse();
        assertThat(heard.events).containsExactly(world.bob().value() + " []");
    }

    @Test
    void aTransactionManagerWithoutSynchronization_isRefused_andNothingChanges() {
        DataSourceTransactionManager unsynchronized = new DataSourceTransactionManager(dataSource);
        unsynchronized.setTransactionSynchronization(AbstractPlatformTransactionManager.SYNCHRONIZATION_NEVER);

        new TransactionTemplate(unsynchronized).executeWithoutResult(status -> assertThatThrownBy(
                () -> world.removeBob(membership)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("without transaction synchronization"));

        assertThat(world.bobInDesign(membership)).isTrue();
        assertThat(heard.events).isEmpty();
    }
}
