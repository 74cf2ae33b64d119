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
        server = MembershipServer.start(MembershipServer.Options.parse("--demo", "--port", "0"), store, Clock.systemUTC(),
                limits);
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
