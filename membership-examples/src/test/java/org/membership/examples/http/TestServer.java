package org.membership.examples.http;

import java.time.Clock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A server on a free port with the demo dataset, over a store whose writes a test can fail. */
final class TestServer implements AutoCloseable {
    static final String INSTANCE_KEY = DemoData.INSTANCE_KEY;

    final FailingStore store = new FailingStore();
    final MembershipServer server;
    final Client client;

    TestServer() {
        server = MembershipServer.start(MembershipServer.Options.parse("--demo", "--port", "0"), store, Clock.systemUTC());
        client = new Client(server.uri());
    }

    @Override
    public void close() {
        server.close();
    }

    /** @return the string value of a top-level member of a flat JSON object */
    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\":\"([^\"]*)\"").matcher(json);
        if (!m.find()) {
            throw new AssertionError("no string member " + name + " in " + json);
        }
        return m.group(1);
    }
}
