package org.membership.core;

import static org.membership.api.AuthorityLevel.INSTANCE_ADMIN;
import static org.membership.api.AuthorityLevel.NONE;

import java.util.Optional;
import org.membership.api.AuthorityLevel;
import org.membership.api.Operation;
import org.membership.api.Organization;
import org.membership.api.OrganizationId;
import org.membership.api.Reason;
import org.membership.api.Refusal;
import org.membership.api.Workspace;
import org.membership.api.WorkspaceId;
import org.membership.core.spi.StoreReads;

/**
 * The gates commands on a workspace or an organization pass through first. Each gate runs, in this
 * order, and stops at the first refusal:
 * <ol>
 *   <li>rule 1: an operation that needs instance authority refuses everyone else before anything is read;</li>
 *   <li>rule 3: the workspace or organization exists and is in the caller's scope, else not found;</li>
 *   <li>for a change: the organization's lock, then rule 3 again under it (the caller may have left, the
 *       workspace or the organization may have been deleted);</li>
 *   <li>rule 1: the caller's level reaches the operation's minimum.</li>
 * </ol>
 * A caller leaving on its own ({@link Exemption#LEAVING}) skips both authority steps, never scope.
 * Stateless; thread-safe.
 */
final class Access {
    static final Refusal ORGANIZATION_NOT_FOUND = Refusal.of(Reason.ORGANIZATION_NOT_FOUND);
    static final Refusal WORKSPACE_NOT_FOUND = Refusal.of(Reason.WORKSPACE_NOT_FOUND);

    private Access() {}

    /** Whether a gate takes the organization's lock: changes do, reads do not. */
    enum Locking { LOCKED, UNLOCKED }

    /** Whether a gate checks the caller's authority: everyone's is checked but a caller leaving on its own. */
    enum Exemption { NONE, LEAVING }

    /**
     * What a workspace gate found.
     *
     * @param workspace the workspace
     * @param level the caller's authority in it
     */
    record ToWorkspace(Workspace workspace, AuthorityLevel level) {}

    /**
     * What an organization gate found.
     *
     * @param organization the organization
     * @param level the caller's authority in it
     */
    record ToOrganization(Organization organization, AuthorityLevel level) {}

    static Gate<ToWorkspace> workspace(Request r, WorkspaceId id, Operation operation, Locking locking,
                                       Exemption exemption) {
        StoreReads tx = r.reads();
        Caller caller = r.caller();
        AuthorityLevel required = r.rules().requiredAuthority(operation);
        boolean checked = exemption == Exemption.NONE;
        Optional<Refusal> refusal = checked ? Policies.instanceGate(required, caller) : Optional.empty();
        if (refusal.isPresent()) {
            return Gate.refused(refusal.get());
        }
        Optional<Workspace> found = tx.workspace(id);
        if (found.isEmpty()) {
            return Gate.refused(WORKSPACE_NOT_FOUND);
        }
        Workspace workspace = found.get();
        AuthorityLevel inOrganization = Authority.inOrganization(tx, caller, workspace.organization());
        refusal = Policies.inScope(inOrganization, WORKSPACE_NOT_FOUND);
        if (refusal.isEmpty() && locking == Locking.LOCKED) {
            r.locks().lockOrganization(workspace.organization());
            // Under the lock the workspace may be gone: deleted, alone or with its organization.
            found = tx.workspace(id);
            if (found.isEmpty()) {
                return Gate.refused(WORKSPACE_NOT_FOUND);
            }
            workspace = found.get();
            inOrganization = Authority.inOrganization(tx, caller, workspace.organization());
            refusal = Policies.inScope(inOrganization, WORKSPACE_NOT_FOUND);
        }
        if (refusal.isPresent()) {
            return Gate.refused(refusal.get());
        }
        AuthorityLevel level = Authority.inWorkspace(tx, caller, workspace, inOrganization);
        refusal = checked ? Policies.sufficientAuthority(level, required) : Optional.empty();
        return refusal.isPresent() ? Gate.refused(refusal.get()) : Gate.passed(new ToWorkspace(workspace, level));
    }

    static Gate<ToOrganization> organization(Request r, OrganizationId id, Operation operation, Locking locking,
                                             Exemption exemption) {
        StoreReads tx = r.reads();
        Caller caller = r.caller();
        AuthorityLevel required = r.rules().requiredAuthority(operation);
        boolean checked = exemption == Exemption.NONE;
        Optional<Refusal> refusal = checked ? Policies.instanceGate(required, caller) : Optional.empty();
        if (refusal.isPresent()) {
            return Gate.refused(refusal.get());
        }
        Optional<Organization> found = tx.organization(id);
        if (found.isEmpty()) {
            return Gate.refused(ORGANIZATION_NOT_FOUND);
        }
        AuthorityLevel level = Authority.inOrganization(tx, caller, id);
        refusal = Policies.inScope(level, ORGANIZATION_NOT_FOUND);
        if (refusal.isEmpty() && locking == Locking.LOCKED) {
            r.locks().lockOrganization(id);
            level = Authority.inOrganization(tx, caller, id);
            refusal = Policies.inScope(level, ORGANIZATION_NOT_FOUND);
            // Under the lock the organization may be gone. A user's membership, read again above, goes
            // with it in the same change; a key's or an instance admin's level reads no row, so read it.
            if (refusal.isEmpty() && !Authority.readsMembership(caller)) {
                found = tx.organization(id);
                refusal = Policies.exists(found, ORGANIZATION_NOT_FOUND);
            }
        }
        if (refusal.isEmpty() && checked) {
            refusal = Policies.sufficientAuthority(level, required);
        }
        return refusal.isPresent() ? Gate.refused(refusal.get()) : Gate.passed(new ToOrganization(found.get(), level));
    }

    /** Rule 1 for operations on no organization (accounts, organizations themselves, the instance trail). */
    static Optional<Refusal> instanceLevel(Request r, Operation operation) {
        return Policies.sufficientAuthority(r.caller().instance() ? INSTANCE_ADMIN : NONE,
                r.rules().requiredAuthority(operation));
    }
}
