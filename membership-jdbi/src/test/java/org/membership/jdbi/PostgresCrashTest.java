package org.membership.jdbi;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The crash contract ({@link CrashContract}) on PostgreSQL, with the kill point only PostgreSQL has:
 * a change committed and the numbering of its events, which the outbox protocol does after COMMIT,
 * held, so that the child dies leaving committed events without a position. A later child's writer
 * or consumer must number them, and the consumer deliver them. Skipped without a database (failing
 * in CI), like the rest of the PostgreSQL suite; the database lives in the class's own schema.
 */
final class PostgresCrashTest extends CrashContract {
    private static PostgresDatabase database;

    @BeforeAll
    static void connect() {
        database = PostgresDatabase.require();
    }

    @AfterAll
    static void dropSchemas() {
        if (database != null) {
            database.close();
        }
    }

    @Test
    void sigkill_duringRemovalsDeliveriesAndNumbering_losesNoReportedCommitAndNoEvent() throws Exception {
        List<Kind> kinds = new ArrayList<>(EVERY_DATABASE);
        kinds.add(Kind.NUMBERING_HELD);
        crashRepeatedly(Target.postgresql("crash-pg", database.freshSchema()), JdbiStore.Durability.FULL, 10, kinds);
    }
}
