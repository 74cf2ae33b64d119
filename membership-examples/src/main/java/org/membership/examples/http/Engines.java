package org.membership.examples.http;

import java.time.Clock;
import java.util.UUID;
import org.membership.api.Membership;
import org.membership.api.MembershipListener;
import org.membership.api.MembershipRules;
import org.membership.api.OrganizationId;
import org.membership.api.Presets;
import org.membership.core.IdGenerator;
import org.membership.core.MembershipEngine;
import org.membership.core.spi.MembershipStore;

/**
 * The library engines behind the host: one per documented API, each with that API's rules
 * preset, and two for the admin endpoints — all over the same store, with the same clock and the
 * same listener.
 *
 * <p>Immutable and thread-safe (the engines are).
 *
 * @param paradigmCompany P1: company admins or higher remove from custom workspaces
 * @param paradigmInstance P2: instance admins only
 * @param flashback F: workspace admins; no self-removal
 * @param anthropic A: organization admin keys manage workspace members
 * @param factory X: organization admins remove users by email
 * @param adminIntegerIds the admin endpoints, for organizations with integer ids
 * @param adminUuids the admin endpoints, for organizations with UUIDs
 */
record Engines(Membership paradigmCompany, Membership paradigmInstance, Membership flashback, Membership anthropic,
               Membership factory, Membership adminIntegerIds, Membership adminUuids) {

    /*
     * Why several engines: the rules (who may remove, whether one may leave) are a property of an
     * API, not of the data. Paradigm's company API lets company admins remove, its instance API
     * only instance admins, Flashback any workspace admin, and Factory lets an admin leave while
     * another admin remains. A host that serves several of these APIs over one set of memberships
     * builds one engine per API, each with its preset, over one store; every decision still reads
     * the same rows, so the APIs never disagree about who is a member. Engines are cheap: they
     * hold no state but their configuration.
     *
     * Ids of new organizations, workspaces and invitations follow the organization's style:
     * integer ids where the API documents integers (Paradigm), UUIDs elsewhere. The id generator
     * is a property of an engine, so the admin endpoints have one engine per style and pick it by
     * the organization's id.
     */

    static Engines over(MembershipStore store, Clock clock, IdGenerator integerIds, MembershipListener listener) {
        IdGenerator uuids = () -> UUID.randomUUID().toString();
        return new Engines(
                engine(store, clock, uuids, listener, Presets.paradigmCompany()),
                engine(store, clock, uuids, listener, Presets.paradigmInstance()),
                engine(store, clock, uuids, listener, Presets.flashback()),
                engine(store, clock, uuids, listener, Presets.anthropicAdmin()),
                engine(store, clock, uuids, listener, Presets.factory()),
                engine(store, clock, integerIds, listener, MembershipRules.defaults()),
                engine(store, clock, uuids, listener, MembershipRules.defaults()));
    }

    /** @return the admin engine whose ids match the organization's id style */
    Membership adminFor(OrganizationId organization) {
        return isInteger(organization.value()) ? adminIntegerIds : adminUuids;
    }

    static boolean isInteger(String id) {
        return !id.isEmpty() && id.length() <= 18 && id.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static Membership engine(MembershipStore store, Clock clock, IdGenerator ids, MembershipListener listener,
                                     MembershipRules rules) {
        return MembershipEngine.builder(store).rules(rules).clock(clock).ids(ids).listener(listener).build();
    }
}
