package org.membership.jdbi;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.membership.core.spi.MembershipStore;
import org.membership.tck.FeedContract;

/** The change feed contract on SQLite files, with the default (FULL) durability, a new file per store. */
final class SqliteFeedTest extends FeedContract {
    private static final AtomicInteger FILES = new AtomicInteger();

    @TempDir
    Path directory;

    @Override
    protected MembershipStore newStore() {
        return JdbiStore.sqlite(directory.resolve("feed-" + FILES.incrementAndGet() + ".db"));
    }
}
