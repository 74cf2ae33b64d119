package org.membership.jdbi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.membership.api.AuditEntry;
import org.membership.api.Command;
import org.membership.api.Email;
import org.membership.api.Invitation;
import org.membership.api.MembershipEvent;
import org.membership.api.MembershipRules;
import org.membership.api.Operation;
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationRole;
import org.membership.api.Page;
import org.membership.api.PageRequest;
import org.membership.core.spi.Slice;
import org.membership.tck.Fixture;

/**
 * Expiry is recorded, so lapsed invitations cannot pile up in the pending index that listing walks:
 * checked on one dialect in the stored rows themselves, with plain SQL. Each test on a new, empty store.
 */
abstract class InvitationExpiryContract {
    private static final Duration LIFETIME = Duration.ofDays(2);

    /** @return a store on a new, empty database (or schema) */
    abstract JdbiStore open();

    /** Called after the test's store is closed: drops what {@link #open()} created, if anything. */
    void afterClose() {}

    private JdbiStore store;
    private Fixture f;

    private void build() {
        store = open();
        f = Fixture.builder(store).rules(MembershipRules.defaults().toBuilder().invitationLifetime(LIFETIME).build())
                .organization("acme", org -> org.admin("alice"))
                .organization("globex", org -> org.admin("gus"))
                .build();
    }

    @AfterEach
    final void closeStore() {
        try {
            if (store != null) {
                store.close();
            }
        } finally {
            afterClose();
        }
    }

    // ---- one invitation ends every lapsed one of its organization -------------------------------

    @Test
    void manyLapsedInvitations_thenOneInvitation_leavesNoLapsedPendingRowInThatOrganization() {
        build();
        for (int i = 0; i < 150; i++) {
            invite("alice", "acme", "a" + i + "@example.com");
        }
        for (int i = 0; i < 20; i++) {
            invite("gus", "globex", "g" + i + "@example.com");
        }
        f.clock().advance(LIFETIME);
        Instant now = f.clock().instant();
        assertEquals(150, lapsedPending("acme", now), "lapsed exactly now, still stored as pending");
        assertEquals(List.of(), listed("acme"), "but already expired for every reader");
        int trail = trail("acme").size();
        int events = f.events().size();

        Invitation sent = invite("alice", "acme", "new@example.com");

        assertEquals(0, lapsedPending("acme", now), "the invitation expired every lapsed one of acme");
        assertEquals(List.of("EXPIRED 150", "PENDING 1"), statusCounts("acme"));
        assertEquals(20, lapsedPending("globex", now), "globex's lapsed invitations wait for globex's next invitation");
        assertEquals(List.of(sent), listed("acme"));
        List<AuditEntry> entries = trail("acme");
        assertEquals(trail + 1, entries.size(), "one audit entry: the invitation; expiry is nobody's change");
        assertEquals(Operation.INVITE_TO_ORGANIZATION, entries.get(entries.size() - 1).action());
        assertEquals(events + 1, f.events().size(), "one event: the invitation sent");
        assertTrue(f.events().get(f.events().size() - 1) instanceof MembershipEvent.InvitationSent);
    }

    // ---- the bound, over a long history ---------------------------------------------------------

    /**
     * Invitations in bursts of varying size, the clock moving on by up to a day and a half between
     * them (the lifetime is two days), for 40 rounds: many more invitations than are ever pending at
     * once. After every invitation no lapsed pending row is left; in between, the lapsed pending rows
     * never outnumber the invitations pending right after the last one was sent.
     */
    @Test
    void lapsedPendingRows_neverOutnumberThePendingOnesAtTheLastInvitation_howeverLongTheHistory() {
        build();
        int[] bursts = {5, 1, 30, 2, 0, 12, 7, 25, 1, 3};
        int[] hoursBetween = {36, 5, 30, 12, 1, 36, 24, 8, 19, 33, 2};
        int sent = 0;
        int pendingAtLastInvitation = 0;
        int mostLapsed = 0;
        for (int round = 0; round < 40; round++) {
            for (int i = 0; i < bursts[round % bursts.length]; i++) {
                invite("alice", "acme", "r" + round + "-" + i + "@example.com");
                sent++;
                assertEquals(0, lapsedPending("acme", f.clock().instant()), "right after an invitation, round " + round);
                pendingAtLastInvitation = statusCount("acme", "PENDING");
            }
            f.clock().advance(Duration.ofHours(hoursBetween[round % hoursBetween.length]));
            int lapsed = lapsedPending("acme", f.clock().instant());
            assertTrue(lapsed <= pendingAtLastInvitation, "round " + round + ": " + lapsed + " lapsed pending rows, "
                    + pendingAtLastInvitation + " pending at the last invitation");
            mostLapsed = Math.max(mostLapsed, lapsed);
        }
        assertEquals(sent, statusCount("acme", "PENDING") + statusCount("acme", "EXPIRED"), "nothing accepted or revoked");
        assertTrue(sent > 3 * mostLapsed, sent + " invitations sent, at most " + mostLapsed + " lapsed rows at once");
        assertTrue(mostLapsed > 0, "the schedule lets invitations lapse between rounds");
    }

    // ---- helpers ------------------------------------------------------------------------------

    private Invitation invite(String admin, String organization, String email) {
        return f.membership().execute(f.actor(admin), new Command.InviteToOrganization(f.organization(organization),
                Email.of(email), OrganizationRole.MEMBER))
                .orElseThrow(refusal -> new AssertionError("inviting " + email + " was refused"));
    }

    private List<Invitation> listed(String organization) {
        Page<Invitation> page = f.membership().execute(f.actor(organization.equals("acme") ? "alice" : "gus"),
                new Command.ListInvitations(f.organization(organization), PageRequest.first(PageRequest.MAX_LIMIT)))
                .orElseThrow();
        assertFalse(page.hasMore());
        return page.items();
    }

    private List<AuditEntry> trail(String organization) {
        return store.read(tx -> tx.auditTrail(Optional.of(f.organization(organization)),
                new Slice(Optional.empty(), Optional.empty(), 10_000)));
    }

    /** @return how many of the organization's rows are stored as pending although their expiry is at or before {@code now} */
    private int lapsedPending(String organization, Instant now) {
        return count("SELECT count(*) FROM ${p}invitations WHERE organization_id = ? AND status = 'PENDING'"
                + " AND expires_at <= ?", f.organization(organization).value(), JdbiTransaction.nanos(now));
    }

    private int statusCount(String organization, String status) {
        return count("SELECT count(*) FROM ${p}invitations WHERE organization_id = ? AND status = ?",
                f.organization(organization).value(), status);
    }

    private List<String> statusCounts(String organization) {
        OrganizationId id = f.organization(organization);
        return store.jdbi().withHandle(h -> h.createQuery(store.statements().t("SELECT status, count(*) FROM ${p}invitations"
                        + " WHERE organization_id = ? GROUP BY status ORDER BY status")).bind(0, id.value())
                .map((rs, ctx) -> rs.getString(1) + " " + rs.getLong(2)).list());
    }

    private int count(String sql, Object... args) {
        return store.jdbi().withHandle(h -> {
            var query = h.createQuery(store.statements().t(sql));
            for (int i = 0; i < args.length; i++) {
                query.bind(i, args[i]);
            }
            return query.mapTo(Integer.class).one();
        });
    }
}
