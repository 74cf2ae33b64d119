package org.membership.api;

/**
 * The rules of the documented APIs this library was built to back, as {@link MembershipRules}: a
 * host that serves one of them starts from its preset; any other host starts from
 * {@link MembershipRules#defaults()}. They are examples of rules, not part of the library's
 * vocabulary: each is {@code defaults()} with a few levels or settings changed, and
 * {@code toBuilder()} changes them further.
 *
 * <pre>{@code
 * Presets.flashback()                  // F: workspace admins; no self-removal
 * Presets.paradigmCompany()            // P1: organization admins or higher
 * Presets.paradigmInstance()           // P2: instance admins only
 * Presets.anthropicAdmin()             // A: organization admin keys; organization admins protected
 * Presets.factory()                    // X: organization admins, remove by email
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class Presets {
    private Presets() {}

    /** @return Flashback's rules (F): workspace admins remove workspace users; no self-removal */
    public static MembershipRules flashback() {
        return MembershipRules.defaults();
    }

    /** @return Paradigm's company API rules (P1): organization (company) admins or higher remove from custom workspaces */
    public static MembershipRules paradigmCompany() {
        return MembershipRules.defaults().toBuilder()
                .requireAuthority(Operation.REMOVE_WORKSPACE_MEMBER, AuthorityLevel.ORGANIZATION_ADMIN)
                .requireAuthority(Operation.ADD_WORKSPACE_MEMBER, AuthorityLevel.ORGANIZATION_ADMIN)
                .build();
    }

    /** @return Paradigm's instance API rules (P2): only instance admins remove, in any company */
    public static MembershipRules paradigmInstance() {
        return MembershipRules.defaults().toBuilder()
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
        return MembershipRules.defaults().toBuilder()
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
        return MembershipRules.defaults().toBuilder().selfRemoval(SelfRemoval.ALLOWED_WHILE_ANOTHER_ADMIN_REMAINS).build();
    }
}
