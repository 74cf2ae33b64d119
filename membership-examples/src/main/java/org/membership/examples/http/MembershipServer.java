package org.membership.examples.http;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.membership.api.Actor;
import org.membership.api.FeedConsumer;
import org.membership.api.Subscription;
import org.membership.core.spi.MembershipStore;
import org.membership.inmemory.InMemoryStore;
import org.membership.jdbi.JdbiStore;

/**
 * The example host: the five documented APIs of the specification — Paradigm's company and
 * instance removals (P1, P2), Flashback's (F), Anthropic's workspace members, organization users
 * and invites (A) and Factory's removal by email (X) — plus a few admin endpoints, served over
 * HTTP/1.1 ({@link HttpTransport}, on Netty, with its documented limits) over one library store.
 *
 * <pre>{@code
 * ./mvnw -B -ntp -q -pl membership-examples -am package exec:java -DskipTests -Dexec.args="--demo"
 * }</pre>
 *
 * Options: {@code --demo} loads the demo dataset ({@link DemoData}) and prints its credentials;
 * {@code --db FILE} the SQLite file (default {@code membership.db}, created with its schema on
 * first start); {@code --in-memory} keeps everything in memory instead;
 * {@code --port N} (default 8080, 0 for any free port); {@code --host H} (default 127.0.0.1);
 * {@code --instance-key K} (default: a random key, printed; the demo's is fixed).
 *
 * <p>Thread-safe: requests are served by a pool of threads; {@link #close()} stops the server.
 */
public final class MembershipServer implements AutoCloseable {

    /**
     * How to start the server.
     *
     * @param host the address to bind
     * @param port the port; 0 for any free one
     * @param demo whether to load the demo dataset
     * @param instanceKey the instance key; empty for a random one
     * @param database the SQLite file; empty to keep everything in memory
     */
    public record Options(String host, int port, boolean demo, Optional<String> instanceKey,
                          Optional<Path> database) {
        /** The SQLite file used unless {@code --db} or {@code --in-memory} says otherwise. */
        public static final Path DEFAULT_DATABASE = Path.of("membership.db");

        /**
         * @param args the command line
         * @return the options
         * @throws IllegalArgumentException with a usage message if an argument is not understood
         */
        public static Options parse(String... args) {
            String host = "127.0.0.1";
            int port = 8080;
            boolean demo = false;
            Optional<String> key = Optional.empty();
            Optional<Path> database = Optional.of(DEFAULT_DATABASE);
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                boolean hasValue = i + 1 < args.length;
                if (arg.equals("--demo")) {
                    demo = true;
                } else if (arg.equals("--port") && hasValue) {
                    try {
                        port = Integer.parseInt(args[++i]);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(usage());
                    }
                    if (port < 0 || port > 65535) {
                        throw new IllegalArgumentException(usage());
                    }
                } else if (arg.equals("--host") && hasValue) {
                    host = args[++i];
                } else if (arg.equals("--instance-key") && hasValue) {
                    key = Optional.of(args[++i]);
                } else if (arg.equals("--db") && hasValue) {
                    database = Optional.of(Path.of(args[++i]));
                } else if (arg.equals("--in-memory")) {
                    database = Optional.empty();
                } else {
                    throw new IllegalArgumentException(usage());
                }
            }
            return new Options(host, port, demo, key, database);
        }

        static String usage() {
            return "usage: MembershipServer [--demo] [--db FILE | --in-memory] [--port N] [--host ADDRESS]"
                    + " [--instance-key KEY]";
        }
    }

    private final HttpTransport transport;
    private final String host;
    private final String banner;
    private volatile AutoCloseable ownedStore;
    private final Subscription following;
    private final Credentials credentials;

    private MembershipServer(HttpTransport transport, String host, String banner, Subscription following,
                             Credentials credentials) {
        this.transport = transport;
        this.host = host;
        this.banner = banner;
        this.following = following;
        this.credentials = credentials;
    }

    /**
     * The one place the store is chosen: a SQLite file (schema created or migrated on open), or
     * memory.
     *
     * @param options where
     * @return the store the server keeps its memberships in
     */
    static MembershipStore openStore(Options options) {
        return options.database().<MembershipStore>map(JdbiStore::sqlite).orElseGet(InMemoryStore::new);
    }

    /**
     * Starts a server on the store {@link #openStore(Options)} opens.
     *
     * @param options how
     * @return the running server
     * @throws UncheckedIOException if the address cannot be bound
     */
    public static MembershipServer start(Options options) {
        MembershipStore store = openStore(options);
        MembershipServer server;
        try {
            server = start(options, store, Clock.systemUTC());
        } catch (RuntimeException e) {
            closeQuietly(store);
            throw e;
        }
        if (store instanceof AutoCloseable closeable) {
            server.ownedStore = closeable;
        }
        return server;
    }

    static MembershipServer start(Options options, MembershipStore store, Clock clock) {
        return start(options, store, clock, HttpTransport.Limits.defaults());
    }

    static MembershipServer start(Options options, MembershipStore store, Clock clock, HttpTransport.Limits limits) {
        return start(options, store, clock, limits, true);
    }

    /**
     * @param followFeed whether the access cache follows the change feed (only a test that shows what goes
     *                   wrong without it turns this off)
     */
    static MembershipServer start(Options options, MembershipStore store, Clock clock, HttpTransport.Limits limits,
                                  boolean followFeed) {
        Credentials credentials = new Credentials();
        AccessCache access = new AccessCache(credentials, clock, AccessCache.DEFAULT_TIME_TO_LIVE);
        String demo = options.demo() ? DemoData.load(store, clock, credentials) : "";
        String instanceKey = options.instanceKey()
                .orElse(options.demo() ? DemoData.INSTANCE_KEY : "ik_" + credentials.secret());
        credentials.register(instanceKey, Actor.instanceKey("instance-key"));
        Engines engines = Engines.over(store, clock, new RandomIntegerIds(), access);
        // Every instance follows every change, whichever instance made it: the cache and the tokens stay true.
        Subscription following = engines.flashback().changes().subscribe(FeedConsumer.named("access-cache", access)
                .delivery(FeedConsumer.Delivery.EVERY_INSTANCE).build());
        if (followFeed) {
            access.following(following);
        } else {
            following.close();
        }

        Routes routes = new Routes(AdminApi.DIALECT);
        new ParadigmApi(credentials, engines).register(routes);
        new FlashbackApi(credentials, engines, access).register(routes);
        new AnthropicApi(credentials, engines).register(routes);
        new AnthropicOrganizationApi(credentials, engines, clock).register(routes);
        new FactoryApi(credentials, engines).register(routes);
        new AdminApi(credentials, engines).register(routes);

        HttpTransport transport;
        try {
            transport = HttpTransport.start(options.host(), options.port(), routes, limits);
        } catch (RuntimeException e) {
            following.close();
            throw e;
        }
        String address = "http://" + options.host() + ":" + transport.address().getPort();
        String banner = "membership server listening on " + address + "\n"
                + "store: " + options.database().map(p -> "SQLite file " + p.toAbsolutePath()).orElse("in memory") + "\n"
                + "instance key: " + instanceKey + "\n"
                + (demo.isEmpty() ? "" : demo + "\n");
        return new MembershipServer(transport, options.host(), banner, following, credentials);
    }

    /** @return the port the server listens on */
    public int port() {
        return transport.address().getPort();
    }

    /** @return the base URI, for example {@code http://127.0.0.1:8080} */
    public URI uri() {
        return URI.create("http://" + host + ":" + port());
    }

    /** @return the transport, for tests */
    HttpTransport transport() {
        return transport;
    }

    /** @return what the server prints at start: its address, its instance key and the demo credentials */
    public String banner() {
        return banner;
    }

    /** @return the server's credentials, for tests that hand one token to two instances */
    Credentials credentials() {
        return credentials;
    }

    /** Stops accepting requests, stops the server's threads, and closes the store if the server opened it. */
    @Override
    public void close() {
        transport.close();
        following.close();
        if (ownedStore != null) {
            closeQuietly(ownedStore);
        }
    }

    private static void closeQuietly(Object store) {
        if (store instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                System.getLogger(MembershipServer.class.getName())
                        .log(System.Logger.Level.WARNING, "closing the store failed", e);
            }
        }
    }

    /**
     * Starts the server and serves until the process is stopped.
     *
     * @param args see the class comment
     * @throws InterruptedException if interrupted while serving
     */
    public static void main(String[] args) throws InterruptedException {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        MembershipServer server = start(options);
        PrintStream out = System.out;
        out.print(server.banner());
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }));
        stopped.await();
    }
}
