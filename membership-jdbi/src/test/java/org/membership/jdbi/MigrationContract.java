package org.membership.jdbi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.membership.api.AuditDetail;
import org.membership.api.AuditEntry;
import org.membership.api.Email;
import org.membership.api.FeedEvent;
import org.membership.api.FeedPosition;
import org.membership.api.InvitationId;
import org.membership.api.MembershipEvent;
import org.membership.api.Operation;
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationRole;
import org.membership.api.User;
import org.membership.api.UserId;
import org.membership.api.UserStatus;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceRole;
import org.membership.core.spi.FeedReceipt;
import org.membership.core.spi.Slice;

/** How the store creates and migrates its schema, on one dialect; each test on a fresh, empty database. */
abstract class MigrationContract {
    /** @return a store on the test's database (the same one for every call within a test) */
    abstract JdbiStore open(JdbiStore.Options options);

    abstract Dialect dialect();

    /** @return the names of every table and index in the test's database, through {@code store} */
    abstract List<String> schemaObjects(JdbiStore store);

    private static final User ANN = new User(UserId.of("ann"), Email.of("ann@example.com"), UserStatus.VALIDATED, false);

    // ---- first start and restarts --------------------------------------------------------------

    @Test
    void start_freshDatabase_createsTheSchemaAndRecordsItsVersion() {
        try (JdbiStore store = open(JdbiStore.Options.defaults())) {
            List<String> objects = schemaObjects(store);
            for (String table : List.of("users", "organizations", "workspaces", "organization_members",
                    "workspace_members", "invitations", "audit_trail", "schema_version", "feed_events", "feed_consumers",
                    "feed_parked")) {
                assertTrue(objects.contains(table), table + " in " + objects);
            }
            assertTrue(objects.contains("invitations_pending_email"), "the partial unique index");
            assertTrue(objects.contains("invitations_pending_expiry"), "version 2's index");
            assertTrue(objects.contains("invitations_organization"), "version 5's index");
            List<Migrations.Script> scripts = Migrations.scripts(dialect());
            assertEquals(List.of("1 schema " + scripts.get(0).checksum(), "2 invitation_expiry " + scripts.get(1).checksum(),
                    "3 change_feed " + scripts.get(2).checksum(), "4 typed_audit " + scripts.get(3).checksum(),
                    "5 organization_management " + scripts.get(4).checksum()),
                    versions(store, ""));
        }
    }

    @Test
    void version1_isByteForByteTheScriptDatabasesAlreadyRecorded() {
        // Databases created by earlier releases recorded this checksum; an edit to V1 would stop them all.
        String released = dialect() == Dialect.SQLITE
                ? "f35b1be902795607fc93bd807b58d6de6dab4e9f91a55107d2916a2f89298367"
                : "bc960e63870d1581a6ed59b22f5be532a16f9e89671679ebc7773c6eac0a373b";
        Migrations.Script v1 = Migrations.scripts(dialect()).get(0);
        assertEquals(1, v1.version());
        assertEquals(released, v1.checksum());
    }

    @Test
    void start_databaseAtVersion1_appliesVersion2AndKeepsRowsAndVersion1() {
        List<String> version1AppliedAt;
        try (JdbiStore store = open(JdbiStore.Options.defaults())) {
            store.write(tx -> {
                tx.insertUser(ANN);
                return null;
            });
            // Version 2 only adds an index: without it and its row, the database is as version 1 left it.
            store.jdbi().useHandle(h -> {
                h.execute("DROP INDEX invitations_pending_expiry");
                h.execute("DELETE FROM schema_version WHERE version = 2");
            });
            assertFalse(schemaObjects(store).contains("invitations_pending_expiry"));
            version1AppliedAt = appliedAt(store);
        }
        try (JdbiStore store = open(JdbiStore.Options.defaults())) {
            assertTrue(schemaObjects(store).contains("invitations_pending_expiry"), "version 2 applied on start");
            assertEquals(Migrations.SCRIPTS.size(), versions(store, "").size());
            assertTrue(appliedAt(store).containsAll(version1AppliedAt), "version 1 is not applied again");
            assertEquals(Optional.of(ANN), store.read(tx -> tx.user(ANN.id())));
        }
    }

    @Test
    void start_databaseAtVersion2_appliesVersion3_andItsChangeFeedStartsAtTheStart() {
        try (JdbiStore store = open(JdbiStore.Options.defaults())) {
            store.write(tx -> {
                tx.insertUser(ANN);
                return null;
            });
            // Without version 3's objects and row, the database is as version 2 left it.
            store.jdbi().useHandle(h -> {
                for (String table : List.of("feed_parked", "feed_consumers", "feed_events")) {
                    h.execute("DROP TABLE " + table);
                }
                if (dialect() == Dialect.POSTGRESQL) {
                    h.execute("DROP FUNCTION feed_sequence(BIGINT)");
                    h.execute("DROP TABLE feed_head");
                } else {
                    h.execute("DELETE FROM sqlite_sequence WHERE name = 'feed_events'");
                }
                h.execute("DELETE FROM schema_version WHERE version = 3");
            });
            assertFalse(schemaObjects(store).contains("feed_events"));
        }
        try (JdbiStore store = open(JdbiStore.Options.defaults())) {
            assertTrue(schemaObjects(store).contains("feed_events"), "version 3 applied on start");
            assertEquals(Migrations.SCRIPTS.size(), versions(store, "").size());
            assertEquals(Optional.of(ANN), store.read(tx -> tx.user(ANN.id())), "version 2's rows stay");
            assertEquals(FeedPosition.START, store.head());
            FeedReceipt receipt = store.write(tx -> tx.appendEvents(List.of(new MembershipEvent.UserStatusChanged(ANN.id(),
                    UserStatus.VALIDATED, UserStatus.DISABLED, Instant.parse("2026-02-01T00:00:00Z")))));
            assertEquals(Optional.of(FeedPosition.of(1)), receipt.position());
            assertEquals(List.of(1L), store.changes(FeedPosition.START, 10).stream().map(FeedEvent::id).toList());
        }
    }

    /**
     * Audit rows exactly as versions 1 to 3 wrote them: the target and the cascade lines in each
     * operation's wording of that time, with the typed detail each must read back as. The last two
     * are text no version wrote for their operation, kept as it is.
     */
    private static final List<Object[]> VERSION_3_ROWS = List.of(
            row("", Operation.REGISTER_USER, "user:ann", List.of("status validated"),
                    new AuditDetail.UserRegistered(UserId.of("ann"), UserStatus.VALIDATED, false)),
            row("", Operation.REGISTER_USER, "user:root", List.of("status pending_validation, instance admin"),
                    new AuditDetail.UserRegistered(UserId.of("root"), UserStatus.PENDING_VALIDATION, true)),
            row("", Operation.CHANGE_USER_STATUS, "user:ann", List.of("status validated -> disabled"),
                    new AuditDetail.UserStatusChanged(UserId.of("ann"), UserStatus.VALIDATED, UserStatus.DISABLED)),
            row("acme", Operation.CREATE_ORGANIZATION, "organization:acme",
                    List.of("created default workspace:acme-default", "added admin user:ann"),
                    new AuditDetail.OrganizationCreated(OrganizationId.of("acme"), WorkspaceId.of("acme-default"),
                            UserId.of("ann"))),
            row("acme", Operation.CREATE_WORKSPACE, "workspace:research", List.of(),
                    new AuditDetail.WorkspaceCreated(WorkspaceId.of("research"))),
            row("acme", Operation.ADD_WORKSPACE_MEMBER, "user:bob in workspace:research", List.of("role restricted_developer"),
                    new AuditDetail.AddedToWorkspace(WorkspaceId.of("research"), UserId.of("bob"),
                            WorkspaceRole.RESTRICTED_DEVELOPER)),
            row("acme", Operation.CHANGE_WORKSPACE_ROLE, "user:bob in workspace:research", List.of("role user -> admin"),
                    new AuditDetail.RoleChanged(WorkspaceId.of("research"), UserId.of("bob"), WorkspaceRole.USER,
                            WorkspaceRole.ADMIN)),
            row("acme", Operation.REMOVE_WORKSPACE_MEMBER, "user:bob in workspace:research", List.of(),
                    new AuditDetail.RemovedFromWorkspace(WorkspaceId.of("research"), UserId.of("bob"))),
            row("acme", Operation.INVITE_TO_ORGANIZATION, "email:dora@example.com", List.of("invitation:7 as admin"),
                    new AuditDetail.InvitationSent(InvitationId.of("7"), Email.of("dora@example.com"), OrganizationRole.ADMIN)),
            row("acme", Operation.ACCEPT_INVITATION, "user:dora", List.of("accepted invitation:7 as admin"),
                    new AuditDetail.InvitationAccepted(InvitationId.of("7"), UserId.of("dora"), OrganizationRole.ADMIN)),
            row("acme", Operation.REVOKE_INVITATION, "email:eve@example.com", List.of("revoked invitation:8"),
                    new AuditDetail.InvitationRevoked(InvitationId.of("8"), Email.of("eve@example.com"))),
            row("acme", Operation.REMOVE_ORGANIZATION_USER, "email:bob@example.com user:bob",
                    List.of("removed from workspace:design", "removed from workspace:research", "revoked invitation:9"),
                    new AuditDetail.RemovedFromOrganization(Email.of("bob@example.com"), UserId.of("bob"),
                            List.of(WorkspaceId.of("design"), WorkspaceId.of("research")), Optional.of(InvitationId.of("9")))),
            row("acme", Operation.REMOVE_ORGANIZATION_USER, "email:cy@example.com user:cy", List.of(),
                    new AuditDetail.RemovedFromOrganization(Email.of("cy@example.com"), UserId.of("cy"), List.of(),
                            Optional.empty())),
            row("acme", Operation.REMOVE_ORGANIZATION_USER, "email:fay@example.com", List.of("revoked invitation:10"),
                    new AuditDetail.InvitationRevoked(InvitationId.of("10"), Email.of("fay@example.com"))),
            row("acme", Operation.REMOVE_WORKSPACE_MEMBER, "user:bob in workspace:research", List.of("role user"),
                    new AuditDetail.Untyped("user:bob in workspace:research", List.of("role user"))),
            row("acme", Operation.CREATE_WORKSPACE, "a note a host wrote", List.of("", "with \\ a backslash", "\u00e9t\u00e9"),
                    new AuditDetail.Untyped("a note a host wrote", List.of("", "with \\ a backslash", "\u00e9t\u00e9"))));

    private static Object[] row(String organization, Operation operation, String target, List<String> cascade,
                                AuditDetail detail) {
        return new Object[] {organization, operation, target, cascade, detail};
    }

    @Test
    void start_databaseAtVersion3_appliesVersion4_andReadsTheAuditRowsOfVersions1To3Typed() {
        try (JdbiStore store = open(JdbiStore.Options.defaults())) {
            // Without version 4's column and row, the database is as version 3 left it; then rows as version 3 wrote them.
            store.jdbi().useHandle(h -> {
                h.execute("ALTER TABLE audit_trail DROP COLUMN detail");
                h.execute("DELETE FROM schema_version WHERE version = 4");
                long at = 1;
                for (Object[] row : VERSION_3_ROWS) {
                    @SuppressWarnings("unchecked")
                    List<String> cascade = (List<String>) row[3];
                    h.createUpdate("INSERT INTO audit_trail (organization_id, happened_at, actor, operation, target, reason,"
                            + " cascade_lines) VALUES (?, ?, ?, ?, ?, ?, ?)").bind(0, (String) row[0]).bind(1, at++)
                            .bind(2, "user:ann").bind(3, ((Operation) row[1]).name()).bind(4, (String) row[2])
                            .bind(5, "why").bind(6, JdbiTransaction.Cascade.encode(cascade)).execute();
                }
            });
            assertFalse(columns(store).contains("detail"));
        }
        try (JdbiStore store = open(JdbiStore.Options.defaults())) {
            assertTrue(columns(store).contains("detail"), "version 4 applied on start");
            assertEquals(Migrations.SCRIPTS.size(), versions(store, "").size());
            List<AuditEntry> read = new ArrayList<>(store.read(tx -> tx.auditTrail(Optional.empty(), first(100))));
            read.addAll(store.read(tx -> tx.auditTrail(Optional.of(OrganizationId.of("acme")), first(100))));
            assertEquals(VERSION_3_ROWS.size(), read.size());
            for (int i = 0; i < read.size(); i++) {
                Object[] row = VERSION_3_ROWS.get(i);
                AuditEntry entry = read.get(i);
                assertEquals(row[4], entry.detail(), "row " + i + " reads back typed");
                assertEquals(row[2], entry.target(), "row " + i + " keeps its text");
                assertEquals(row[3], entry.cascade(), "row " + i + " keeps its cascade");
                assertEquals(row[1], entry.action());
                assertEquals("why", entry.reason());
            }
            // A row written from now on stores its detail, beside the old rows.
            AuditDetail typed = new AuditDetail.RemovedFromWorkspace(WorkspaceId.of("design"), UserId.of("cy"));
            AuditEntry appended = store.write(tx -> tx.appendAudit(new AuditEntry(0, Instant.parse("2026-03-01T00:00:00Z"),
                    "user:ann", Operation.REMOVE_WORKSPACE_MEMBER, Optional.of(OrganizationId.of("acme")), typed, "")));
            List<AuditEntry> trail = store.read(tx -> tx.auditTrail(Optional.of(OrganizationId.of("acme")), first(100)));
            assertEquals(appended, trail.get(trail.size() - 1));
            int typedRows = store.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM audit_trail"
                    + " WHERE detail IS NOT NULL").mapTo(Integer.class).one());
            assertEquals(1, typedRows, "old rows are read, never rewritten");
        }
    }

    @Test
    void start_again_changesNothingAndKeepsTheRows() {
        List<String> before;
        try (JdbiStore store = open(JdbiStore.Options.defaults())) {
            store.write(tx -> {
                tx.insertUser(ANN);
                return null;
            });
            before = appliedAt(store);
        }
        try (JdbiStore store = open(JdbiStore.Options.defaults())) {
            assertEquals(before, appliedAt(store), "no script ran again");
            assertEquals(Optional.of(ANN), store.read(tx -> tx.user(ANN.id())));
        }
    }

    @Test
    void start_appliedScriptChanged_isRefusedClearly() {
        try (JdbiStore store = open(JdbiStore.Options.defaults())) {
            store.jdbi().useHandle(h -> h.execute("UPDATE schema_version SET checksum = 'edited' WHERE version = 1"));
        }
        UnableToMigrateException e = assertThrows(UnableToMigrateException.class,
                () -> open(JdbiStore.Options.defaults()).close());
        assertTrue(e.getMessage().contains("V1") && e.getMessage().contains("edited")
                && e.getMessage().contains(Migrations.scripts(dialect()).get(0).checksum()), e.getMessage());
    }

    @Test
    void start_databaseNewerThanTheLibrary_isRefused() {
        try (JdbiStore store = open(JdbiStore.Options.defaults())) {
            store.jdbi().useHandle(h -> h.execute("INSERT INTO schema_version (version, description, checksum,"
                    + " applied_at) VALUES (99, 'future', 'x', 0)"));
        }
        UnableToMigrateException e = assertThrows(UnableToMigrateException.class,
                () -> open(JdbiStore.Options.defaults()).close());
        assertTrue(e.getMessage().contains("99"), e.getMessage());
    }

    @Test
    void start_scriptFails_isRefusedAsAMigrationAndRecordsNothing() {
        try (JdbiStore store = open(JdbiStore.Options.defaults())) {
            // The tables exist but their version is not recorded, as when a host's own tables take the names.
            store.jdbi().useHandle(h -> h.execute("DELETE FROM schema_version"));
        }
        UnableToMigrateException e = assertThrows(UnableToMigrateException.class,
                () -> open(JdbiStore.Options.defaults()).close());
        assertTrue(e.getMessage().contains("V1 (schema) failed") && e.getMessage().contains("CREATE TABLE users"),
                e.getMessage());
        assertTrue(e.getCause() != null, "the database's own error is the cause");
        try (JdbiStore store = open(JdbiStore.Options.defaults().tablePrefix("other_"))) {
            assertEquals(List.of(), store.jdbi().withHandle(h -> h.createQuery("SELECT version FROM schema_version")
                    .mapTo(Integer.class).list()), "the failed script recorded nothing");
        }
    }

    @RepeatedTest(10)
    void start_twoStoresAtOnce_bothComeUpWithTheSchemaAppliedOnce() throws Exception {
        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        List<JdbiStore> stores = new ArrayList<>();
        try {
            List<CompletableFuture<JdbiStore>> opening = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                opening.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await(30, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    return open(JdbiStore.Options.defaults());
                }, threads));
            }
            for (CompletableFuture<JdbiStore> store : opening) {
                stores.add(store.get(60, TimeUnit.SECONDS));
            }
            assertEquals(Migrations.SCRIPTS.size(), versions(stores.get(0), "").size(), "one schema_version row per script");
            stores.get(0).write(tx -> {
                tx.insertUser(ANN);
                return null;
            });
            assertEquals(Optional.of(ANN), stores.get(1).read(tx -> tx.user(ANN.id())), "one shared schema");
        } finally {
            stores.forEach(JdbiStore::close);
            threads.shutdownNow();
        }
    }

    // ---- table prefix ----------------------------------------------------------------------

    @Test
    void tablePrefix_twoPrefixesSideBySide_keepTheirOwnRows() {
        try (JdbiStore a = open(JdbiStore.Options.defaults().tablePrefix("a_"));
             JdbiStore b = open(JdbiStore.Options.defaults().tablePrefix("tenant_b_"))) {
            a.write(tx -> {
                tx.insertUser(ANN);
                return null;
            });
            assertEquals(Optional.of(ANN), a.read(tx -> tx.user(ANN.id())));
            assertEquals(Optional.empty(), b.read(tx -> tx.user(ANN.id())));
            b.write(tx -> {
                tx.insertUser(ANN.withStatus(UserStatus.DISABLED));
                return null;
            });
            assertEquals(UserStatus.VALIDATED, a.read(tx -> tx.user(ANN.id())).orElseThrow().status());
            List<String> objects = schemaObjects(a);
            assertTrue(objects.stream().allMatch(n -> n.startsWith("a_") || n.startsWith("tenant_b_")),
                    "every table and index carries its prefix: " + objects);
            assertTrue(objects.contains("a_workspace_members_organization_user")
                    && objects.contains("tenant_b_workspace_members_organization_user"), objects.toString());
            assertEquals(Migrations.SCRIPTS.size(), versions(a, "a_").size());
            assertEquals(Migrations.SCRIPTS.size(), versions(b, "tenant_b_").size());
        }
    }

    @Test
    void tablePrefix_notAPlainIdentifier_isRefused() {
        for (String bad : List.of("A_", "1a", "a-b", "a;drop table users", "abcdefghijklmnopqrstu", " a")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> JdbiStore.Options.defaults().tablePrefix(bad), bad);
            assertTrue(e.getMessage().contains("tablePrefix"), e.getMessage());
        }
        assertEquals("membership_", JdbiStore.Options.defaults().tablePrefix("membership_").tablePrefix());
    }

    // ---- helpers ---------------------------------------------------------------------------

    private static Slice first(int limit) {
        return new Slice(Optional.empty(), Optional.empty(), limit);
    }

    /** @return the audit trail's columns, lower-case */
    private List<String> columns(JdbiStore store) {
        String query = dialect() == Dialect.SQLITE ? "SELECT name FROM pragma_table_info('audit_trail')"
                : "SELECT column_name FROM information_schema.columns WHERE table_name = 'audit_trail'"
                + " AND table_schema = current_schema()";
        return store.jdbi().withHandle(h -> h.createQuery(query).mapTo(String.class).list());
    }

    private static List<String> versions(JdbiStore store, String prefix) {
        return store.jdbi().withHandle(h -> h.createQuery("SELECT version, description, checksum FROM " + prefix
                + "schema_version ORDER BY version").map((rs, ctx) -> rs.getInt(1) + " " + rs.getString(2) + " "
                + rs.getString(3)).list());
    }

    private static List<String> appliedAt(JdbiStore store) {
        return store.jdbi().withHandle(h -> h.createQuery("SELECT version, applied_at FROM schema_version")
                .map((rs, ctx) -> rs.getInt(1) + "@" + rs.getLong(2)).list());
    }
}
