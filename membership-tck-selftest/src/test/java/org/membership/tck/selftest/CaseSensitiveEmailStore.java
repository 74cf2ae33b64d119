package org.membership.tck.selftest;

import java.lang.reflect.InvocationHandler;
import java.util.Locale;
import java.util.Optional;
import org.membership.api.Email;
import org.membership.api.Invitation;
import org.membership.api.OrganizationId;
import org.membership.core.spi.StoreTransaction;
import org.membership.inmemory.InMemoryStore;

/**
 * A deliberately broken store for the kit's self-tests: it matches emails case-sensitively.
 *
 * <p>Emails reach a store already normalized as {@link Email} values, so comparing {@code value()}
 * with {@code equals} cannot go wrong on its own; a store can only match case-sensitively if what it
 * persists is spelled differently from what it is asked for. This one stores each address with its
 * domain upper-cased, as some mail systems and CRMs display it ({@code ann@EXAMPLE.COM}), and looks
 * users and pending invitations up by comparing that stored text exactly with the normalized value
 * asked for, as {@code WHERE email = ?} on a case-sensitive column would. Everything else is honest,
 * and reading a row back rebuilds an {@code Email} that normalizes again, so rows round-trip equal:
 * only a lookup by email can notice.
 *
 * <p>It wraps an {@link InMemoryStore} and applies the stored spelling and the exact comparison to
 * the rows that store finds. Thread-safe, and wrong on purpose.
 */
final class CaseSensitiveEmailStore extends InMemoryBacked.Lying {

    /** @return the address as this store persists it: the domain upper-cased */
    static String stored(Email email) {
        String value = email.value();
        int at = value.indexOf('@');
        return value.substring(0, at + 1) + value.substring(at + 1).toUpperCase(Locale.ROOT);
    }


    @Override
    InvocationHandler lie(StoreTransaction tx) {
        return (proxy, method, args) -> {
            switch (method.getName()) {
                case "userByEmail" -> {
                    Email asked = (Email) args[0];
                    return tx.userByEmail(asked).filter(u -> matches(u.email(), asked));
                }
                case "pendingInvitation" -> {
                    Email asked = (Email) args[1];
                    Optional<Invitation> found = tx.pendingInvitation((OrganizationId) args[0], asked);
                    return found.filter(i -> matches(i.email(), asked));
                }
                default -> {
                    return honestly(tx, method, args);
                }
            }
        };
    }

    /** The broken comparison: the persisted spelling against the asked value, exactly. */
    private static boolean matches(Email persisted, Email asked) {
        return stored(persisted).equals(asked.value());
    }
}
