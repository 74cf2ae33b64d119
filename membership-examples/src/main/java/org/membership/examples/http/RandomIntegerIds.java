package org.membership.examples.http;

import java.security.SecureRandom;
import org.membership.core.IdGenerator;

/**
 * Integer ids ({@code "4403108239587051"}) for organizations whose API documents integer ids
 * (Paradigm), drawn at random from 1 to 2<sup>53</sup> − 1, so that they are exact in every JSON
 * reader (JavaScript's numbers included) and fit {@link Engines#isInteger}.
 *
 * <p>Random, not counted: two processes on one database share no counter, and ids counted in each
 * process collided (two of them handed out "5" to different organizations). Two draws collide with
 * a probability of 2<sup>-53</sup>; should they, the store refuses the second insert as a unique key
 * taken first and runs the change again with new ids. Random ids are also not enumerable, so a
 * caller cannot walk another company's ids one by one.
 *
 * <p>Thread-safe.
 */
final class RandomIntegerIds implements IdGenerator {
    static final long MAX = (1L << 53) - 1;

    private final SecureRandom random = new SecureRandom();

    @Override
    public String next() {
        return Long.toString(1 + (random.nextLong() >>> 11) % MAX);
    }
}
