package org.membership.api;

/** The state of a user's account as the host reports it. */
public enum UserStatus {
    /** Registered but not yet validated (for example, email not confirmed): may not manage anything. */
    PENDING_VALIDATION,
    /** A normal, validated account. */
    VALIDATED,
    /** Disabled by an operator: treated as unauthenticated everywhere. */
    DISABLED;

    /**
     * @param field the field name to report
     * @param value {@code pending_validation}, {@code validated} or {@code disabled}, in any case
     * @return the status
     * @throws InvalidInputException naming the field if the value is not a status
     */
    public static UserStatus parse(String field, String value) {
        return Enums.parse(UserStatus.class, field, value);
    }
}
