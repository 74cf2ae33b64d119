package org.membership.jdbi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pool and both drivers are optional dependencies of this module, so a host brings the ones it
 * uses: each probe runs in a class loader from which some of them are hidden, as on a host's class
 * path without them. A store on the host's SQLite DataSource works with neither the pool nor the
 * PostgreSQL driver; a factory that needs a missing one fails at once, naming what to add.
 *
 * <p>Not thread-safe itself; JUnit runs one test per instance.
 */
final class OptionalDependenciesTest {
    private static final String HIKARI = "com.zaxxer.hikari.";
    private static final String SQLITE = "org.sqlite.";
    private static final String POSTGRESQL = "org.postgresql.";

    @TempDir
    Path directory;

    @Test
    void aStoreOnTheHostsSqliteDataSource_runsWithoutThePoolAndThePostgresqlDriver() throws Exception {
        assertEquals("alice@example.com", probe("onHostSqlite", HIKARI, POSTGRESQL));
    }

    @Test
    void aSqliteFile_withoutThePool_failsNamingIt() throws Exception {
        assertEquals("IllegalStateException: this store needs the connection pool, com.zaxxer:HikariCP (or pass"
                + " your own DataSource) on the class path", probe("sqliteFile", HIKARI));
    }

    @Test
    void aSqliteFile_withoutTheDriver_failsNamingIt() throws Exception {
        assertEquals("IllegalStateException: this store needs the SQLite driver, org.xerial:sqlite-jdbc on the"
                + " class path", probe("sqliteFile", SQLITE, POSTGRESQL));
    }

    @Test
    void aPostgresqlUrl_withoutTheDriver_failsNamingIt() throws Exception {
        assertEquals("IllegalStateException: this store needs the PostgreSQL driver, org.postgresql:postgresql on"
                + " the class path", probe("postgresqlUrl", POSTGRESQL, SQLITE));
    }

    /** Runs {@code Probe.<method>(directory)} in a class loader that hides the given packages. */
    private String probe(String method, String... hidden) throws Exception {
        try (Hiding loader = new Hiding(List.of(hidden))) {
            Class<?> probe = loader.loadClass(Probe.class.getName());
            assertEquals(loader, probe.getClassLoader());
            try {
                var run = probe.getDeclaredMethod(method, Path.class);
                run.setAccessible(true); // another loader's package, though the same name
                return (String) run.invoke(null, directory);
            } catch (InvocationTargetException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            }
        }
    }

    /** What runs inside the hiding class loader: the store's own API, as a host would call it. */
    static final class Probe {
        private Probe() {}

        static String onHostSqlite(Path directory) throws Exception {
            org.sqlite.SQLiteConfig config = new org.sqlite.SQLiteConfig();
            config.enforceForeignKeys(true);
            org.sqlite.SQLiteDataSource dataSource = new org.sqlite.SQLiteDataSource(config);
            dataSource.setUrl("jdbc:sqlite:" + directory.resolve("host.db"));
            try (JdbiStore store = JdbiStore.sqlite(dataSource, JdbiStore.Options.defaults(), new HostTransactions() {
                @Override
                public Optional<java.sql.Connection> current() {
                    return Optional.empty();
                }

                @Override
                public void afterCommit(Runnable action) {
                    throw new AssertionError("never in a host's transaction here");
                }
            })) {
                var membership = org.membership.core.MembershipEngine.builder(store).build();
                var alice = new org.membership.api.User(org.membership.api.UserId.of("alice"),
                        org.membership.api.Email.of("alice@example.com"), org.membership.api.UserStatus.VALIDATED,
                        false);
                membership.execute(org.membership.api.Actor.instanceKey("probe"),
                        new org.membership.api.Command.RegisterUser(alice)).orElseThrow();
                return store.read(tx -> tx.user(alice.id())).orElseThrow().email().value();
            }
        }

        static String sqliteFile(Path directory) {
            return failure(() -> JdbiStore.sqlite(directory.resolve("own.db")).close());
        }

        static String postgresqlUrl(Path directory) {
            return failure(() -> JdbiStore.postgresql("jdbc:postgresql://127.0.0.1:1/none").close());
        }

        private static String failure(Runnable opening) {
            try {
                opening.run();
                return "opened";
            } catch (RuntimeException e) {
                return e.getClass().getSimpleName() + ": " + e.getMessage();
            }
        }
    }

    /** The test class path, less some packages; only the JDK comes from outside. */
    private static final class Hiding extends URLClassLoader {
        private final List<String> hidden;

        Hiding(List<String> hidden) throws MalformedURLException {
            super(classPath(), ClassLoader.getPlatformClassLoader());
            this.hidden = hidden;
        }

        private static URL[] classPath() throws MalformedURLException {
            String path = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            List<URL> urls = new ArrayList<>();
            for (String entry : path.split(File.pathSeparator)) {
                if (!entry.isBlank() && Files.exists(Path.of(entry))) {
                    urls.add(Path.of(entry).toUri().toURL());
                }
            }
            return urls.toArray(URL[]::new);
        }

        private boolean isHidden(String name) {
            String dotted = name.replace('/', '.');
            return hidden.stream().anyMatch(dotted::startsWith);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (isHidden(name)) {
                throw new ClassNotFoundException(name + " is hidden from this class loader");
            }
            return super.loadClass(name, resolve);
        }

        @Override
        public URL getResource(String name) {
            return isHidden(name) ? null : super.getResource(name);
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            return isHidden(name) ? java.util.Collections.emptyEnumeration() : super.getResources(name);
        }
    }
}
