package org.membership.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.membership.api.Actor;
import org.membership.api.AuditDetail;
import org.membership.api.AuditEntry;
import org.membership.api.MembershipEvent;
import org.membership.api.Operation;
import org.membership.api.OrganizationId;
import org.membership.core.spi.StoreWrites;

/**
 * What one approved command does besides its writes: its audit entry, written in the same
 * transaction, and the events to publish once that transaction has committed.
 */
final class Change {
    private final Actor actor;
    private final Operation operation;
    private final IdGenerator ids;
    final Instant now;
    final List<MembershipEvent> events = new ArrayList<>(2);

    Change(Actor actor, Operation operation, Instant now, IdGenerator ids) {
        this.actor = actor;
        this.operation = operation;
        this.now = now;
        this.ids = ids;
    }

    String newId() {
        return ids.next();
    }

    /** Appends the change's audit entry: what it did, typed, from the same facts as its events. */
    void audit(StoreWrites tx, Optional<OrganizationId> organization, AuditDetail detail, String reason) {
        tx.appendAudit(new AuditEntry(0, now, actor.describe(), operation, organization, detail, reason));
    }

    void publish(MembershipEvent event) {
        events.add(event);
    }
}
