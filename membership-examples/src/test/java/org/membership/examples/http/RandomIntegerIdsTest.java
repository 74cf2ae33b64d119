package org.membership.examples.http;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The server's integer ids: two generators, as two processes have, never hand out the same id. */
final class RandomIntegerIdsTest {

    @Test
    void twoGenerators_handOutDisjointIntegerIds_thatJavaScriptReadsExactly() {
        RandomIntegerIds one = new RandomIntegerIds();
        RandomIntegerIds other = new RandomIntegerIds();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 20_000; i++) {
            for (String id : new String[] {one.next(), other.next()}) {
                assertTrue(seen.add(id), "id " + id + " twice");
                assertTrue(Engines.isInteger(id), id);
                long value = Long.parseLong(id);
                assertTrue(value >= 1 && value <= RandomIntegerIds.MAX, id);
            }
        }
    }
}
