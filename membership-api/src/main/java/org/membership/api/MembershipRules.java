package org.membership.api;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * The rules that differ between hosts: the minimum {@link AuthorityLevel} per operation, whether
 * an actor may remove itself, who may remove or demote an organization admin, and how long
 * invitations stay acceptable. Everything else (scoping, outranking, last admin,
 * custom-workspace-only removal, invitation matching) always holds.
 *
 * <pre>{@code
 * MembershipRules.defaults().toBuilder().invitationLifetime(Duration.ofDays(14)).build();
 * Presets.flashback()                          // the rules of one documented API (see Presets)
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param requiredAuthority the minimum level per operation; every operation has an entry
 * @param selfRemoval whether actors may remove or demote themselves
 * @param organizationAdminRemoval who may remove an organization admin or change its workspace role
 * @param invitationLifetime how long an invitation stays acceptable
 */
public record MembershipRules(Map<Operation, AuthorityLevel> requiredAuthority, SelfRemoval selfRemoval,
                              OrganizationAdminRemoval organizationAdminRemoval, Duration invitationLifetime) {

    /** @throws InvalidInputException naming the first invalid field */
    public MembershipRules {
        Inputs.required("required_authority", requiredAuthority);
        EnumMap<Operation, AuthorityLevel> copy = new EnumMap<>(Operation.class);
        copy.putAll(requiredAuthority);
        for (Operation op : Operation.values()) {
            if (copy.get(op) == null) {
                throw new InvalidInputException("required_authority",
                        "required_authority has no level for " + op);
            }
        }
        requiredAuthority = Map.copyOf(copy);
        Inputs.required("self_removal", selfRemoval);
        Inputs.required("organization_admin_removal", organizationAdminRemoval);
        Inputs.required("invitation_lifetime", invitationLifetime);
        if (invitationLifetime.isNegative() || invitationLifetime.isZero()) {
            throw new InvalidInputException("invitation_lifetime", "invitation_lifetime must be positive");
        }
    }

    /**
     * @param operation an operation
     * @return the minimum authority level it needs
     */
    public AuthorityLevel requiredAuthority(Operation operation) {
        return requiredAuthority.get(operation);
    }

    /**
     * The library's defaults: each operation's {@link Operation#defaultAuthority()} (workspace admins
     * manage workspace members, organization admins manage the organization, instance admins manage
     * users and organizations, members read their workspaces); no self-removal; organization admins may remove or demote one another, as
     * outranking allows; invitations last 7 days.
     *
     * @return the default rules
     */
    public static MembershipRules defaults() {
        EnumMap<Operation, AuthorityLevel> levels = new EnumMap<>(Operation.class);
        for (Operation operation : Operation.values()) {
            levels.put(operation, operation.defaultAuthority());
        }
        return new MembershipRules(levels, SelfRemoval.FORBIDDEN, OrganizationAdminRemoval.BY_ORGANIZATION_ADMINS,
                Duration.ofDays(7));
    }

    /** @return a builder holding these rules */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds {@link MembershipRules}. Not thread-safe. */
    public static final class Builder {
        private final EnumMap<Operation, AuthorityLevel> levels;
        private SelfRemoval selfRemoval;
        private OrganizationAdminRemoval organizationAdminRemoval;
        private Duration invitationLifetime;

        private Builder(MembershipRules from) {
            this.levels = new EnumMap<>(from.requiredAuthority);
            this.selfRemoval = from.selfRemoval;
            this.organizationAdminRemoval = from.organizationAdminRemoval;
            this.invitationLifetime = from.invitationLifetime;
        }

        /**
         * @param operation the operation
         * @param level the minimum level it needs
         * @return this builder
         */
        public Builder requireAuthority(Operation operation, AuthorityLevel level) {
            levels.put(Inputs.required("operation", operation), Inputs.required("level", level));
            return this;
        }

        /**
         * @param rule whether actors may remove or demote themselves
         * @return this builder
         */
        public Builder selfRemoval(SelfRemoval rule) {
            this.selfRemoval = rule;
            return this;
        }

        /**
         * @param rule who may remove an organization admin or change its workspace role
         * @return this builder
         */
        public Builder organizationAdminRemoval(OrganizationAdminRemoval rule) {
            this.organizationAdminRemoval = rule;
            return this;
        }

        /**
         * @param lifetime how long invitations stay acceptable; positive
         * @return this builder
         */
        public Builder invitationLifetime(Duration lifetime) {
            this.invitationLifetime = lifetime;
            return this;
        }

        /**
         * @return the rules
         * @throws InvalidInputException naming the first invalid field
         */
        public MembershipRules build() {
            return new MembershipRules(levels, selfRemoval, organizationAdminRemoval, invitationLifetime);
        }
    }
}
