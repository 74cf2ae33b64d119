package org.membership.api;

/**
 * Receives domain events after the change that caused them has committed, so a host can end the
 * removed user's sessions and revoke API keys at once. Listeners run on the thread that executed
 * the command, in registration order. A listener that throws does not undo the change and does not
 * stop the other listeners; the failure is logged.
 *
 * <p>Implementations must be thread-safe: commands may run on many threads at once.
 */
@FunctionalInterface
public interface MembershipListener {
    /**
     * Called once per event of a committed change.
     *
     * @param event what happened
     */
    void on(MembershipEvent event);
}
