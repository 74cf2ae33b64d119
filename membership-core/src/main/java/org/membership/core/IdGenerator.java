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
 * <p>Implementations must be thread-safe and never return an id twice, not even one whose
 * organization was deleted since: a deleted organization's audit trail and events stay in the store
 * under its id, and a new organization given that id would read them as its own. An id that a live
 * row holds is refused by the store and drawn again; a deleted organization's id is not. A counter
 * like the one above must therefore survive restarts without going back.
 */
@FunctionalInterface
public interface IdGenerator {
    /** @return a new id: 1-128 characters from {@code A-Z a-z 0-9 _ - . :} */
    String next();
}
