package org.membership.core;

/**
 * Makes ids for new organizations, workspaces and invitations. Injected so that tests are
 * deterministic and hosts can keep their own id shapes (integers, UUIDs, prefixed ids).
 *
 * <pre>{@code
 * AtomicLong next = new AtomicLong();
 * IdGenerator sequential = () -> Long.toString(next.incrementAndGet());
 * }</pre>
 *
 * <p>Implementations must be thread-safe and never return an id twice.
 */
@FunctionalInterface
public interface IdGenerator {
    /** @return a new id: 1-128 characters from {@code A-Z a-z 0-9 _ - . :} */
    String next();
}
