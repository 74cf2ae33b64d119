package org.membership.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Outcome and Decision: one shape, the result or the refusal, never both. */
final class OutcomeTest {
    private static final Refusal LAST_ADMIN = Refusal.of(Reason.LAST_ADMIN);
    private static final Outcome<String> SUCCESS = new Outcome.Success<>("ann", Optional.of(FeedPosition.of(7)));
    private static final Outcome<String> REFUSED = new Outcome.Refused<>(LAST_ADMIN);

    @Test
    void orElseThrow_givesTheResult_orThrowsTheRefusal() {
        assertEquals("ann", SUCCESS.orElseThrow());
        RefusedException e = assertThrows(RefusedException.class, REFUSED::orElseThrow);
        assertSame(LAST_ADMIN, e.refusal());
        assertEquals("last_admin: The last admin cannot be removed or demoted", e.getMessage());
        assertEquals(0, e.getStackTrace().length, "a business answer records no stack trace");
    }

    @Test
    void orElseThrow_withAnException_throwsWhatItMakesFromTheRefusal() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> REFUSED.orElseThrow(r -> new IllegalStateException(r.code())));
        assertEquals("last_admin", e.getMessage());
        assertEquals("ann", SUCCESS.orElseThrow(r -> new IllegalStateException()));
    }

    @Test
    void map_changesTheResult_keepsThePosition_andPassesARefusalOn() {
        assertEquals(new Outcome.Success<>(3, Optional.of(FeedPosition.of(7))), SUCCESS.map(String::length));
        assertEquals(new Outcome.Refused<Integer>(LAST_ADMIN), REFUSED.map(String::length));
        assertThrows(NullPointerException.class, () -> SUCCESS.map(v -> null));
    }

    @Test
    void fold_answersEachCase() {
        assertEquals("ok ann", SUCCESS.fold(v -> "ok " + v, r -> "no " + r.code()));
        assertEquals("no last_admin", REFUSED.fold(v -> "ok " + v, r -> "no " + r.code()));
        assertThrows(NullPointerException.class, () -> SUCCESS.fold(v -> v, null));
        assertThrows(NullPointerException.class, () -> REFUSED.fold(null, r -> ""));
    }

    @Test
    void decision_hasTheOutcomesShape() {
        assertEquals(Optional.empty(), Decision.allow().refusal());
        assertEquals(Optional.of(LAST_ADMIN), Decision.refuse(LAST_ADMIN).refusal());
        assertEquals(REFUSED.refusal(), Decision.refuse(LAST_ADMIN).refusal());
        assertEquals("allowed", Decision.allow().fold(() -> "allowed", Refusal::code));
        assertEquals("last_admin", Decision.refuse(LAST_ADMIN).fold(() -> "allowed", Refusal::code));
        assertEquals(Decision.allow(), new Decision.Allowed());
        assertThrows(NullPointerException.class, () -> Decision.refuse(null));
    }
}
