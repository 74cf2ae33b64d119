package org.membership.api;

/** Whether an actor may remove or demote itself. */
public enum SelfRemoval {
    /** Nobody removes or demotes themselves, so nobody locks themselves out (Flashback's rule). */
    FORBIDDEN,
    /**
     * A user may leave (or step down) whatever its authority level, as long as the last-admin
     * rule still holds afterwards: another admin must remain.
     */
    ALLOWED_WHILE_ANOTHER_ADMIN_REMAINS
}
