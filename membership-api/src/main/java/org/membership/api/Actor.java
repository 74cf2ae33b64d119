package org.membership.api;

/**
 * Who is asking. The host authenticates (session, token, API key) and names the actor; the library
 * decides what that actor may do.
 *
 * <ul>
 *   <li>{@link UserActor} — a user; must exist, not be disabled, and be validated to manage anything.</li>
 *   <li>{@link OrganizationKey} — an organization-scoped admin credential (an Admin API key): organization
 *       admin authority inside its organization, nothing outside it.</li>
 *   <li>{@link InstanceKey} — an instance-scoped credential: instance admin authority everywhere.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface Actor {
    /**
     * @param id the authenticated user's id
     * @return the actor for that user
     */
    static Actor user(UserId id) {
        return new UserActor(id);
    }

    /**
     * @param organization the organization the key belongs to
     * @param keyName a name for the key, recorded in the audit trail
     * @return the actor for that key
     */
    static Actor organizationKey(OrganizationId organization, String keyName) {
        return new OrganizationKey(organization, keyName);
    }

    /**
     * @param keyName a name for the key, recorded in the audit trail
     * @return the actor for an instance-scoped key
     */
    static Actor instanceKey(String keyName) {
        return new InstanceKey(keyName);
    }

    /** @return how the audit trail names this actor, for example {@code "user:42"} */
    String describe();

    /** A user, authenticated by the host. @param id the user's id */
    record UserActor(UserId id) implements Actor {
        /** @throws InvalidInputException if the id is missing */
        public UserActor {
            Inputs.required("actor", id);
        }

        @Override
        public String describe() {
            return "user:" + id.value();
        }
    }

    /**
     * An organization-scoped admin key.
     * @param organization the organization it belongs to
     * @param keyName its name
     */
    record OrganizationKey(OrganizationId organization, String keyName) implements Actor {
        /** @throws InvalidInputException if a field is missing or the name is not an id */
        public OrganizationKey {
            Inputs.required("organization_id", organization);
            Inputs.id("key_name", keyName);
        }

        @Override
        public String describe() {
            return "organization-key:" + organization.value() + "/" + keyName;
        }
    }

    /** An instance-scoped key. @param keyName its name */
    record InstanceKey(String keyName) implements Actor {
        /** @throws InvalidInputException if the name is not an id */
        public InstanceKey {
            Inputs.id("key_name", keyName);
        }

        @Override
        public String describe() {
            return "instance-key:" + keyName;
        }
    }
}
