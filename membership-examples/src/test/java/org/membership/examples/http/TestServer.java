package org.membership.examples.http;

import java.time.Clock;

/** A server on a free port with the demo dataset, over a store whose writes a test can fail. */
final class TestServer implements AutoCloseable {
    static final String INSTANCE_KEY = DemoData.INSTANCE_KEY;

    final FailingStore store = new FailingStore();
    final MembershipServer server;
    final Client client;

    TestServer() {
        this(HttpTransport.Limits.defaults());
    }

    TestServer(HttpTransport.Limits limits) {
        this(Clock.systemUTC(), limits);
    }

    /** A server whose engines read {@code clock}, for tests that move time. */
    TestServer(Clock clock) {
        this(clock, HttpTransport.Limits.defaults());
    }

    private TestServer(Clock clock, HttpTransport.Limits limits) {
        server = MembershipServer.start(MembershipServer.Options.parse("--demo", "--port", "0"), store, clock, limits);
        client = new Client(server.uri());
    }

    @Override
    public void close() {
        server.close();
    }

    /** @return the string value of a top-level member of a JSON object, read with {@link Answers} */
    static String field(String json, String name) {
        return Answers.field(json, name);
    }
}
