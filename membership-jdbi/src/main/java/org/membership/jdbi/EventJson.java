package org.membership.jdbi;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.membership.api.Email;
import org.membership.api.Invitation;
import org.membership.api.InvitationId;
import org.membership.api.InvitationStatus;
import org.membership.api.MembershipEvent;
import org.membership.api.Organization;
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationMember;
import org.membership.api.OrganizationRole;
import org.membership.api.User;
import org.membership.api.UserId;
import org.membership.api.UserStatus;
import org.membership.api.Workspace;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceKind;
import org.membership.api.WorkspaceMember;
import org.membership.api.WorkspaceRole;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The change feed's stored form of each {@link MembershipEvent}: its type name (the record's simple
 * name, the {@code type} column) and a JSON object of its fields (the {@code payload} column), the
 * shape a change-data-capture pipeline would ship on. Field names are the records' component names;
 * ids and emails are strings, instants ISO-8601 strings exact to the nanosecond, enums lower-case
 * names. Reading ignores fields it does not know, so a later version may add some.
 *
 * <p>Stateless and thread-safe.
 */
final class EventJson {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** How one event type is written and read. */
    private record Codec<E extends MembershipEvent>(Class<E> type, BiConsumer<E, ObjectNode> write,
                                                    Function<JsonNode, E> read) {
        @SuppressWarnings("unchecked")
        void encode(MembershipEvent event, ObjectNode into) {
            write.accept((E) event, into);
        }
    }

    private static final Map<Class<?>, Codec<?>> BY_TYPE = new HashMap<>();
    private static final Map<String, Codec<?>> BY_NAME = new HashMap<>();

    static {
        add(new Codec<>(MembershipEvent.UserRegistered.class,
                (e, o) -> {
                    user(o.putObject("user"), e.user());
                    o.put("at", e.at().toString());
                },
                n -> new MembershipEvent.UserRegistered(user(n.get("user")), at(n))));
        add(new Codec<>(MembershipEvent.UserStatusChanged.class,
                (e, o) -> {
                    o.put("user", e.user().value());
                    o.put("from", name(e.from()));
                    o.put("to", name(e.to()));
                    o.put("at", e.at().toString());
                },
                n -> new MembershipEvent.UserStatusChanged(UserId.of(text(n, "user")),
                        value(UserStatus.class, n, "from"), value(UserStatus.class, n, "to"), at(n))));
        add(new Codec<>(MembershipEvent.OrganizationCreated.class,
                (e, o) -> {
                    organization(o.putObject("organization"), e.organization());
                    o.put("firstAdmin", e.firstAdmin().value());
                    o.put("at", e.at().toString());
                },
                n -> new MembershipEvent.OrganizationCreated(organization(n.get("organization")),
                        UserId.of(text(n, "firstAdmin")), at(n))));
        add(new Codec<>(MembershipEvent.WorkspaceCreated.class,
                (e, o) -> {
                    workspace(o.putObject("workspace"), e.workspace());
                    o.put("at", e.at().toString());
                },
                n -> new MembershipEvent.WorkspaceCreated(workspace(n.get("workspace")), at(n))));
        add(new Codec<>(MembershipEvent.WorkspaceMemberAdded.class,
                (e, o) -> {
                    o.put("organization", e.organization().value());
                    workspaceMember(o.putObject("member"), e.member());
                    o.put("at", e.at().toString());
                },
                n -> new MembershipEvent.WorkspaceMemberAdded(OrganizationId.of(text(n, "organization")),
                        workspaceMember(n.get("member")), at(n))));
        add(new Codec<>(MembershipEvent.WorkspaceRoleChanged.class,
                (e, o) -> {
                    o.put("organization", e.organization().value());
                    o.put("workspace", e.workspace().value());
                    o.put("user", e.user().value());
                    o.put("from", name(e.from()));
                    o.put("to", name(e.to()));
                    o.put("at", e.at().toString());
                },
                n -> new MembershipEvent.WorkspaceRoleChanged(OrganizationId.of(text(n, "organization")),
                        WorkspaceId.of(text(n, "workspace")), UserId.of(text(n, "user")),
                        value(WorkspaceRole.class, n, "from"), value(WorkspaceRole.class, n, "to"), at(n))));
        add(new Codec<>(MembershipEvent.WorkspaceMemberRemoved.class,
                (e, o) -> {
                    o.put("organization", e.organization().value());
                    o.put("workspace", e.workspace().value());
                    o.put("user", e.user().value());
                    o.put("at", e.at().toString());
                },
                n -> new MembershipEvent.WorkspaceMemberRemoved(OrganizationId.of(text(n, "organization")),
                        WorkspaceId.of(text(n, "workspace")), UserId.of(text(n, "user")), at(n))));
        add(new Codec<>(MembershipEvent.InvitationSent.class,
                (e, o) -> {
                    invitation(o.putObject("invitation"), e.invitation());
                    o.put("at", e.at().toString());
                },
                n -> new MembershipEvent.InvitationSent(invitation(n.get("invitation")), at(n))));
        add(new Codec<>(MembershipEvent.InvitationAccepted.class,
                (e, o) -> {
                    invitation(o.putObject("invitation"), e.invitation());
                    o.put("user", e.user().value());
                    o.put("at", e.at().toString());
                },
                n -> new MembershipEvent.InvitationAccepted(invitation(n.get("invitation")), UserId.of(text(n, "user")),
                        at(n))));
        add(new Codec<>(MembershipEvent.InvitationRevoked.class,
                (e, o) -> {
                    invitation(o.putObject("invitation"), e.invitation());
                    o.put("at", e.at().toString());
                },
                n -> new MembershipEvent.InvitationRevoked(invitation(n.get("invitation")), at(n))));
        add(new Codec<>(MembershipEvent.OrganizationMemberRemoved.class,
                (e, o) -> {
                    o.put("organization", e.organization().value());
                    o.put("user", e.user().value());
                    ArrayNode workspaces = o.putArray("workspaces");
                    e.workspaces().forEach(w -> workspaces.add(w.value()));
                    e.revokedInvitation().ifPresent(i -> o.put("revokedInvitation", i.value()));
                    o.put("at", e.at().toString());
                },
                n -> {
                    List<WorkspaceId> workspaces = new ArrayList<>();
                    n.get("workspaces").forEach(w -> workspaces.add(WorkspaceId.of(w.stringValue())));
                    JsonNode revoked = n.get("revokedInvitation");
                    return new MembershipEvent.OrganizationMemberRemoved(OrganizationId.of(text(n, "organization")),
                            UserId.of(text(n, "user")), workspaces,
                            revoked == null || revoked.isNull() ? Optional.empty()
                                    : Optional.of(InvitationId.of(revoked.stringValue())), at(n));
                }));
    }

    // ---- managing organizations directly -------------------------------------------------------

    static {
        add(new Codec<>(MembershipEvent.OrganizationMemberAdded.class,
                (e, o) -> {
                    organizationMember(o.putObject("member"), e.member());
                    e.revokedInvitation().ifPresent(i -> o.put("revokedInvitation", i.value()));
                    o.put("at", e.at().toString());
                },
                n -> {
                    JsonNode revoked = n.get("revokedInvitation");
                    return new MembershipEvent.OrganizationMemberAdded(organizationMember(n.get("member")),
                            revoked == null || revoked.isNull() ? Optional.empty()
                                    : Optional.of(InvitationId.of(revoked.stringValue())), at(n));
                }));
        add(new Codec<>(MembershipEvent.OrganizationRoleChanged.class,
                (e, o) -> {
                    o.put("organization", e.organization().value());
                    o.put("user", e.user().value());
                    o.put("from", name(e.from()));
                    o.put("to", name(e.to()));
                    o.put("at", e.at().toString());
                },
                n -> new MembershipEvent.OrganizationRoleChanged(OrganizationId.of(text(n, "organization")),
                        UserId.of(text(n, "user")), value(OrganizationRole.class, n, "from"),
                        value(OrganizationRole.class, n, "to"), at(n))));
        add(new Codec<>(MembershipEvent.UserEmailChanged.class,
                (e, o) -> {
                    o.put("user", e.user().value());
                    o.put("from", e.from().value());
                    o.put("to", e.to().value());
                    o.put("at", e.at().toString());
                },
                n -> new MembershipEvent.UserEmailChanged(UserId.of(text(n, "user")), Email.of(text(n, "from")),
                        Email.of(text(n, "to")), at(n))));
        add(new Codec<>(MembershipEvent.WorkspaceRenamed.class,
                (e, o) -> {
                    o.put("organization", e.organization().value());
                    o.put("workspace", e.workspace().value());
                    o.put("from", e.from());
                    o.put("to", e.to());
                    o.put("at", e.at().toString());
                },
                n -> new MembershipEvent.WorkspaceRenamed(OrganizationId.of(text(n, "organization")),
                        WorkspaceId.of(text(n, "workspace")), text(n, "from"), text(n, "to"), at(n))));
        add(new Codec<>(MembershipEvent.WorkspaceDeleted.class,
                (e, o) -> {
                    o.put("organization", e.organization().value());
                    o.put("workspace", e.workspace().value());
                    ArrayNode members = o.putArray("members");
                    e.members().forEach(m -> members.add(m.value()));
                    o.put("at", e.at().toString());
                },
                n -> {
                    List<UserId> members = new ArrayList<>();
                    n.get("members").forEach(m -> members.add(UserId.of(m.stringValue())));
                    return new MembershipEvent.WorkspaceDeleted(OrganizationId.of(text(n, "organization")),
                            WorkspaceId.of(text(n, "workspace")), members, at(n));
                }));
        add(new Codec<>(MembershipEvent.OrganizationDeleted.class,
                (e, o) -> {
                    organization(o.putObject("organization"), e.organization());
                    o.put("at", e.at().toString());
                },
                n -> new MembershipEvent.OrganizationDeleted(organization(n.get("organization")), at(n))));
    }

    private static void organizationMember(ObjectNode o, OrganizationMember member) {
        o.put("organization", member.organization().value());
        o.put("user", member.user().value());
        o.put("role", name(member.role()));
        o.put("since", member.since().toString());
    }

    private static OrganizationMember organizationMember(JsonNode n) {
        return new OrganizationMember(OrganizationId.of(text(n, "organization")), UserId.of(text(n, "user")),
                value(OrganizationRole.class, n, "role"), instant(n, "since"));
    }

    private EventJson() {}

    private static void add(Codec<?> codec) {
        BY_TYPE.put(codec.type(), codec);
        BY_NAME.put(codec.type().getSimpleName(), codec);
    }

    /** @return the names of the event types this codec knows, for its tests */
    static List<String> knownTypes() {
        return List.copyOf(BY_NAME.keySet());
    }

    /** @return the event's type name, as stored */
    static String type(MembershipEvent event) {
        return event.getClass().getSimpleName();
    }

    /** @return the event's fields as one JSON object */
    static String payload(MembershipEvent event) {
        Codec<?> codec = BY_TYPE.get(event.getClass());
        if (codec == null) {
            throw new IllegalArgumentException("no stored form for " + event.getClass().getName());
        }
        ObjectNode object = JSON.createObjectNode();
        codec.encode(event, object);
        return JSON.writeValueAsString(object);
    }

    /**
     * @return the event stored as {@code type} and {@code payload}
     * @throws IllegalArgumentException if the type is unknown or the payload does not hold such an event
     */
    static MembershipEvent read(String type, String payload) {
        Codec<?> codec = BY_NAME.get(type);
        if (codec == null) {
            throw new IllegalArgumentException("unknown event type " + type
                    + " (written by a newer version of the library?)");
        }
        try {
            return codec.read().apply(JSON.readTree(payload));
        } catch (RuntimeException e) { // JacksonException, a missing field, a value that does not validate
            throw new IllegalArgumentException("stored " + type + " event is not valid: " + payload, e);
        }
    }

    // ---- values ------------------------------------------------------------------------------

    private static String name(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    private static <E extends Enum<E>> E value(Class<E> type, JsonNode node, String field) {
        return Enum.valueOf(type, text(node, field).toUpperCase(Locale.ROOT));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isString()) {
            throw new IllegalArgumentException("field " + field + " is missing or not a string");
        }
        return value.stringValue();
    }

    private static Instant instant(JsonNode node, String field) {
        return Instant.parse(text(node, field));
    }

    private static Instant at(JsonNode node) {
        return instant(node, "at");
    }

    private static void user(ObjectNode o, User user) {
        o.put("id", user.id().value());
        o.put("email", user.email().value());
        o.put("status", name(user.status()));
        o.put("instanceAdmin", user.instanceAdmin());
    }

    private static User user(JsonNode n) {
        return new User(UserId.of(text(n, "id")), Email.of(text(n, "email")), value(UserStatus.class, n, "status"),
                n.get("instanceAdmin").booleanValue());
    }

    private static void organization(ObjectNode o, Organization organization) {
        o.put("id", organization.id().value());
        o.put("name", organization.name());
        o.put("defaultWorkspace", organization.defaultWorkspace().value());
        o.put("createdAt", organization.createdAt().toString());
    }

    private static Organization organization(JsonNode n) {
        return new Organization(OrganizationId.of(text(n, "id")), text(n, "name"),
                WorkspaceId.of(text(n, "defaultWorkspace")), instant(n, "createdAt"));
    }

    private static void workspace(ObjectNode o, Workspace workspace) {
        o.put("id", workspace.id().value());
        o.put("organization", workspace.organization().value());
        o.put("name", workspace.name());
        o.put("kind", name(workspace.kind()));
        o.put("createdAt", workspace.createdAt().toString());
    }

    private static Workspace workspace(JsonNode n) {
        return new Workspace(WorkspaceId.of(text(n, "id")), OrganizationId.of(text(n, "organization")), text(n, "name"),
                value(WorkspaceKind.class, n, "kind"), instant(n, "createdAt"));
    }

    private static void workspaceMember(ObjectNode o, WorkspaceMember member) {
        o.put("workspace", member.workspace().value());
        o.put("user", member.user().value());
        o.put("role", name(member.role()));
        o.put("since", member.since().toString());
    }

    private static WorkspaceMember workspaceMember(JsonNode n) {
        return new WorkspaceMember(WorkspaceId.of(text(n, "workspace")), UserId.of(text(n, "user")),
                value(WorkspaceRole.class, n, "role"), instant(n, "since"));
    }

    private static void invitation(ObjectNode o, Invitation invitation) {
        o.put("id", invitation.id().value());
        o.put("organization", invitation.organization().value());
        o.put("email", invitation.email().value());
        o.put("role", name(invitation.role()));
        o.put("status", name(invitation.storedStatus()));
        o.put("createdAt", invitation.createdAt().toString());
        o.put("expiresAt", invitation.expiresAt().toString());
    }

    private static Invitation invitation(JsonNode n) {
        return new Invitation(InvitationId.of(text(n, "id")), OrganizationId.of(text(n, "organization")),
                Email.of(text(n, "email")), value(OrganizationRole.class, n, "role"),
                value(InvitationStatus.class, n, "status"), instant(n, "createdAt"), instant(n, "expiresAt"));
    }
}
