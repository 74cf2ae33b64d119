package org.membership.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.membership.api.Reason;
import org.membership.api.Refusal;

/**
 * The machinery every decision runs on: policies run in their order and stop at the first refusal,
 * so nothing after it is asked (and nothing it would read is read); a fact is read once.
 */
final class PoliciesTest {
    private static final Refusal FIRST = Refusal.of(Reason.WORKSPACE_NOT_FOUND);
    private static final Refusal SECOND = Refusal.of(Reason.LAST_ADMIN);

    @Test
    void firstRefusal_asksInOrder_andStopsAtTheFirstRefusal() {
        List<String> asked = new ArrayList<>();
        List<Policy<List<String>>> policies = List.of(
                Policy.check("passes", a -> {
                    a.add("passes");
                    return Optional.empty();
                }),
                Policy.lock("locks", a -> a.add("locks")),
                Policy.check("refuses", a -> {
                    a.add("refuses");
                    return Optional.of(FIRST);
                }),
                Policy.check("never asked", a -> {
                    a.add("never asked");
                    return Optional.of(SECOND);
                }));
        assertEquals(Optional.of(FIRST), Policies.firstRefusal(policies, asked));
        assertEquals(List.of("passes", "locks", "refuses"), asked);
    }

    @Test
    void firstRefusal_whenEveryPolicyPasses_isEmpty() {
        AtomicInteger asked = new AtomicInteger();
        List<Policy<AtomicInteger>> policies = List.of(
                Policy.check("one", n -> Policies.when(n.incrementAndGet() < 0, FIRST)),
                Policy.lock("two", AtomicInteger::incrementAndGet));
        assertEquals(Optional.empty(), Policies.firstRefusal(policies, asked));
        assertEquals(2, asked.get());
    }

    @Test
    void planDecide_approvesOnlyWhenNoPolicyRefuses() {
        Plan<String> refused = Plan.decide(List.of(Policy.check("refuses", f -> Optional.of(SECOND))), "facts",
                f -> (tx, change) -> f);
        assertEquals(Optional.of(SECOND), refused.refusal());
        Plan<String> approved = Plan.decide(List.<Policy<String>>of(), "facts", f -> (tx, change) -> f);
        assertEquals("facts", ((Plan.Approved<String>) approved).effect().apply(null, null));
    }

    @Test
    void once_readsItsFactOnce_onFirstAsk() {
        AtomicInteger reads = new AtomicInteger();
        Once<Integer> fact = Once.of(reads::incrementAndGet);
        assertEquals(0, reads.get(), "nothing is read before a policy asks");
        assertEquals(1, fact.get());
        assertEquals(1, fact.get());
        assertEquals(1, reads.get());
    }

    @Test
    void gate_refused_hasNothingFound() {
        Gate<String> refused = Gate.refused(FIRST);
        assertEquals(Optional.of(FIRST), refused.refusal());
        assertThrows(IllegalStateException.class, refused::found);
        assertEquals("found", Gate.passed("found").found());
    }
}
