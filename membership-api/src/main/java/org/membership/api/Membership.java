package org.membership.api;

/**
 * The library's entry point: carries out commands for actors under the host's
 * {@link MembershipRules}, or says what it would do.
 *
 * <pre>{@code
 * Outcome<WorkspaceMember> removed = membership.execute(
 *         Actor.user(UserId.of("u-admin")),
 *         new Command.RemoveWorkspaceMember(WorkspaceId.of("ws-1"), UserId.of("u-42"), "left the team"));
 * Decision mayI = membership.check(actor, command);   // same decision, no effect
 * }</pre>
 *
 * <p>Implementations are thread-safe.
 */
public interface Membership {
    /**
     * Carries out a command as one atomic change: it either commits with its audit entry and its
     * events in the change feed, and then publishes the events to the listeners, or changes nothing.
     *
     * @param actor who is asking
     * @param command what to do
     * @param <R> the command's result type
     * @return the result, or the refusal
     * @throws NullPointerException if actor or command is null
     * @throws UnableToPersistException if the store failed; nothing was changed
     */
    <R> Outcome<R> execute(Actor actor, Command<R> command);

    /**
     * Dry run: the decision {@link #execute} would make now, with no effect at all (no write, no
     * audit entry, no event, no id consumed).
     *
     * @param actor who is asking
     * @param command what it would do
     * @return allowed, or the refusal {@code execute} would return
     * @throws NullPointerException if actor or command is null
     * @throws UnableToPersistException if the store failed
     */
    Decision check(Actor actor, Command<?> command);

    /**
     * @return the change feed of the store behind this library: every committed change's events in
     *         commit order, and its durable consumers
     */
    ChangeFeed changes();
}
