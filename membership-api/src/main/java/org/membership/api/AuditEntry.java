package org.membership.api;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One line of the audit trail: who did what to whom, when and why, with the cascade it caused.
 * Written in the same atomic change as the change it describes.
 *
 * <p>Immutable and thread-safe.
 *
 * @param sequence the store's increasing number for the entry (0 before the store assigns one)
 * @param at when the change happened
 * @param actor who asked, as {@link Actor#describe()} spells it
 * @param action the operation carried out
 * @param organization the organization the change belongs to; empty for instance-level changes (accounts, and
 *        deleting an organization, which its own trail would not outlive)
 * @param detail what the change did, typed
 * @param reason the reason the caller gave, possibly empty
 */
public record AuditEntry(long sequence, Instant at, String actor, Operation action, Optional<OrganizationId> organization,
                         AuditDetail detail, String reason) {
    /** @throws InvalidInputException naming the first missing field */
    public AuditEntry {
        Inputs.required("at", at);
        Inputs.required("actor", actor);
        Inputs.required("action", action);
        Inputs.required("organization_id", organization);
        Inputs.required("detail", detail);
        Inputs.required("reason", reason);
    }

    /** @return whom or what the change was done to, as text: {@link AuditDetail#target()} */
    public String target() {
        return detail.target();
    }

    /** @return what else the change did, one line each: {@link AuditDetail#cascade()} */
    public List<String> cascade() {
        return detail.cascade();
    }

    /**
     * @param assigned the sequence number the store assigns
     * @return a copy with that sequence number
     */
    public AuditEntry withSequence(long assigned) {
        return new AuditEntry(assigned, at, actor, action, organization, detail, reason);
    }
}
