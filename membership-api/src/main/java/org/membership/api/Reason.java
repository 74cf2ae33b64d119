package org.membership.api;

/**
 * Why a command was refused: a stable code for programs, a default message for people, and the
 * HTTP status a host should answer with.
 *
 * <p>Something in another organization is refused with exactly the same reason and message as
 * something that does not exist, so a refusal never reveals that another organization's
 * workspace, user or invitation exists.
 */
public enum Reason {
    /** A field is missing or malformed. */
    INVALID_INPUT("invalid_input", 400, "Bad Request", "The request has an invalid field"),
    /** The actor is unknown or disabled. */
    UNAUTHENTICATED("unauthenticated", 401, "Unauthorized", "The actor is unknown or disabled"),
    /** The actor's account is not validated yet; or, creating an organization, its first admin's account. */
    ACCOUNT_NOT_VALIDATED("account_not_validated", 400, "Bad Request", "User not found or account is not validated"),
    /** The actor's authority level is below the one the operation needs. */
    INSUFFICIENT_AUTHORITY("insufficient_authority", 403, "Forbidden", "Insufficient permissions for this operation"),
    /** The target's authority in this scope is higher than the actor's. */
    OUTRANKED("outranked", 403, "Forbidden", "The target has higher authority than the actor in this scope"),
    /**
     * The target is an organization admin and the rules let only instance admins remove it or
     * change its workspace role ({@link OrganizationAdminRemoval#BY_INSTANCE_ADMINS_ONLY}).
     */
    ORGANIZATION_ADMIN_PROTECTED("organization_admin_protected", 403, "Forbidden",
            "Only an instance admin may remove an organization admin or change its workspace role"),
    /** The actor tried to remove or demote itself and the rules forbid it. */
    SELF_REMOVAL("self_removal", 403, "Forbidden", "Actors may not remove or demote themselves"),
    /** No such organization, or one the actor may not see. */
    ORGANIZATION_NOT_FOUND("organization_not_found", 404, "Not Found", "Organization not found"),
    /** No such workspace, or one the actor may not see. */
    WORKSPACE_NOT_FOUND("workspace_not_found", 404, "Not Found", "Workspace not found"),
    /** No such user, or one the actor may not see. */
    USER_NOT_FOUND("user_not_found", 404, "Not Found", "User not found"),
    /** The user is not a member of the workspace or organization. */
    MEMBER_NOT_FOUND("member_not_found", 404, "Not Found", "User not found in workspace"),
    /** No such invitation, one for someone else, or one the actor may not see. */
    INVITATION_NOT_FOUND("invitation_not_found", 404, "Not Found", "Invitation not found"),
    /** Neither a member nor a pending invitation has that email in the organization. */
    NEITHER_MEMBER_NOR_INVITATION("neither_member_nor_invitation", 404, "Not Found",
            "No member or pending invitation with that email"),
    /** The change would leave a workspace or organization without an admin. */
    LAST_ADMIN("last_admin", 409, "Conflict", "The last admin cannot be removed or demoted"),
    /** Default-workspace membership follows organization membership and cannot change on its own. */
    DEFAULT_WORKSPACE("default_workspace", 409, "Conflict",
            "Default workspace membership follows organization membership"),
    /** The user is already a member. */
    ALREADY_MEMBER("already_member", 409, "Conflict", "The user is already a member"),
    /** A pending invitation for that email already exists. */
    ALREADY_INVITED("already_invited", 409, "Conflict", "A pending invitation for that email already exists"),
    /** A user with that id or email already exists. */
    USER_EXISTS("user_exists", 409, "Conflict", "A user with that id or email already exists"),
    /** The invitation was already accepted or revoked. */
    INVITATION_NOT_PENDING("invitation_not_pending", 409, "Conflict", "The invitation is no longer pending"),
    /** The invitation's lifetime has passed. */
    INVITATION_EXPIRED("invitation_expired", 409, "Conflict", "The invitation has expired");

    private final String code;
    private final int status;
    private final String title;
    private final String defaultMessage;

    Reason(String code, int status, String title, String defaultMessage) {
        this.code = code;
        this.status = status;
        this.title = title;
        this.defaultMessage = defaultMessage;
    }

    /** @return the stable, snake_case code, for example {@code "last_admin"} */
    public String code() {
        return code;
    }

    /** @return the HTTP status a host should answer: 400, 401, 403, 404 or 409 */
    public int status() {
        return status;
    }

    /** @return the HTTP status title, for problem details */
    public String title() {
        return title;
    }

    /** @return the message refusals with this reason carry unless they name a field */
    public String defaultMessage() {
        return defaultMessage;
    }
}
