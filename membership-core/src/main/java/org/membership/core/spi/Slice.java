package org.membership.core.spi;

import java.util.Optional;

/**
 * A keyset range for list reads: at most {@code limit} items with keys strictly after
 * {@code after}, or the {@code limit} items with the greatest keys strictly before {@code before},
 * or the first {@code limit} items; always returned in ascending key order. Keys are the items'
 * ids; for the audit trail they are sequence numbers written in decimal and compared as numbers.
 *
 * <p>Immutable and thread-safe.
 *
 * @param after read keys greater than this
 * @param before read keys less than this
 * @param limit the most items to return, at least 1
 */
public record Slice(Optional<String> after, Optional<String> before, int limit) {
    /** @throws IllegalArgumentException if both bounds are given or the limit is below 1 */
    public Slice {
        if (after.isPresent() && before.isPresent()) {
            throw new IllegalArgumentException("a slice has at most one bound");
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
    }
}
