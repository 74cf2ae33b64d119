package org.membership.api;

import java.util.Objects;

/**
 * A member of an organization together with its account: what {@link Command.GetOrganizationMember}
 * and {@link Command.ListOrganizationMembers} answer, so that a host shows a roster (role, email,
 * account status) without looking each member up again.
 *
 * <p>Immutable and thread-safe.
 *
 * @param membership the organization membership: organization, user, role, since when
 * @param user the member's account
 */
public record OrganizationUser(OrganizationMember membership, User user) {
    /**
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the account is not the member's
     */
    public OrganizationUser {
        Objects.requireNonNull(membership, "membership");
        Objects.requireNonNull(user, "user");
        if (!membership.user().equals(user.id())) {
            throw new IllegalArgumentException("the account " + user.id() + " is not the member " + membership.user());
        }
    }

    /** @return the member's organization role, as {@link OrganizationMember#role()} */
    public OrganizationRole role() {
        return membership.role();
    }
}
