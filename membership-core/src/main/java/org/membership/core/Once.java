package org.membership.core;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * A fact a decision reads at most once, when a policy first asks for it; later asks get the same
 * value. So a command reads exactly what the policies it reaches need, in the order they need it.
 * Not thread-safe: one decision runs on one thread.
 */
final class Once<T> implements Supplier<T> {
    private Supplier<T> source;
    private T value;

    private Once(Supplier<T> source) {
        this.source = source;
    }

    static <T> Once<T> of(Supplier<T> source) {
        return new Once<>(Objects.requireNonNull(source, "source"));
    }

    @Override
    public T get() {
        if (source != null) {
            value = Objects.requireNonNull(source.get(), "a fact is never null");
            source = null;
        }
        return value;
    }
}
