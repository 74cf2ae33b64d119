package org.membership.api;

/** Where an invitation is in its life: pending, then accepted, revoked or expired. */
public enum InvitationStatus {
    /** Waiting to be accepted; never counts as a member or an admin. */
    PENDING,
    /** Accepted: the invitee became a member. */
    ACCEPTED,
    /** Revoked by an admin, or by removing the invitee's email from the organization. */
    REVOKED,
    /** Its lifetime passed before it was accepted. */
    EXPIRED
}
