package org.membership.core;

import java.util.List;
import java.util.Optional;
import org.membership.api.AuditDetail;
import org.membership.api.Command;
import org.membership.api.MembershipEvent;
import org.membership.api.Reason;
import org.membership.api.Refusal;
import org.membership.api.User;

/**
 * Plans a change of a user's email. Its policies below, in order, are the precedence of its refusals.
 * Stateless; thread-safe.
 */
final class AccountEmailPlanner {
    private static final Refusal USER_NOT_FOUND = Refusal.of(Reason.USER_NOT_FOUND);
    private static final Refusal USER_EXISTS = Refusal.of(Reason.USER_EXISTS);

    private AccountEmailPlanner() {}

    /** Changing a user's email. */
    private static final List<Policy<EmailChange>> CHANGE_EMAIL = List.of(
            Policy.check("the caller has instance-level authority (rule 1)",
                    f -> Access.instanceLevel(f.request, f.command.operation())),
            Policy.check("the user is known", f -> Policies.exists(f.seen.get(), USER_NOT_FOUND)),
            Policy.lock("the user's account, read again under the lock, so that two changes of it take turns",
                    f -> f.before.get()),
            Policy.check("an unchanged email changes nothing; a new one is no other user's, in any case",
                    f -> f.unchanged() ? Optional.empty() : f.taken()));

    static Plan<User> changeEmail(Request r, Command.ChangeUserEmail c) {
        return Plan.decide(CHANGE_EMAIL, new EmailChange(r, c), f -> {
            User before = f.before.get();
            if (f.unchanged()) {
                return (t, change) -> before;
            }
            User after = new User(before.id(), c.email(), before.status(), before.instanceAdmin());
            return (t, change) -> {
                t.updateUserEmail(before.id(), c.email());
                change.audit(t, Optional.empty(), new AuditDetail.UserEmailChanged(before.id(), before.email(), c.email()), "");
                change.publish(new MembershipEvent.UserEmailChanged(before.id(), before.email(), c.email(), change.now));
                return after;
            };
        });
    }

    /** What an email change has found so far, each fact read when first asked. */
    private static final class EmailChange {
        final Request request;
        final Command.ChangeUserEmail command;
        /** The account as read before the lock. */
        final Once<Optional<User>> seen;
        /** The account as read under its lock: reading it takes the lock. */
        final Once<User> before;

        EmailChange(Request r, Command.ChangeUserEmail c) {
            this.request = r;
            this.command = c;
            this.seen = Once.of(() -> r.reads().user(c.user()));
            this.before = Once.of(() -> {
                r.locks().lockUser(c.user());
                return r.reads().user(c.user()).orElseThrow(
                        () -> new IllegalStateException("an account is never deleted, so it is still there under its lock"));
            });
        }

        boolean unchanged() {
            return before.get().email().equals(command.email());
        }

        Optional<Refusal> taken() {
            return Policies.when(request.reads().userByEmail(command.email()).isPresent(), USER_EXISTS);
        }
    }
}
