package org.membership.api;

import java.time.Instant;

/**
 * A user's membership of an organization.
 *
 * <p>Immutable and thread-safe.
 *
 * @param organization the organization
 * @param user the member
 * @param role member or admin
 * @param since when the membership began
 */
public record OrganizationMember(OrganizationId organization, UserId user, OrganizationRole role, Instant since) {
    /** @throws InvalidInputException naming the first missing field */
    public OrganizationMember {
        Inputs.required("organization_id", organization);
        Inputs.required("user_id", user);
        Inputs.required("role", role);
        Inputs.required("since", since);
    }
}
