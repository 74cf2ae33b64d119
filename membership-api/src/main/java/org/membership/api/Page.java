package org.membership.api;

import java.util.List;
import java.util.Optional;

/**
 * One page of a keyset-paginated list, shaped like Anthropic's list responses.
 *
 * <p>Immutable and thread-safe.
 *
 * @param items the items, in ascending id order
 * @param firstId the id of the first item, to pass as {@code before_id} for the previous page
 * @param lastId the id of the last item, to pass as {@code after_id} for the next page
 * @param hasMore whether more items exist beyond this page, in the direction it was read
 * @param <T> the item type
 */
public record Page<T>(List<T> items, Optional<String> firstId, Optional<String> lastId, boolean hasMore) {
    /** @throws NullPointerException if a component is null */
    public Page {
        items = List.copyOf(items);
        java.util.Objects.requireNonNull(firstId, "firstId");
        java.util.Objects.requireNonNull(lastId, "lastId");
    }
}
