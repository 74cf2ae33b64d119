package org.membership.jdbi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.membership.api.Command;

/** The library inside a host's transactions on the host's own PostgreSQL pool; skipped (failing in CI) without a database. */
final class PostgresHostTransactionTest extends HostTransactionContract {
    private PostgresDatabase database;
    private final List<HikariDataSource> pools = new ArrayList<>();

    @Override
    protected DataSource newDatabase() {
        if (database == null) {
            database = PostgresDatabase.require();
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(database.freshSchema());
        config.setMaximumPoolSize(6);
        HikariDataSource pool = new HikariDataSource(config);
        pools.add(pool);
        return pool;
    }

    @Override
    protected boolean postgresql() {
        return true;
    }

    @AfterEach
    void dropDatabase() {
        pools.forEach(HikariDataSource::close);
        if (database != null) {
            database.close();
        }
    }

    @Test
    void aHostTransactionAtRepeatableRead_isRefusedClearly_andNothingIsWritten() throws Exception {
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> host.inTransaction(true,
                Connection.TRANSACTION_REPEATABLE_READ, connection -> f.membership().execute(f.actor("alice"),
                        new Command.RemoveWorkspaceMember(f.workspace("design"), f.user("bob")))));
        assertTrue(refused.getMessage().contains("repeatable read"), refused.getMessage());
        assertEquals(List.of(), f.events());
        assertTrue(store.read(tx -> tx.workspaceMember(f.workspace("design"), f.user("bob"))).isPresent());
    }
}
