package org.membership.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;

/**
 * Page requests: limit 1-1000 (default 20), at most one of {@code after_id} / {@code before_id},
 * each a valid id; audit pages take sequence numbers.
 *
 * <p>A failing property prints {@code Seed was <n>}; replay it with {@code -DQT_SEED=<n>} or by
 * adding {@code .withFixedSeed(<n>L)} after {@code qt()}.
 */
final class PageRequestTest {

    // ---- limit ----------------------------------------------------------------------------------

    @Test
    void limit_within1To1000_isKept() {
        qt().forAll(Generate.range(1, 1000)).checkAssert(limit -> {
            assertEquals(limit, PageRequest.first(limit).limit());
            assertEquals(limit, PageRequest.after("x", limit).limit());
            assertEquals(limit, PageRequest.before("x", limit).limit());
        });
    }

    @Test
    void limit_outside1To1000_isRefused_namingLimit() {
        qt().forAll(Generate.oneOf(Generate.range(Integer.MIN_VALUE, 0), Generate.range(1001, Integer.MAX_VALUE)))
                .checkAssert(limit -> {
                    InvalidInputException e = assertThrows(InvalidInputException.class, () -> PageRequest.first(limit));
                    assertEquals("limit", e.field());
                    assertEquals("limit must be between 1 and 1000", e.getMessage());
                });
    }

    @Test
    void first_hasTheDefaultLimit_andNoBounds() {
        assertEquals(new PageRequest(Optional.empty(), Optional.empty(), 20), PageRequest.first());
        assertEquals(20, PageRequest.DEFAULT_LIMIT);
        assertEquals(1000, PageRequest.MAX_LIMIT);
    }

    // ---- bounds ---------------------------------------------------------------------------------

    @Test
    void bothBounds_areRefused() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> new PageRequest(Optional.of("a"), Optional.of("b"), 20));
        assertEquals("before_id", e.field());
    }

    @Test
    void bounds_mustBeIds() {
        assertEquals("after_id", assertThrows(InvalidInputException.class, () -> PageRequest.after("a b", 5)).field());
        assertEquals("before_id", assertThrows(InvalidInputException.class, () -> PageRequest.before("", 5)).field());
        assertEquals("after_id", assertThrows(InvalidInputException.class, () -> PageRequest.after(null, 5)).field());
        assertEquals("before_id", assertThrows(InvalidInputException.class,
                () -> PageRequest.before("x".repeat(129), 5)).field());
    }

    @Test
    void auditPages_takeOnlySequenceNumbers() {
        qt().forAll(Generate.longRange(0, 999_999_999_999_999_999L)).checkAssert(n -> assertEquals(Optional.of(Long.toString(n)),
                Command.ListAuditTrail.ofInstance(PageRequest.after(Long.toString(n), 10)).page().afterId()));
        for (String bad : new String[] {"abc", "1.5", "-1", "1234567890123456789"}) {
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> Command.ListAuditTrail.ofInstance(PageRequest.before(bad, 10)));
            assertEquals("before_id", e.field());
        }
    }
}
