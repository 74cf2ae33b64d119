package org.membership.api;

import java.util.Optional;

/**
 * Which page of a keyset-paginated list to read, as Anthropic's list APIs take it: the items
 * strictly after {@code after_id}, or strictly before {@code before_id}, or from the start; at
 * most {@code limit} (1-1000, default 20) of them, in ascending id order.
 *
 * <p>Immutable and thread-safe.
 *
 * @param afterId read the items after this id
 * @param beforeId read the items before this id
 * @param limit the page size, 1-1000
 */
public record PageRequest(Optional<String> afterId, Optional<String> beforeId, int limit) {
    /** The default page size. */
    public static final int DEFAULT_LIMIT = 20;
    /** The largest page size. */
    public static final int MAX_LIMIT = 1000;

    /** @throws InvalidInputException naming {@code after_id}, {@code before_id} or {@code limit} */
    public PageRequest {
        Inputs.required("after_id", afterId).ifPresent(v -> Inputs.id("after_id", v));
        Inputs.required("before_id", beforeId).ifPresent(v -> Inputs.id("before_id", v));
        if (afterId.isPresent() && beforeId.isPresent()) {
            throw new InvalidInputException("before_id", "before_id and after_id cannot both be given");
        }
        Inputs.limit("limit", limit, 1, MAX_LIMIT);
    }

    /** @return the first page of the default size */
    public static PageRequest first() {
        return new PageRequest(Optional.empty(), Optional.empty(), DEFAULT_LIMIT);
    }

    /**
     * @param limit the page size, 1-1000
     * @return the first page
     */
    public static PageRequest first(int limit) {
        return new PageRequest(Optional.empty(), Optional.empty(), limit);
    }

    /**
     * @param id the last id already seen
     * @param limit the page size, 1-1000
     * @return the page after {@code id}
     */
    public static PageRequest after(String id, int limit) {
        return new PageRequest(Optional.of(Inputs.required("after_id", id)), Optional.empty(), limit);
    }

    /**
     * @param id the first id already seen
     * @param limit the page size, 1-1000
     * @return the page before {@code id}
     */
    public static PageRequest before(String id, int limit) {
        return new PageRequest(Optional.empty(), Optional.of(Inputs.required("before_id", id)), limit);
    }
}
