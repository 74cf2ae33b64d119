package org.membership.jdbi;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hears PostgreSQL's notifications of new feed heads ({@code NOTIFY} from the sequencer, see
 * {@code V3__change_feed.sql}) on a dedicated connection and a daemon thread, reconnecting after a
 * failure. A notification only nudges the followers to read their head: its channel is the
 * database's, shared by every schema whose stores have the same table prefix, so the head it carries
 * may be another schema's. Thread-safe.
 */
final class PostgresListener implements FeedWakeups.Listener, Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresListener.class);
    private static final int WAIT_MS = 500;
    private static final long RECONNECT_MS = 1000;

    /** Where the listening connection comes from. */
    @FunctionalInterface
    interface Connections {
        Connection open() throws SQLException;
    }

    private final String channel;
    private final Connections connections;
    private final Runnable nudge;
    private final Thread thread;
    private volatile boolean receiving;
    private volatile boolean closed;

    private PostgresListener(String channel, Connections connections, Runnable nudge) {
        this.channel = channel;
        this.connections = connections;
        this.nudge = nudge;
        this.thread = new Thread(this, "membership-feed-listener");
        this.thread.setDaemon(true);
    }

    /** @return how a store with this table prefix listens for its feed's notifications */
    static FeedWakeups.Listening channel(String prefix, Connections connections) {
        return nudge -> {
            PostgresListener listener = new PostgresListener(prefix + "membership_feed", connections, nudge);
            listener.thread.start();
            return listener;
        };
    }

    @Override
    public void run() {
        while (!closed) {
            try (Connection connection = connections.open()) {
                connection.setAutoCommit(true);
                try (Statement listen = connection.createStatement()) {
                    listen.execute("LISTEN " + channel);
                }
                PGConnection notifications = connection.unwrap(PGConnection.class);
                receiving = true;
                while (!closed) {
                    PGNotification[] received = notifications.getNotifications(WAIT_MS);
                    if (received != null && received.length > 0) {
                        nudge.run(); // one head read answers them all
                    }
                }
            } catch (SQLException | RuntimeException e) {
                receiving = false;
                if (!closed) {
                    LOG.warn("lost the connection that listens for changes; reconnecting", e);
                    try {
                        Thread.sleep(RECONNECT_MS);
                    } catch (InterruptedException interrupted) {
                        return;
                    }
                }
            }
        }
        receiving = false;
    }

    @Override
    public boolean receiving() {
        return receiving;
    }

    @Override
    public void close() {
        closed = true;
        try {
            thread.join(WAIT_MS * 4L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
