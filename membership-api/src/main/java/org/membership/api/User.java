package org.membership.api;

/**
 * An account known to the host. Emails are unique across users.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the host's id for the user
 * @param email the user's normalized email
 * @param status whether the account is validated, pending validation or disabled
 * @param instanceAdmin whether the user operates the whole installation
 */
public record User(UserId id, Email email, UserStatus status, boolean instanceAdmin) {
    /** @throws InvalidInputException naming the first missing field */
    public User {
        Inputs.required("user_id", id);
        Inputs.required("email", email);
        Inputs.required("status", status);
    }

    /**
     * @param newStatus the new status
     * @return a copy of this user with {@code newStatus}
     */
    public User withStatus(UserStatus newStatus) {
        return new User(id, email, newStatus, instanceAdmin);
    }
}
