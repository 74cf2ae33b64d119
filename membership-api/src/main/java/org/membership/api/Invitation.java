package org.membership.api;

import java.time.Instant;

/**
 * An invitation to join an organization by email with a role.
 *
 * <p>{@link #status()} is the stored status; a pending invitation whose {@link #expiresAt()} has
 * passed is expired even before anything stores that (its organization's next invitation does),
 * so use {@link #statusAt(Instant)}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the invitation's id
 * @param organization the organization it invites to
 * @param email the invitee's normalized email
 * @param role the role the invitee gets on accepting
 * @param status the stored status
 * @param createdAt when it was sent
 * @param expiresAt when it stops being acceptable
 */
public record Invitation(InvitationId id, OrganizationId organization, Email email, OrganizationRole role,
                         InvitationStatus status, Instant createdAt, Instant expiresAt) {
    /** @throws InvalidInputException naming the first invalid field */
    public Invitation {
        Inputs.required("invitation_id", id);
        Inputs.required("organization_id", organization);
        Inputs.required("email", email);
        Inputs.required("role", role);
        Inputs.required("status", status);
        Inputs.required("created_at", createdAt);
        Inputs.required("expires_at", expiresAt);
        if (!expiresAt.isAfter(createdAt)) {
            throw new InvalidInputException("expires_at", "expires_at must be after created_at");
        }
    }

    /**
     * @param now the current time
     * @return the status at {@code now}: {@link InvitationStatus#EXPIRED} for a pending invitation past its expiry
     */
    public InvitationStatus statusAt(Instant now) {
        return status == InvitationStatus.PENDING && !now.isBefore(expiresAt) ? InvitationStatus.EXPIRED : status;
    }

    /**
     * @param newStatus the new stored status
     * @return a copy with {@code newStatus}
     */
    public Invitation withStatus(InvitationStatus newStatus) {
        return new Invitation(id, organization, email, role, newStatus, createdAt, expiresAt);
    }
}
