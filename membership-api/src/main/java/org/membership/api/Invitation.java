package org.membership.api;

import java.time.Instant;

/**
 * An invitation to join an organization by email with a role.
 *
 * <p>{@link #storedStatus()} is the status as last stored, not necessarily the effective one: a
 * pending invitation whose {@link #expiresAt()} has passed is expired even before anything stores
 * that (its organization's next invitation does), so ask {@link #statusAt(Instant)} what it is now.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the invitation's id
 * @param organization the organization it invites to
 * @param email the invitee's normalized email
 * @param role the role the invitee gets on accepting
 * @param storedStatus the status as last stored (see {@link #statusAt(Instant)} for the effective one)
 * @param createdAt when it was sent
 * @param expiresAt when it stops being acceptable
 */
public record Invitation(InvitationId id, OrganizationId organization, Email email, OrganizationRole role,
                         InvitationStatus storedStatus, Instant createdAt, Instant expiresAt) {
    /** @throws InvalidInputException naming the first invalid field */
    public Invitation {
        Inputs.required("invitation_id", id);
        Inputs.required("organization_id", organization);
        Inputs.required("email", email);
        Inputs.required("role", role);
        Inputs.required("status", storedStatus);
        Inputs.required("created_at", createdAt);
        Inputs.required("expires_at", expiresAt);
        if (!expiresAt.isAfter(createdAt)) {
            throw new InvalidInputException("expires_at", "expires_at must be after created_at");
        }
    }

    /**
     * @param now the current time
     * @return the effective status at {@code now}: {@link InvitationStatus#EXPIRED} for a stored-pending
     *         invitation past its expiry, else the stored status
     * @throws NullPointerException if now is null
     */
    public InvitationStatus statusAt(Instant now) {
        return storedStatus == InvitationStatus.PENDING && !now.isBefore(expiresAt) ? InvitationStatus.EXPIRED : storedStatus;
    }

    /**
     * @param newStatus the new stored status
     * @return a copy with {@code newStatus} stored
     */
    public Invitation withStoredStatus(InvitationStatus newStatus) {
        return new Invitation(id, organization, email, role, newStatus, createdAt, expiresAt);
    }
}
