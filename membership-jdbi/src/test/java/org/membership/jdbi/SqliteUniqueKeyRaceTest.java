package org.membership.jdbi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.membership.api.Actor;
import org.membership.api.Command;
import org.membership.api.Email;
import org.membership.api.Membership;
import org.membership.api.Organization;
import org.membership.api.UnableToPersistException;
import org.membership.api.User;
import org.membership.api.UserId;
import org.membership.api.UserStatus;
import org.membership.core.IdGenerator;
import org.membership.core.MembershipEngine;

/**
 * A unique key that another writer of the same SQLite file took first is a lost race, retried as
 * on PostgreSQL: the run that follows reads the other writer's row and decides again. Two stores on
 * one file are two writers that share nothing but the file, as two processes are.
 */
final class SqliteUniqueKeyRaceTest {
    private static final User ANN = new User(UserId.of("ann"), Email.of("ann@example.com"), UserStatus.VALIDATED, false);
    private static final Actor ROOT = Actor.instanceKey("root");

    @TempDir
    Path directory;

    /** Ids as a process that counts on its own hands them out: 1, 2, 3, … whatever the file already holds. */
    private static IdGenerator counting() {
        AtomicLong last = new AtomicLong();
        return () -> Long.toString(last.incrementAndGet());
    }

    private static Membership engine(JdbiStore store) {
        return MembershipEngine.builder(store).ids(counting()).build();
    }

    @Test
    void createOrganization_idTakenByAnotherWriterOfTheFile_isRetriedAndCommits() {
        Path file = directory.resolve("membership.db");
        try (JdbiStore first = JdbiStore.sqlite(file); JdbiStore second = JdbiStore.sqlite(file)) {
            Membership one = engine(first);
            Membership other = engine(second);
            assertTrue(one.execute(ROOT, new Command.RegisterUser(ANN)).succeeded());
            Organization a = one.execute(ROOT, new Command.CreateOrganization("A", ANN.id())).orElseThrow();
            // the other writer's counter also starts at 1: its first run collides with organization 1
            Organization b = other.execute(ROOT, new Command.CreateOrganization("B", ANN.id())).orElseThrow();
            assertEquals("1", a.id().value());
            assertTrue(!b.id().equals(a.id()) && !b.defaultWorkspace().equals(a.defaultWorkspace()), b.toString());
            assertEquals(Optional.of(b), first.read(tx -> tx.organization(b.id())));
            assertEquals(Optional.of(a), second.read(tx -> tx.organization(a.id())));
            assertEquals(List.of(a.id(), b.id()).size(), first.read(tx -> List.of(tx.organization(a.id()).orElseThrow(),
                    tx.organization(b.id()).orElseThrow())).size());
        }
    }

    @Test
    void write_uniqueKeyTakenEveryTime_isTriedMaxAttemptsThenUnableToPersist_andStoresNothing() {
        JdbiStore.Options three = JdbiStore.Options.defaults().maxAttempts(3);
        try (JdbiStore store = JdbiStore.sqlite(directory.resolve("membership.db"), three)) {
            store.write(tx -> {
                tx.insertUser(ANN);
                return null;
            });
            AtomicInteger runs = new AtomicInteger();
            UnableToPersistException e = assertThrows(UnableToPersistException.class, () -> store.write(tx -> {
                runs.incrementAndGet();
                tx.insertUser(new User(UserId.of("bob"), Email.of("bob@example.com"), UserStatus.VALIDATED, false));
                tx.insertUser(new User(UserId.of("bo2"), ANN.email(), UserStatus.VALIDATED, false)); // email taken
                return null;
            }));
            assertEquals(3, runs.get());
            assertTrue(e.getMessage().contains("3 times"), e.getMessage());
            assertEquals(Optional.empty(), store.read(tx -> tx.user(UserId.of("bob"))));
        }
    }
}
