package org.membership.jdbi;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.membership.api.AuditDetail;
import org.membership.api.Email;
import org.membership.api.InvalidInputException;
import org.membership.api.InvitationId;
import org.membership.api.Operation;
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationRole;
import org.membership.api.UserId;
import org.membership.api.UserStatus;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceRole;

/**
 * Reads the audit rows that schema versions 1 to 3 wrote, which kept only text (a target and cascade
 * lines), back as typed {@link AuditDetail}s. Each operation wrote one or two known forms; a row whose
 * text is one of its operation's forms becomes that detail, and is kept only if the detail renders back
 * to exactly the stored text. Anything else, and nothing is lost, is {@link AuditDetail.Untyped}.
 *
 * <p>Stateless and thread-safe.
 */
final class LegacyAudit {
    private static final String ID = "([A-Za-z0-9_.:-]+)";
    private static final String WORD = "([a-z_]+)";
    private static final Pattern USER = Pattern.compile("user:" + ID);
    private static final Pattern MEMBER = Pattern.compile("user:" + ID + " in workspace:" + ID);
    private static final Pattern EMAIL = Pattern.compile("email:(\\S+)");
    private static final Pattern EMAIL_AND_USER = Pattern.compile("email:(\\S+) user:" + ID);
    private static final Pattern ORGANIZATION = Pattern.compile("organization:" + ID);
    private static final Pattern WORKSPACE = Pattern.compile("workspace:" + ID);
    private static final Pattern STATUS = Pattern.compile("status " + WORD + "(, instance admin)?");
    private static final Pattern CHANGE = Pattern.compile(WORD + " -> " + WORD);
    private static final Pattern ROLE = Pattern.compile("role " + WORD);
    private static final Pattern ROLE_CHANGE = Pattern.compile("role " + WORD + " -> " + WORD);
    private static final Pattern SENT = Pattern.compile("invitation:" + ID + " as " + WORD);
    private static final Pattern ACCEPTED = Pattern.compile("accepted invitation:" + ID + " as " + WORD);
    private static final Pattern REVOKED = Pattern.compile("revoked invitation:" + ID);
    private static final Pattern REMOVED_FROM = Pattern.compile("removed from workspace:" + ID);
    private static final Pattern DEFAULT_WORKSPACE = Pattern.compile("created default workspace:" + ID);
    private static final Pattern FIRST_ADMIN = Pattern.compile("added admin user:" + ID);

    private LegacyAudit() {}

    /**
     * @param action the row's operation
     * @param target the row's target text
     * @param cascade the row's cascade lines
     * @return the typed detail the row describes, or the text itself as {@link AuditDetail.Untyped}
     */
    static AuditDetail parse(Operation action, String target, List<String> cascade) {
        Optional<AuditDetail> typed;
        try {
            typed = typed(action, target, cascade);
        } catch (InvalidInputException | IllegalArgumentException e) {
            typed = Optional.empty();
        }
        return typed.filter(d -> d.target().equals(target) && d.cascade().equals(cascade))
                .orElseGet(() -> new AuditDetail.Untyped(target, cascade));
    }

    private static Optional<AuditDetail> typed(Operation action, String target, List<String> cascade) {
        String only = cascade.size() == 1 ? cascade.get(0) : null;
        switch (action) {
            case REGISTER_USER: {
                Matcher user = USER.matcher(target);
                Matcher status = only == null ? null : STATUS.matcher(only);
                if (user.matches() && status != null && status.matches()) {
                    return Optional.of(new AuditDetail.UserRegistered(UserId.of(user.group(1)),
                            value(UserStatus.class, status.group(1)), status.group(2) != null));
                }
                return Optional.empty();
            }
            case CHANGE_USER_STATUS: {
                Matcher user = USER.matcher(target);
                Matcher change = only == null || !only.startsWith("status ") ? null
                        : CHANGE.matcher(only.substring("status ".length()));
                if (user.matches() && change != null && change.matches()) {
                    return Optional.of(new AuditDetail.UserStatusChanged(UserId.of(user.group(1)),
                            value(UserStatus.class, change.group(1)), value(UserStatus.class, change.group(2))));
                }
                return Optional.empty();
            }
            case CREATE_ORGANIZATION: {
                Matcher organization = ORGANIZATION.matcher(target);
                if (organization.matches() && cascade.size() == 2) {
                    Matcher workspace = DEFAULT_WORKSPACE.matcher(cascade.get(0));
                    Matcher admin = FIRST_ADMIN.matcher(cascade.get(1));
                    if (workspace.matches() && admin.matches()) {
                        return Optional.of(new AuditDetail.OrganizationCreated(OrganizationId.of(organization.group(1)),
                                WorkspaceId.of(workspace.group(1)), UserId.of(admin.group(1))));
                    }
                }
                return Optional.empty();
            }
            case CREATE_WORKSPACE: {
                Matcher workspace = WORKSPACE.matcher(target);
                return workspace.matches() && cascade.isEmpty()
                        ? Optional.of(new AuditDetail.WorkspaceCreated(WorkspaceId.of(workspace.group(1))))
                        : Optional.empty();
            }
            case ADD_WORKSPACE_MEMBER: {
                Matcher member = MEMBER.matcher(target);
                Matcher role = only == null ? null : ROLE.matcher(only);
                return member.matches() && role != null && role.matches()
                        ? Optional.of(new AuditDetail.AddedToWorkspace(WorkspaceId.of(member.group(2)),
                                UserId.of(member.group(1)), value(WorkspaceRole.class, role.group(1))))
                        : Optional.empty();
            }
            case CHANGE_WORKSPACE_ROLE: {
                Matcher member = MEMBER.matcher(target);
                Matcher role = only == null ? null : ROLE_CHANGE.matcher(only);
                return member.matches() && role != null && role.matches()
                        ? Optional.of(new AuditDetail.RoleChanged(WorkspaceId.of(member.group(2)), UserId.of(member.group(1)),
                                value(WorkspaceRole.class, role.group(1)), value(WorkspaceRole.class, role.group(2))))
                        : Optional.empty();
            }
            case REMOVE_WORKSPACE_MEMBER: {
                Matcher member = MEMBER.matcher(target);
                return member.matches() && cascade.isEmpty()
                        ? Optional.of(new AuditDetail.RemovedFromWorkspace(WorkspaceId.of(member.group(2)),
                                UserId.of(member.group(1))))
                        : Optional.empty();
            }
            case INVITE_TO_ORGANIZATION: {
                Matcher email = EMAIL.matcher(target);
                Matcher sent = only == null ? null : SENT.matcher(only);
                return email.matches() && sent != null && sent.matches()
                        ? Optional.of(new AuditDetail.InvitationSent(InvitationId.of(sent.group(1)), Email.of(email.group(1)),
                                value(OrganizationRole.class, sent.group(2))))
                        : Optional.empty();
            }
            case ACCEPT_INVITATION: {
                Matcher user = USER.matcher(target);
                Matcher accepted = only == null ? null : ACCEPTED.matcher(only);
                return user.matches() && accepted != null && accepted.matches()
                        ? Optional.of(new AuditDetail.InvitationAccepted(InvitationId.of(accepted.group(1)),
                                UserId.of(user.group(1)), value(OrganizationRole.class, accepted.group(2))))
                        : Optional.empty();
            }
            case REVOKE_INVITATION:
                return revoked(target, only);
            case REMOVE_ORGANIZATION_USER: {
                Matcher member = EMAIL_AND_USER.matcher(target);
                if (!member.matches()) {
                    return revoked(target, only);
                }
                List<WorkspaceId> workspaces = new ArrayList<>();
                Optional<InvitationId> invitation = Optional.empty();
                for (int i = 0; i < cascade.size(); i++) {
                    Matcher workspace = REMOVED_FROM.matcher(cascade.get(i));
                    Matcher revoked = REVOKED.matcher(cascade.get(i));
                    if (workspace.matches() && invitation.isEmpty()) {
                        workspaces.add(WorkspaceId.of(workspace.group(1)));
                    } else if (revoked.matches() && i == cascade.size() - 1) {
                        invitation = Optional.of(InvitationId.of(revoked.group(1)));
                    } else {
                        return Optional.empty();
                    }
                }
                return Optional.of(new AuditDetail.RemovedFromOrganization(Email.of(member.group(1)),
                        UserId.of(member.group(2)), workspaces, invitation));
            }
            default:
                return Optional.empty(); // reads never wrote an audit entry
        }
    }

    private static Optional<AuditDetail> revoked(String target, String only) {
        Matcher email = EMAIL.matcher(target);
        Matcher revoked = only == null ? null : REVOKED.matcher(only);
        return email.matches() && revoked != null && revoked.matches()
                ? Optional.of(new AuditDetail.InvitationRevoked(InvitationId.of(revoked.group(1)), Email.of(email.group(1))))
                : Optional.empty();
    }

    private static <E extends Enum<E>> E value(Class<E> type, String name) {
        return Enum.valueOf(type, name.toUpperCase(Locale.ROOT));
    }
}
