package org.membership.examples.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.membership.api.MembershipEvent;
import org.membership.api.Organization;
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationRole;
import org.membership.api.UserId;
import org.membership.api.UserStatus;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceRole;

/** The access cache on its own: that it caches, and that each event drops exactly what it made stale. */
final class AccessCacheTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final UserId DEV = UserId.of("dev");
    private static final UserId OTHER = UserId.of("other");
    private static final WorkspaceId WS = WorkspaceId.of("ws");
    private static final WorkspaceId WS2 = WorkspaceId.of("ws2");
    private static final OrganizationId ORG = OrganizationId.of("org");

    private final AtomicInteger loads = new AtomicInteger();
    private final AccessCache cache = new AccessCache(new Credentials(), Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(10));

    private Optional<AccessCache.Grant> ask(UserId user, WorkspaceId workspace) {
        return cache.access(user, workspace, () -> {
            loads.incrementAndGet();
            return Optional.of(WorkspaceRole.DEVELOPER);
        });
    }

    // ---- caching ---------------------------------------------------------------------------------

    @Test
    void grant_isLoadedOnceThenServedFromTheCache() {
        ask(DEV, WS);
        ask(DEV, WS);
        assertEquals(1, loads.get());
        assertEquals(1, cache.size());
    }

    @Test
    void withoutTheEvent_aGrantOutlivesTheRemoval() {
        ask(DEV, WS);
        // the membership is gone, but nobody told the cache: the old grant is still served
        Optional<AccessCache.Grant> stale = cache.access(DEV, WS, Optional::empty);
        assertTrue(stale.isPresent());
    }

    @Test
    void refusals_areNotCached() {
        assertTrue(cache.access(DEV, WS, () -> {
            loads.incrementAndGet();
            return Optional.empty();
        }).isEmpty());
        ask(DEV, WS);
        assertEquals(2, loads.get());
    }

    @Test
    void grant_expiresAfterItsTimeToLive() {
        AccessCache shortLived = new AccessCache(new Credentials(), Clock.offset(Clock.fixed(NOW, ZoneOffset.UTC),
                Duration.ZERO), Duration.ZERO);
        shortLived.access(DEV, WS, () -> {
            loads.incrementAndGet();
            return Optional.of(WorkspaceRole.USER);
        });
        shortLived.access(DEV, WS, () -> {
            loads.incrementAndGet();
            return Optional.of(WorkspaceRole.USER);
        });
        assertEquals(2, loads.get());
    }

    // ---- invalidation ------------------------------------------------------------------------------

    @Test
    void workspaceRemoval_dropsOnlyThatUsersGrantForThatWorkspace() {
        ask(DEV, WS);
        ask(DEV, WS2);
        ask(OTHER, WS);
        cache.on(new MembershipEvent.WorkspaceMemberRemoved(ORG, WS, DEV, NOW));
        assertEquals(2, cache.size());
        assertTrue(cache.access(DEV, WS, Optional::empty).isEmpty());
        assertTrue(cache.access(DEV, WS2, Optional::empty).isPresent());
        assertTrue(cache.access(OTHER, WS, Optional::empty).isPresent());
    }

    @Test
    void organizationRemoval_dropsAllOfThatUsersGrants() {
        ask(DEV, WS);
        ask(DEV, WS2);
        ask(OTHER, WS);
        cache.on(new MembershipEvent.OrganizationMemberRemoved(ORG, DEV, List.of(WS), Optional.empty(), NOW));
        assertTrue(cache.access(DEV, WS, Optional::empty).isEmpty());
        assertTrue(cache.access(DEV, WS2, Optional::empty).isEmpty());
        assertTrue(cache.access(OTHER, WS, Optional::empty).isPresent());
    }

    @Test
    void roleChange_dropsTheGrant() {
        ask(DEV, WS);
        cache.on(new MembershipEvent.WorkspaceRoleChanged(ORG, WS, DEV, WorkspaceRole.DEVELOPER, WorkspaceRole.USER, NOW));
        assertTrue(cache.access(DEV, WS, Optional::empty).isEmpty());
    }

    @Test
    void organizationRoleChange_dropsAllOfThatUsersGrants() {
        ask(DEV, WS);
        ask(DEV, WS2);
        ask(OTHER, WS);
        cache.on(new MembershipEvent.OrganizationRoleChanged(ORG, DEV, OrganizationRole.ADMIN, OrganizationRole.MEMBER, NOW));
        assertTrue(cache.access(DEV, WS, Optional::empty).isEmpty());
        assertTrue(cache.access(DEV, WS2, Optional::empty).isEmpty());
        assertTrue(cache.access(OTHER, WS, Optional::empty).isPresent());
    }

    @Test
    void workspaceDeletion_dropsEveryonesGrantForThatWorkspace_evenWithoutAMembership() {
        ask(DEV, WS);
        ask(OTHER, WS);
        ask(DEV, WS2);
        // OTHER reached WS as an organization admin: the event does not name it among the members
        cache.on(new MembershipEvent.WorkspaceDeleted(ORG, WS, List.of(DEV), NOW));
        assertTrue(cache.access(DEV, WS, Optional::empty).isEmpty());
        assertTrue(cache.access(OTHER, WS, Optional::empty).isEmpty());
        assertTrue(cache.access(DEV, WS2, Optional::empty).isPresent());
    }

    @Test
    void organizationDeletion_dropsEveryGrant() {
        ask(DEV, WS);
        ask(OTHER, WS2);
        cache.on(new MembershipEvent.OrganizationDeleted(
                new Organization(ORG, "Org", WorkspaceId.of("ws-default"), NOW), NOW));
        assertEquals(0, cache.size());
    }

    @Test
    void grantLoadedBeforeAWorkspaceDeletionCommitted_isNotStoredAfterIt() {
        cache.access(OTHER, WS, () -> {
            cache.on(new MembershipEvent.WorkspaceDeleted(ORG, WS, List.of(DEV), NOW));
            return Optional.of(WorkspaceRole.ADMIN);
        });
        assertEquals(0, cache.size());
    }

    @Test
    void disabling_dropsGrantsAndForgetsTokens() {
        Credentials credentials = new Credentials();
        AccessCache withTokens = new AccessCache(credentials, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(10));
        String token = credentials.issueUserToken(DEV);
        String otherToken = credentials.issueUserToken(OTHER);
        withTokens.access(DEV, WS, () -> Optional.of(WorkspaceRole.USER));
        withTokens.on(new MembershipEvent.UserStatusChanged(DEV, UserStatus.VALIDATED, UserStatus.DISABLED, NOW));
        assertTrue(withTokens.access(DEV, WS, Optional::empty).isEmpty());
        assertTrue(credentials.resolve(token).isEmpty());
        assertTrue(credentials.resolve(otherToken).isPresent());
    }

    @Test
    void unrelatedEvents_dropNothing() {
        ask(DEV, WS);
        cache.on(new MembershipEvent.WorkspaceMemberRemoved(ORG, WS2, DEV, NOW));
        cache.on(new MembershipEvent.WorkspaceMemberRemoved(ORG, WS, OTHER, NOW));
        assertEquals(1, cache.size());
    }

    // ---- a load racing an invalidation ----------------------------------------------------------------

    @Test
    void grantLoadedBeforeARemovalCommitted_isNotStoredAfterIt() {
        Optional<AccessCache.Grant> answered = cache.access(DEV, WS, () -> {
            // the library read the membership; the removal commits and its event arrives before the load returns
            cache.on(new MembershipEvent.WorkspaceMemberRemoved(ORG, WS, DEV, NOW));
            return Optional.of(WorkspaceRole.DEVELOPER);
        });
        assertTrue(answered.isPresent(), "the request that raced the removal may still see the old state");
        assertEquals(0, cache.size());
        assertTrue(cache.access(DEV, WS, Optional::empty).isEmpty());
    }
}
