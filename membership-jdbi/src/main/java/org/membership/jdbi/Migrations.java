package org.membership.jdbi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;

/**
 * Brings a database's schema to the version this library needs, once, even when several stores
 * start at the same moment.
 *
 * <p>Scripts are {@code V<n>__<description>.sql} resources per dialect, applied in order, each with
 * its row in {@code <prefix>schema_version} (version, description, SHA-256 of the script as shipped,
 * when applied), in the same transaction as the script itself. A script whose recorded checksum
 * differs from the shipped one stops the store: the database no longer matches what the library
 * believes it is.
 */
final class Migrations {
    /** Every script, in order. A new version is appended here; an applied one is never edited. */
    static final List<String> SCRIPTS = List.of("V1__schema.sql", "V2__invitation_expiry.sql", "V3__change_feed.sql",
            "V4__typed_audit.sql", "V5__organization_management.sql");

    /** One schema script as shipped. */
    record Script(int version, String description, String text, String checksum) {}

    private Migrations() {}

    static List<Script> scripts(Dialect dialect) {
        List<Script> out = new ArrayList<>();
        for (String name : SCRIPTS) {
            String resource = dialect.scripts + "/" + name;
            String text;
            try (InputStream in = Migrations.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("missing schema script " + resource);
                }
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read schema script " + resource, e);
            }
            int separator = name.indexOf("__");
            out.add(new Script(Integer.parseInt(name.substring(1, separator)),
                    name.substring(separator + 2, name.length() - ".sql".length()), text, sha256(text)));
        }
        return out;
    }

    /**
     * Applies the missing scripts inside the transaction the caller opened on {@code handle}, after
     * taking the dialect's migration lock.
     *
     * @throws UnableToMigrateException if an applied script changed, the database is newer, or a script
     *     failed for any reason but a lost race (which is left to the caller's retry)
     */
    static void migrate(Handle handle, Dialect dialect, Statements sql) {
        if (dialect == Dialect.POSTGRESQL) {
            // Held until the transaction ends; two stores starting at once apply each script once.
            handle.createQuery("SELECT pg_advisory_xact_lock(?)").bind(0, lockKey(sql.prefix))
                    .map((rs, ctx) -> 1).list();
        }
        handle.execute(sql.t("CREATE TABLE IF NOT EXISTS ${p}schema_version (version INTEGER NOT NULL PRIMARY KEY,"
                + " description TEXT NOT NULL, checksum TEXT NOT NULL, applied_at BIGINT NOT NULL)"));
        Map<Integer, String> applied = new TreeMap<>();
        handle.createQuery(sql.t("SELECT version, checksum FROM ${p}schema_version"))
                .map((rs, ctx) -> applied.put(rs.getInt(1), rs.getString(2))).list();
        List<Script> scripts = scripts(dialect);
        for (Script script : scripts) {
            String checksum = applied.get(script.version());
            if (checksum != null && !checksum.equals(script.checksum())) {
                throw new UnableToMigrateException("schema script V" + script.version() + " (" + script.description()
                        + ") was applied to this database with checksum " + checksum + " but this library ships "
                        + script.checksum() + "; refusing to start on a schema that differs from the one it knows", null);
            }
        }
        int newest = scripts.get(scripts.size() - 1).version();
        for (int version : applied.keySet()) {
            if (version > newest) {
                throw new UnableToMigrateException("the database has schema version " + version
                        + ", newer than version " + newest + " that this library knows; upgrade the library", null);
            }
        }
        for (Script script : scripts) {
            if (!applied.containsKey(script.version())) {
                for (String statement : statements(sql.t(script.text()))) {
                    try {
                        handle.execute(statement);
                    } catch (JdbiException e) {
                        if (dialect.isRetryable(e)) {
                            throw e; // another store is starting too: the whole migration runs again
                        }
                        throw new UnableToMigrateException("schema script V" + script.version() + " ("
                                + script.description() + ") failed; nothing of it was applied. The statement: "
                                + statement, e);
                    }
                }
                handle.createUpdate(sql.t("INSERT INTO ${p}schema_version (version, description, checksum, applied_at)"
                        + " VALUES (?, ?, ?, ?)")).bind(0, script.version()).bind(1, script.description())
                        .bind(2, script.checksum()).bind(3, JdbiTransaction.nanos(Instant.now())).execute();
            }
        }
    }

    /**
     * Splits a script into statements: comment lines dropped, statements end with {@code ;} at a line's
     * end, except inside a {@code $$}-quoted body (a PostgreSQL function's), which ends at the line
     * that closes it.
     */
    static List<String> statements(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || (!quoted && trimmed.startsWith("--"))) {
                continue;
            }
            current.append(line).append('\n');
            for (int at = line.indexOf("$$"); at >= 0; at = line.indexOf("$$", at + 2)) {
                quoted = !quoted;
            }
            if (!quoted && trimmed.endsWith(";")) {
                String statement = current.toString().strip();
                out.add(statement.substring(0, statement.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            out.add(current.toString().strip());
        }
        return out;
    }

    private static long lockKey(String prefix) {
        long key = 0x6d656d62L; // "memb"
        for (byte b : ("membership-schema:" + prefix).getBytes(StandardCharsets.UTF_8)) {
            key = key * 31 + b;
        }
        return key;
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
