package org.membership.jdbi;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.membership.api.AuditDetail;
import org.membership.api.Email;
import org.membership.api.InvitationId;
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationRole;
import org.membership.api.UserId;
import org.membership.api.UserStatus;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceRole;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The stored form of an {@link AuditDetail} (the audit trail's {@code detail} column, from schema
 * version 4): one JSON object whose {@code type} is the record's simple name and whose other fields
 * are the record's components, ids and emails as strings, enums as lower-case names, as
 * {@link EventJson} writes events. Reading ignores fields it does not know.
 *
 * <p>Stateless and thread-safe.
 */
final class AuditJson {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** How one detail type is written and read. */
    private record Codec<D extends AuditDetail>(Class<D> type, BiConsumer<D, ObjectNode> write,
                                                Function<JsonNode, D> read) {
        @SuppressWarnings("unchecked")
        void encode(AuditDetail detail, ObjectNode into) {
            write.accept((D) detail, into);
        }
    }

    private static final Map<Class<?>, Codec<?>> BY_TYPE = new HashMap<>();
    private static final Map<String, Codec<?>> BY_NAME = new HashMap<>();

    static {
        add(new Codec<>(AuditDetail.UserRegistered.class,
                (d, o) -> {
                    o.put("user", d.user().value());
                    o.put("status", name(d.status()));
                    o.put("instanceAdmin", d.instanceAdmin());
                },
                n -> new AuditDetail.UserRegistered(UserId.of(text(n, "user")), value(UserStatus.class, n, "status"),
                        flag(n, "instanceAdmin"))));
        add(new Codec<>(AuditDetail.UserStatusChanged.class,
                (d, o) -> {
                    o.put("user", d.user().value());
                    o.put("from", name(d.from()));
                    o.put("to", name(d.to()));
                },
                n -> new AuditDetail.UserStatusChanged(UserId.of(text(n, "user")), value(UserStatus.class, n, "from"),
                        value(UserStatus.class, n, "to"))));
        add(new Codec<>(AuditDetail.OrganizationCreated.class,
                (d, o) -> {
                    o.put("organization", d.organization().value());
                    o.put("defaultWorkspace", d.defaultWorkspace().value());
                    o.put("firstAdmin", d.firstAdmin().value());
                },
                n -> new AuditDetail.OrganizationCreated(OrganizationId.of(text(n, "organization")),
                        WorkspaceId.of(text(n, "defaultWorkspace")), UserId.of(text(n, "firstAdmin")))));
        add(new Codec<>(AuditDetail.WorkspaceCreated.class,
                (d, o) -> o.put("workspace", d.workspace().value()),
                n -> new AuditDetail.WorkspaceCreated(WorkspaceId.of(text(n, "workspace")))));
        add(new Codec<>(AuditDetail.AddedToWorkspace.class,
                (d, o) -> {
                    o.put("workspace", d.workspace().value());
                    o.put("user", d.user().value());
                    o.put("role", name(d.role()));
                },
                n -> new AuditDetail.AddedToWorkspace(WorkspaceId.of(text(n, "workspace")), UserId.of(text(n, "user")),
                        value(WorkspaceRole.class, n, "role"))));
        add(new Codec<>(AuditDetail.RoleChanged.class,
                (d, o) -> {
                    o.put("workspace", d.workspace().value());
                    o.put("user", d.user().value());
                    o.put("from", name(d.from()));
                    o.put("to", name(d.to()));
                },
                n -> new AuditDetail.RoleChanged(WorkspaceId.of(text(n, "workspace")), UserId.of(text(n, "user")),
                        value(WorkspaceRole.class, n, "from"), value(WorkspaceRole.class, n, "to"))));
        add(new Codec<>(AuditDetail.RemovedFromWorkspace.class,
                (d, o) -> {
                    o.put("workspace", d.workspace().value());
                    o.put("user", d.user().value());
                },
                n -> new AuditDetail.RemovedFromWorkspace(WorkspaceId.of(text(n, "workspace")), UserId.of(text(n, "user")))));
        add(new Codec<>(AuditDetail.InvitationSent.class,
                (d, o) -> {
                    o.put("invitation", d.invitation().value());
                    o.put("email", d.email().value());
                    o.put("role", name(d.role()));
                },
                n -> new AuditDetail.InvitationSent(InvitationId.of(text(n, "invitation")), Email.of(text(n, "email")),
                        value(OrganizationRole.class, n, "role"))));
        add(new Codec<>(AuditDetail.InvitationAccepted.class,
                (d, o) -> {
                    o.put("invitation", d.invitation().value());
                    o.put("user", d.user().value());
                    o.put("role", name(d.role()));
                },
                n -> new AuditDetail.InvitationAccepted(InvitationId.of(text(n, "invitation")), UserId.of(text(n, "user")),
                        value(OrganizationRole.class, n, "role"))));
        add(new Codec<>(AuditDetail.InvitationRevoked.class,
                (d, o) -> {
                    o.put("invitation", d.invitation().value());
                    o.put("email", d.email().value());
                },
                n -> new AuditDetail.InvitationRevoked(InvitationId.of(text(n, "invitation")), Email.of(text(n, "email")))));
        add(new Codec<>(AuditDetail.RemovedFromOrganization.class,
                (d, o) -> {
                    o.put("email", d.email().value());
                    o.put("user", d.user().value());
                    ArrayNode workspaces = o.putArray("workspaces");
                    d.workspaces().forEach(w -> workspaces.add(w.value()));
                    d.revokedInvitation().ifPresentOrElse(i -> o.put("revokedInvitation", i.value()),
                            () -> o.putNull("revokedInvitation"));
                },
                n -> {
                    JsonNode revoked = n.get("revokedInvitation");
                    return new AuditDetail.RemovedFromOrganization(Email.of(text(n, "email")), UserId.of(text(n, "user")),
                            strings(n, "workspaces").stream().map(WorkspaceId::of).toList(),
                            revoked == null || revoked.isNull() ? Optional.empty()
                                    : Optional.of(InvitationId.of(revoked.stringValue())));
                }));
        add(new Codec<>(AuditDetail.Untyped.class,
                (d, o) -> {
                    o.put("target", d.target());
                    ArrayNode cascade = o.putArray("cascade");
                    d.cascade().forEach(cascade::add);
                },
                n -> new AuditDetail.Untyped(text(n, "target"), strings(n, "cascade"))));
    }

    // ---- managing organizations directly -------------------------------------------------------

    static {
        add(new Codec<>(AuditDetail.AddedToOrganization.class,
                (d, o) -> {
                    o.put("user", d.user().value());
                    o.put("role", name(d.role()));
                    d.revokedInvitation().ifPresentOrElse(i -> o.put("revokedInvitation", i.value()),
                            () -> o.putNull("revokedInvitation"));
                },
                n -> {
                    JsonNode revoked = n.get("revokedInvitation");
                    return new AuditDetail.AddedToOrganization(UserId.of(text(n, "user")),
                            value(OrganizationRole.class, n, "role"), revoked == null || revoked.isNull()
                                    ? Optional.empty() : Optional.of(InvitationId.of(revoked.stringValue())));
                }));
        add(new Codec<>(AuditDetail.OrganizationRoleChanged.class,
                (d, o) -> {
                    o.put("user", d.user().value());
                    o.put("from", name(d.from()));
                    o.put("to", name(d.to()));
                },
                n -> new AuditDetail.OrganizationRoleChanged(UserId.of(text(n, "user")),
                        value(OrganizationRole.class, n, "from"), value(OrganizationRole.class, n, "to"))));
        add(new Codec<>(AuditDetail.UserEmailChanged.class,
                (d, o) -> {
                    o.put("user", d.user().value());
                    o.put("from", d.from().value());
                    o.put("to", d.to().value());
                },
                n -> new AuditDetail.UserEmailChanged(UserId.of(text(n, "user")), Email.of(text(n, "from")),
                        Email.of(text(n, "to")))));
        add(new Codec<>(AuditDetail.WorkspaceRenamed.class,
                (d, o) -> {
                    o.put("workspace", d.workspace().value());
                    o.put("from", d.from());
                    o.put("to", d.to());
                },
                n -> new AuditDetail.WorkspaceRenamed(WorkspaceId.of(text(n, "workspace")), text(n, "from"),
                        text(n, "to"))));
        add(new Codec<>(AuditDetail.WorkspaceDeleted.class,
                (d, o) -> {
                    o.put("workspace", d.workspace().value());
                    ArrayNode members = o.putArray("members");
                    d.members().forEach(m -> members.add(m.value()));
                },
                n -> new AuditDetail.WorkspaceDeleted(WorkspaceId.of(text(n, "workspace")),
                        strings(n, "members").stream().map(UserId::of).toList())));
        add(new Codec<>(AuditDetail.OrganizationDeleted.class,
                (d, o) -> {
                    o.put("organization", d.organization().value());
                    o.put("name", d.name());
                    o.put("workspaces", d.workspaces());
                    o.put("members", d.members());
                    o.put("workspaceMemberships", d.workspaceMemberships());
                    o.put("invitations", d.invitations());
                },
                n -> new AuditDetail.OrganizationDeleted(OrganizationId.of(text(n, "organization")), text(n, "name"),
                        count(n, "workspaces"), count(n, "members"), count(n, "workspaceMemberships"),
                        count(n, "invitations"))));
    }

    private static int count(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isInt() || value.intValue() < 0) {
            throw new IllegalArgumentException("field " + field + " is missing or not a count");
        }
        return value.intValue();
    }

    private AuditJson() {}

    private static void add(Codec<?> codec) {
        BY_TYPE.put(codec.type(), codec);
        BY_NAME.put(codec.type().getSimpleName(), codec);
    }

    /** @return the names of the detail types this codec knows, for its tests */
    static List<String> knownTypes() {
        return List.copyOf(BY_NAME.keySet());
    }

    /** @return the detail as one JSON object, its type included */
    static String write(AuditDetail detail) {
        Codec<?> codec = BY_TYPE.get(detail.getClass());
        if (codec == null) {
            throw new IllegalArgumentException("no stored form for " + detail.getClass().getName());
        }
        ObjectNode object = JSON.createObjectNode();
        object.put("type", detail.getClass().getSimpleName());
        codec.encode(detail, object);
        return JSON.writeValueAsString(object);
    }

    /**
     * @return the detail stored as {@code json}
     * @throws IllegalArgumentException if its type is unknown or it does not hold such a detail
     */
    static AuditDetail read(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            String type = text(node, "type");
            Codec<?> codec = BY_NAME.get(type);
            if (codec == null) {
                throw new IllegalArgumentException("unknown audit detail type " + type
                        + " (written by a newer version of the library?)");
            }
            return codec.read().apply(node);
        } catch (RuntimeException e) { // JacksonException, a missing field, a value that does not validate
            throw new IllegalArgumentException("stored audit detail is not valid: " + json, e);
        }
    }

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

    private static boolean flag(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isBoolean()) {
            throw new IllegalArgumentException("field " + field + " is missing or not a boolean");
        }
        return value.booleanValue();
    }

    private static List<String> strings(JsonNode node, String field) {
        JsonNode array = node.get(field);
        if (array == null || !array.isArray()) {
            throw new IllegalArgumentException("field " + field + " is missing or not an array");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : array) {
            if (!item.isString()) {
                throw new IllegalArgumentException("field " + field + " holds a value that is not a string");
            }
            out.add(item.stringValue());
        }
        return out;
    }
}
