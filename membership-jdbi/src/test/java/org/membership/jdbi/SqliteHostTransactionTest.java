package org.membership.jdbi;

import java.nio.file.Path;
import javax.sql.DataSource;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/** The library inside a host's transactions on the host's own SQLite data source. */
final class SqliteHostTransactionTest extends HostTransactionContract {
    @TempDir
    Path directory;
    private int files;

    @Override
    protected DataSource newDatabase() {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setBusyTimeout(5000);
        config.enforceForeignKeys(true);
        SQLiteDataSource dataSource = new SQLiteDataSource(config);
        dataSource.setUrl("jdbc:sqlite:" + directory.resolve("host-" + (++files) + ".db").toAbsolutePath());
        return dataSource;
    }

    @Override
    protected boolean postgresql() {
        return false;
    }
}
