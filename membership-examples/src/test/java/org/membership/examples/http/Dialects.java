package org.membership.examples.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.util.Set;

/** Asserts that an answer is in one documented API's own error format, read with {@link Answers}. */
enum Dialects {
    PARADIGM("/api/v3/company/workspaces/3/members/users/103") {
        @Override
        void check(Client.Reply r, JsonObject o) {
            assertEquals(Set.of("detail"), o.keySet(), r.body());
        }
    },
    FLASHBACK("/workspace/" + DemoData.FLASHBACK_DESIGN + "/users/" + DemoData.CAROL) {
        @Override
        void check(Client.Reply r, JsonObject o) {
            assertEquals(Set.of("success", "message"), o.keySet(), r.body());
            assertFalse(o.get("success").getAsBoolean(), r.body());
        }
    },
    ANTHROPIC("/v1/organizations/workspaces/" + DemoData.FLASHBACK_DESIGN + "/members/" + DemoData.CAROL) {
        @Override
        void check(Client.Reply r, JsonObject o) {
            assertEquals(Set.of("type", "error"), o.keySet(), r.body());
            assertEquals("error", o.get("type").getAsString(), r.body());
            assertEquals(Set.of("type", "message"), o.getAsJsonObject("error").keySet(), r.body());
        }
    },
    FACTORY("/api/v0/organization/users?email=dan@flashback.example") {
        @Override
        void check(Client.Reply r, JsonObject o) {
            assertTrue(o.keySet().containsAll(Set.of("detail", "status", "title")), r.body());
            assertTrue(Set.of("detail", "status", "title", "metadata").containsAll(o.keySet()), r.body());
            assertEquals(r.status(), o.get("status").getAsInt(), r.body());
        }
    },
    ADMIN("/admin/users") {
        @Override
        void check(Client.Reply r, JsonObject o) {
            assertTrue(r.contentType().startsWith("application/problem+json"), r.contentType());
            assertTrue(o.keySet().containsAll(Set.of("type", "title", "status", "detail")), r.body());
            assertEquals(r.status(), o.get("status").getAsInt(), r.body());
        }
    };

    /** A path of the API, with a query where the API takes one. */
    final String path;

    Dialects(String path) {
        this.path = path;
    }

    /** @return the path with its first segment's characters replaced by {@code segment}, query kept */
    String pathWith(String text) {
        int q = path.indexOf('?');
        String p = q < 0 ? path : path.substring(0, q);
        int last = p.lastIndexOf('/');
        return p.substring(0, last + 1) + text + (q < 0 ? "" : path.substring(q));
    }

    abstract void check(Client.Reply reply, JsonObject body);

    /** Fails unless the answer is JSON in this API's format, with no exception text or HTML in it. */
    void assertAnswers(Client.Reply reply, String what) {
        assertTrue(reply.contentType().contains("json"), what + ": " + reply.contentType() + " " + reply.body());
        for (String leak : new String[] {"Exception", "exception", "thrown", "<h1>", "<html", "\tat ", "Caused by"}) {
            assertFalse(reply.body().contains(leak), what + ": " + reply.body());
        }
        check(reply, Answers.object(reply.body()));
    }
}
