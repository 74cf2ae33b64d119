package org.membership.core;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.membership.api.Page;
import org.membership.api.PageRequest;
import org.membership.core.spi.Slice;

/** Keyset pagination: asks the store for one item more than the page to learn whether more exist. */
final class Paging {
    private Paging() {}

    static Slice slice(PageRequest request) {
        return new Slice(request.afterId(), request.beforeId(), request.limit() + 1);
    }

    static <T> Page<T> page(List<T> fetched, PageRequest request, Function<T, String> key) {
        boolean hasMore = fetched.size() > request.limit();
        List<T> items = fetched;
        if (hasMore) {
            items = request.beforeId().isPresent()
                    ? fetched.subList(fetched.size() - request.limit(), fetched.size())
                    : fetched.subList(0, request.limit());
        }
        Optional<String> first = items.isEmpty() ? Optional.empty() : Optional.of(key.apply(items.get(0)));
        Optional<String> last = items.isEmpty() ? Optional.empty() : Optional.of(key.apply(items.get(items.size() - 1)));
        return new Page<>(items, first, last, hasMore);
    }
}
