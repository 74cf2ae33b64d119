package org.membership.jdbi;

final class PostgresInvitationExpiryTest extends InvitationExpiryContract {
    private PostgresDatabase database;

    @Override
    JdbiStore open() {
        database = PostgresDatabase.require();
        return JdbiStore.postgresql(database.freshSchema());
    }

    @Override
    void afterClose() {
        if (database != null) {
            database.close();
        }
    }
}
