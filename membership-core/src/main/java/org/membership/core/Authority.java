package org.membership.core;

import org.membership.api.AuthorityLevel;
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationMember;
import org.membership.api.OrganizationRole;
import org.membership.api.User;
import org.membership.api.Workspace;
import org.membership.api.WorkspaceKind;
import org.membership.api.WorkspaceMember;
import org.membership.api.WorkspaceRole;
import org.membership.core.spi.StoreReads;

/** Works out authority levels from the few rows they depend on. Stateless; thread-safe. */
final class Authority {
    private Authority() {}

    /** The caller's level in an organization; {@code NONE} means the organization is outside its scope. */
    static AuthorityLevel inOrganization(StoreReads tx, Caller caller, OrganizationId organization) {
        if (caller.instance()) {
            return AuthorityLevel.INSTANCE_ADMIN;
        }
        if (caller.keyOrganization().isPresent()) {
            return caller.keyOrganization().get().equals(organization) ? AuthorityLevel.ORGANIZATION_ADMIN : AuthorityLevel.NONE;
        }
        return tx.organizationMember(organization, userOf(caller).id())
                .map(Authority::of).orElse(AuthorityLevel.NONE);
    }

    /**
     * @return whether {@link #inOrganization} reads the caller's membership row: for a user who is no
     *         instance admin; a key's or an instance admin's level comes from the caller alone
     */
    static boolean readsMembership(Caller caller) {
        return !caller.instance() && caller.keyOrganization().isEmpty();
    }

    /** The caller's level in a workspace, given its level in the workspace's organization. */
    static AuthorityLevel inWorkspace(StoreReads tx, Caller caller, Workspace workspace, AuthorityLevel inOrganization) {
        if (inOrganization == AuthorityLevel.NONE || inOrganization.atLeast(AuthorityLevel.ORGANIZATION_ADMIN)) {
            return inOrganization;
        }
        if (workspace.kind() == WorkspaceKind.DEFAULT) {
            return AuthorityLevel.MEMBER;
        }
        return tx.workspaceMember(workspace.id(), userOf(caller).id())
                .map(m -> of(m.role())).orElse(AuthorityLevel.NONE);
    }

    /** @return the user behind a caller that is neither an instance admin nor a key */
    private static User userOf(Caller caller) {
        return caller.user().orElseThrow(() -> new IllegalStateException("a caller with no key is a user"));
    }

    /** A target member's level in a workspace: the highest its account, organization role and workspace role give. */
    static AuthorityLevel ofMember(StoreReads tx, OrganizationId organization, WorkspaceMember member) {
        if (tx.user(member.user()).map(User::instanceAdmin).orElse(false)) {
            return AuthorityLevel.INSTANCE_ADMIN;
        }
        AuthorityLevel inOrganization = tx.organizationMember(organization, member.user())
                .map(Authority::of).orElse(AuthorityLevel.NONE);
        AuthorityLevel inWorkspace = of(member.role());
        return inOrganization.compareTo(inWorkspace) > 0 ? inOrganization : inWorkspace;
    }

    /** A target organization member's level in its organization. */
    static AuthorityLevel ofMember(User user, OrganizationMember member) {
        return user.instanceAdmin() ? AuthorityLevel.INSTANCE_ADMIN : of(member);
    }

    static AuthorityLevel of(OrganizationMember member) {
        return member.role() == OrganizationRole.ADMIN ? AuthorityLevel.ORGANIZATION_ADMIN : AuthorityLevel.MEMBER;
    }

    static AuthorityLevel of(WorkspaceRole role) {
        return role == WorkspaceRole.ADMIN ? AuthorityLevel.WORKSPACE_ADMIN : AuthorityLevel.MEMBER;
    }

    static AuthorityLevel granted(OrganizationRole role) {
        return role == OrganizationRole.ADMIN ? AuthorityLevel.ORGANIZATION_ADMIN : AuthorityLevel.MEMBER;
    }

    /** How a default workspace shows an organization member. */
    static WorkspaceMember asDefaultWorkspaceMember(Workspace workspace, OrganizationMember member) {
        WorkspaceRole role = member.role() == OrganizationRole.ADMIN ? WorkspaceRole.ADMIN : WorkspaceRole.USER;
        return new WorkspaceMember(workspace.id(), member.user(), role, member.since());
    }
}
