package org.membership.jdbi;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.membership.api.Actor;
import org.membership.api.Command;
import org.membership.api.Email;
import org.membership.api.Invitation;
import org.membership.api.Membership;
import org.membership.api.MembershipRules;
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationRole;
import org.membership.api.Outcome;
import org.membership.api.UserId;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceRole;
import org.membership.core.MembershipEngine;

/**
 * The child process of {@link SqliteCrashTest}: opens a SQLite file that already holds the test's
 * world and changes memberships in a loop until it is killed. Before each call it prints
 * {@code begin <n> <what>}; after the call has returned (so has committed) it prints
 * {@code committed <n> <what>}; each line is flushed at once, so the parent knows every change
 * that committed and the one call, at most, that was under way when the process died.
 *
 * <p>{@code <what>} is one of {@code ws-remove <workspace> <user>}, {@code ws-add <workspace> <user>},
 * {@code org-remove <user>} (by email: the membership, every workspace membership in the
 * organization and any pending invitation), {@code invite <user>}, {@code accept <user>} and
 * {@code revoke <user>} (removal by email of someone who only has a pending invitation).
 *
 * <p>Arguments: file, durability ({@code FULL} or {@code NORMAL}), seed, run number (for unique
 * invitation ids), organization id, admin user, comma-separated member users, comma-separated
 * custom workspace ids. Any refusal is a bug in the test's bookkeeping: the child then exits with 3.
 */
final class CrashingWriter {
    private CrashingWriter() {}

    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        JdbiStore.Durability durability = JdbiStore.Durability.valueOf(args[1]);
        Random random = new Random(Long.parseLong(args[2]));
        String run = args[3];
        OrganizationId org = OrganizationId.of(args[4]);
        Actor admin = Actor.user(UserId.of(args[5]));
        List<String> users = List.of(args[6].split(","));
        List<WorkspaceId> workspaces = new ArrayList<>();
        for (String id : args[7].split(",")) {
            workspaces.add(WorkspaceId.of(id));
        }
        PrintStream out = System.out;
        AtomicLong ids = new AtomicLong();
        JdbiStore store = JdbiStore.sqlite(file, JdbiStore.Options.defaults().durability(durability));
        Membership membership = MembershipEngine.builder(store).rules(MembershipRules.factory())
                .ids(() -> "crash-" + run + "-" + ids.incrementAndGet()).build();
        out.println("ready");
        out.flush();
        for (long n = 1; ; n++) {
            String name = users.get(random.nextInt(users.size()));
            UserId user = UserId.of(name);
            Email email = Email.of(name + "@example.com");
            boolean member = store.read(tx -> tx.organizationMember(org, user)).isPresent();
            java.util.Optional<Invitation> pending = store.read(tx -> tx.pendingInvitation(org, email));
            String what;
            Command<?> command;
            Actor actor = admin;
            if (member) {
                WorkspaceId ws = workspaces.get(random.nextInt(workspaces.size()));
                int roll = random.nextInt(10);
                if (roll < 3) {
                    what = "org-remove " + name;
                    command = new Command.RemoveOrganizationUser(org, email, "crash test");
                } else if (store.read(tx -> tx.workspaceMember(ws, user)).isPresent()) {
                    what = "ws-remove " + ws.value() + " " + name;
                    command = new Command.RemoveWorkspaceMember(ws, user, "crash test");
                } else {
                    what = "ws-add " + ws.value() + " " + name;
                    command = new Command.AddWorkspaceMember(ws, user, WorkspaceRole.USER);
                }
            } else if (pending.isPresent()) {
                if (random.nextInt(4) == 0) {
                    what = "revoke " + name;
                    command = new Command.RemoveOrganizationUser(org, email, "crash test");
                } else {
                    what = "accept " + name;
                    command = new Command.AcceptInvitation(pending.get().id());
                    actor = Actor.user(user);
                }
            } else {
                what = "invite " + name;
                command = new Command.InviteToOrganization(org, email, OrganizationRole.MEMBER);
            }
            out.println("begin " + n + " " + what);
            out.flush();
            Outcome<?> outcome = membership.execute(actor, command);
            if (!outcome.succeeded()) {
                System.err.println("refused: " + what + ": " + outcome);
                System.exit(3);
            }
            out.println("committed " + n + " " + what);
            out.flush();
        }
    }
}
