package org.membership.api;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What an actor may do in one workspace, as {@link Command.GetWorkspaceAuthority} answers it: its
 * authority level there, and the workspace operations whose minimum authority, under the host's
 * rules, that level reaches. So a host asks "may this caller administer this workspace?" without
 * dry-running a command it does not mean to run.
 *
 * <p>Authority is only the first of a command's rules: a permitted operation can still be refused for
 * what it acts on (a default workspace, a target who outranks the actor, the last admin).
 *
 * <pre>{@code
 * WorkspaceAuthority mine = membership.execute(actor, new Command.GetWorkspaceAuthority(workspace)).orElseThrow();
 * boolean admin = mine.level().atLeast(AuthorityLevel.WORKSPACE_ADMIN);
 * boolean mayRemove = mine.permits(Operation.REMOVE_WORKSPACE_MEMBER);
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param workspace the workspace
 * @param level the actor's authority there: the highest its account, organization role (or key) and
 *              workspace role give
 * @param permitted the {@link Operation.Scope#WORKSPACE workspace operations} whose minimum authority
 *                  {@code level} reaches, in {@link Operation} order
 */
public record WorkspaceAuthority(WorkspaceId workspace, AuthorityLevel level, Set<Operation> permitted) {
    /** @throws NullPointerException if an argument, or an operation, is null */
    public WorkspaceAuthority {
        Objects.requireNonNull(workspace, "workspace");
        Objects.requireNonNull(level, "level");
        EnumSet<Operation> copy = EnumSet.noneOf(Operation.class);
        for (Operation operation : permitted) {
            copy.add(Objects.requireNonNull(operation, "operation"));
        }
        permitted = Collections.unmodifiableSet(copy);
    }

    /**
     * @param operation an operation
     * @return whether the actor's authority here reaches the operation's minimum
     * @throws NullPointerException if operation is null
     */
    public boolean permits(Operation operation) {
        return permitted.contains(Objects.requireNonNull(operation, "operation"));
    }
}
