package org.membership.examples.spring;

import java.util.List;
import org.membership.api.Actor;
import org.membership.api.Command;
import org.membership.api.Membership;
import org.membership.api.Outcome;
import org.membership.api.Refusal;
import org.membership.api.UserId;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceMember;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The host's own service: closing a project deletes its data and removes its member from the
 * workspace, as one transaction of the application's, which the library's store joins. A refusal
 * rolls the deletion back too. Thread-safe.
 */
@Service
public class ProjectService {
    private final JdbcTemplate jdbc;
    private final Membership membership;

    /**
     * @param jdbc the application's JDBC access, on the same DataSource as the store
     * @param membership the library
     */
    public ProjectService(JdbcTemplate jdbc, Membership membership) {
        this.jdbc = jdbc;
        this.membership = membership;
    }

    /** Thrown to roll the whole transaction back when the library refuses the removal. */
    public static final class RemovalRefused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Refusal refusal;

        RemovalRefused(Refusal refusal) {
            super(refusal.code() + ": " + refusal.message(), null, false, false);
            this.refusal = refusal;
        }

        /** @return why the library refused */
        public Refusal refusal() {
            return refusal;
        }
    }

    /**
     * @param project the project to close
     * @param actor who closes it
     * @param workspace the project's workspace
     * @param member who leaves it with the project
     * @return the removed membership
     * @throws RemovalRefused if the library refuses the removal; nothing was deleted then
     */
    @Transactional
    public WorkspaceMember close(String project, Actor actor, WorkspaceId workspace, UserId member) {
        jdbc.update("DELETE FROM projects WHERE name = ?", project);
        Outcome<WorkspaceMember> removed = membership.execute(actor,
                new Command.RemoveWorkspaceMember(workspace, member, "project " + project + " closed"));
        if (removed instanceof Outcome.Refused<WorkspaceMember> refused) {
            throw new RemovalRefused(refused.why());
        }
        return removed.orElseThrow();
    }

    /** @return the projects that exist */
    @Transactional(readOnly = true)
    public List<String> projects() {
        return jdbc.queryForList("SELECT name FROM projects ORDER BY name", String.class);
    }
}
