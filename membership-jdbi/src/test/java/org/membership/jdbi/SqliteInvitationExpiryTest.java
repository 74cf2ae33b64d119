package org.membership.jdbi;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

final class SqliteInvitationExpiryTest extends InvitationExpiryContract {
    @TempDir
    Path directory;

    @Override
    JdbiStore open() {
        return JdbiStore.sqlite(directory.resolve("membership.db"));
    }
}
