package org.membership.api;

/**
 * A place in the change feed: the number of the last event a reader has seen. Positions are
 * dense and increase in commit order (1, 2, 3, … with no holes but pruned ones), so a reader that
 * stores the position of the last event it handled, and asks for the events after it, never misses
 * one and never sees one twice. {@link #START} comes before every event.
 *
 * <p>A successful change carries the position of its last event ({@link Outcome#position()}); a host
 * can hand it to a client as a consistency token and, on any instance, wait until a consumer has
 * passed it ({@link Subscription#awaitPosition}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param value the position, 0 for {@link #START}
 */
public record FeedPosition(long value) implements Comparable<FeedPosition> {
    /** Before the first event. */
    public static final FeedPosition START = new FeedPosition(0);

    /** @throws InvalidInputException naming {@code position} if the value is negative */
    public FeedPosition {
        if (value < 0) {
            throw new InvalidInputException("position", "position must not be negative");
        }
    }

    /**
     * @param value the position
     * @return the position
     * @throws InvalidInputException naming {@code position} if the value is negative
     */
    public static FeedPosition of(long value) {
        return new FeedPosition(value);
    }

    /**
     * Reads a position a host passed around as text (a header, a cookie, a URL parameter).
     *
     * @param text the decimal digits of {@link #value()}
     * @return the position
     * @throws InvalidInputException naming {@code position} if the text is missing or not 1-18 decimal digits
     */
    public static FeedPosition parse(String text) {
        Inputs.required("position", text);
        if (text.isEmpty() || text.length() > 18 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new InvalidInputException("position", "position must be 1 to 18 decimal digits");
        }
        return new FeedPosition(Long.parseLong(text));
    }

    /**
     * @param other another position
     * @return whether this position comes after {@code other}
     * @throws NullPointerException if other is null
     */
    public boolean isAfter(FeedPosition other) {
        return value > other.value;
    }

    @Override
    public int compareTo(FeedPosition other) {
        return Long.compare(value, other.value);
    }
}
