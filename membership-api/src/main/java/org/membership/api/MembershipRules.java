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
 * <p>Presets reproduce the documented APIs:
 * <pre>{@code
 * MembershipRules.flashback()                  // F: workspace admins; no self-removal
 * MembershipRules.paradigmCompany()            // P1: organization admins or higher
 * MembershipRules.paradigmInstance()           // P2: instance admins only
 * MembershipRules.anthropicAdmin()             // A: organization admin keys; organization admins protected
 * MembershipRules.factory()                    // X: organization admins, remove by email
 * MembershipRules.defaults().toBuilder().invitationLifetime(Duration.ofDays(14)).build();
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

    /** @return Flashback's rules (F): workspace admins remove workspace users; no self-removal */
    public static MembershipRules flashback() {
        return defaults();
    }

    /** @return Paradigm's company API rules (P1): organization (company) admins or higher remove from custom workspaces */
    public static MembershipRules paradigmCompany() {
        return defaults().toBuilder()
                .requireAuthority(Operation.REMOVE_WORKSPACE_MEMBER, AuthorityLevel.ORGANIZATION_ADMIN)
                .requireAuthority(Operation.ADD_WORKSPACE_MEMBER, AuthorityLevel.ORGANIZATION_ADMIN)
                .build();
    }

    /** @return Paradigm's instance API rules (P2): only instance admins remove, in any company */
    public static MembershipRules paradigmInstance() {
        return defaults().toBuilder()
                .requireAuthority(Operation.REMOVE_WORKSPACE_MEMBER, AuthorityLevel.INSTANCE_ADMIN)
                .requireAuthority(Operation.ADD_WORKSPACE_MEMBER, AuthorityLevel.INSTANCE_ADMIN)
                .build();
    }

    /**
     * Anthropic's Admin API rules (A): organization admin keys manage workspace members, and
     * organization admins are protected
     * ({@link OrganizationAdminRemoval#BY_INSTANCE_ADMINS_ONLY}): an admin key (or any organization
     * admin) cannot remove one from a workspace, change its workspace role there, or remove it from
     * the organization by email; only an instance admin can.
     *
     * @return Anthropic's Admin API rules
     */
    public static MembershipRules anthropicAdmin() {
        return defaults().toBuilder()
                .organizationAdminRemoval(OrganizationAdminRemoval.BY_INSTANCE_ADMINS_ONLY)
                .requireAuthority(Operation.ADD_WORKSPACE_MEMBER, AuthorityLevel.ORGANIZATION_ADMIN)
                .requireAuthority(Operation.CHANGE_WORKSPACE_ROLE, AuthorityLevel.ORGANIZATION_ADMIN)
                .requireAuthority(Operation.REMOVE_WORKSPACE_MEMBER, AuthorityLevel.ORGANIZATION_ADMIN)
                .requireAuthority(Operation.GET_WORKSPACE_MEMBER, AuthorityLevel.ORGANIZATION_ADMIN)
                .requireAuthority(Operation.LIST_WORKSPACE_MEMBERS, AuthorityLevel.ORGANIZATION_ADMIN)
                .build();
    }

    /** @return Factory's rules (X): organization admins remove users by email; an admin may leave while another admin remains */
    public static MembershipRules factory() {
        return defaults().toBuilder().selfRemoval(SelfRemoval.ALLOWED_WHILE_ANOTHER_ADMIN_REMAINS).build();
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
