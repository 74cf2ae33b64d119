package org.membership.core;

import static org.membership.api.AuthorityLevel.INSTANCE_ADMIN;
import static org.membership.api.AuthorityLevel.NONE;

import org.membership.api.AuthorityLevel;
import org.membership.api.Operation;
import org.membership.api.Organization;
import org.membership.api.OrganizationId;
import org.membership.api.Reason;
import org.membership.api.Refusal;
import org.membership.api.Workspace;
import org.membership.api.WorkspaceId;
import org.membership.core.spi.StoreTransaction;

/** The gates commands on a workspace or an organization start with: gate, find, lock, scope, authority. */
final class Access {
    static final Refusal ORGANIZATION_NOT_FOUND = Refusal.of(Reason.ORGANIZATION_NOT_FOUND);
    static final Refusal WORKSPACE_NOT_FOUND = Refusal.of(Reason.WORKSPACE_NOT_FOUND);

    private Access() {}

    /** The steps every workspace command starts with. */
    static final class ToWorkspace {
        Workspace workspace;
        AuthorityLevel level;
        Refusal refusal;

        ToWorkspace(Request r, WorkspaceId id, Operation operation, boolean lock, boolean exemptFromAuthority) {
            StoreTransaction tx = r.tx();
            Caller caller = r.caller();
            AuthorityLevel required = r.rules().requiredAuthority(operation);
            if (!exemptFromAuthority && (refusal = Policies.instanceGate(required, caller)) != null) {
                return;
            }
            workspace = tx.workspace(id).orElse(null);
            if ((refusal = Policies.exists(workspace, WORKSPACE_NOT_FOUND)) != null) {
                return;
            }
            AuthorityLevel inOrganization = Authority.inOrganization(tx, caller, workspace.organization());
            if ((refusal = Policies.inScope(inOrganization, WORKSPACE_NOT_FOUND)) != null) {
                return;
            }
            if (lock) {
                r.locks().lockOrganization(workspace.organization());
                inOrganization = Authority.inOrganization(tx, caller, workspace.organization());
                if ((refusal = Policies.inScope(inOrganization, WORKSPACE_NOT_FOUND)) != null) {
                    return;
                }
            }
            level = Authority.inWorkspace(tx, caller, workspace, inOrganization);
            if (!exemptFromAuthority) {
                refusal = Policies.sufficientAuthority(level, required);
            }
        }
    }

    /** The steps every organization command starts with. */
    static final class ToOrganization {
        Organization organization;
        AuthorityLevel level;
        Refusal refusal;

        ToOrganization(Request r, OrganizationId id, Operation operation, boolean lock, boolean exemptFromAuthority) {
            StoreTransaction tx = r.tx();
            Caller caller = r.caller();
            AuthorityLevel required = r.rules().requiredAuthority(operation);
            if (!exemptFromAuthority && (refusal = Policies.instanceGate(required, caller)) != null) {
                return;
            }
            organization = tx.organization(id).orElse(null);
            if ((refusal = Policies.exists(organization, ORGANIZATION_NOT_FOUND)) != null) {
                return;
            }
            level = Authority.inOrganization(tx, caller, id);
            if ((refusal = Policies.inScope(level, ORGANIZATION_NOT_FOUND)) != null) {
                return;
            }
            if (lock) {
                r.locks().lockOrganization(id);
                level = Authority.inOrganization(tx, caller, id);
                if ((refusal = Policies.inScope(level, ORGANIZATION_NOT_FOUND)) != null) {
                    return;
                }
            }
            if (!exemptFromAuthority) {
                refusal = Policies.sufficientAuthority(level, required);
            }
        }
    }

    /** Rule 1 for operations on no organization (accounts, organizations themselves, the instance trail). */
    static Refusal instanceLevel(Request r, Operation operation) {
        return Policies.sufficientAuthority(r.caller().instance() ? INSTANCE_ADMIN : NONE,
                r.rules().requiredAuthority(operation));
    }
}
