package org.membership.api;

/**
 * The id of a user: an opaque string chosen by the host or the id generator, 1-128 characters
 * from {@code A-Z a-z 0-9 _ - . :} (integers, UUIDs and prefixed ids such as {@code user_01ab} all fit).
 * Ordered by its string value, which is the order of keyset pagination.
 *
 * <p>Immutable and thread-safe.
 *
 * @param value the id as the host spells it
 */
public record UserId(String value) implements Comparable<UserId> {
    /** @throws InvalidInputException naming {@code user_id} if the value is null, blank, too long or has other characters */
    public UserId {
        Inputs.id("user_id", value);
    }

    /**
     * @param value the id as the host spells it
     * @return the id
     * @throws InvalidInputException naming {@code user_id} if the value is not a valid id
     */
    public static UserId of(String value) {
        return new UserId(value);
    }

    @Override
    public int compareTo(UserId other) {
        return value.compareTo(other.value);
    }

    /** @return the id with its type, for example {@code UserId[u-42]}; {@link #value()} is the id itself */
    @Override
    public String toString() {
        return "UserId[" + value + "]";
    }
}
