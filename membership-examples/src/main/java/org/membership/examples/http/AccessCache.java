package org.membership.examples.http;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.membership.api.FeedEvent;
import org.membership.api.FeedListener;
import org.membership.api.FeedPosition;
import org.membership.api.MembershipEvent;
import org.membership.api.MembershipListener;
import org.membership.api.Subscription;
import org.membership.api.UserId;
import org.membership.api.UserStatus;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceRole;

/**
 * Who may use which workspace, cached the way a real host caches it (a session's workspace list,
 * a gateway's authorization cache) — and emptied by the library's events, from this process and
 * from every other process on the same database, so a removed user's token fails the workspace's
 * check on the very next request to any instance.
 *
 * <p>Only grants are cached, for {@link #DEFAULT_TIME_TO_LIVE}; a refusal is always asked again.
 * Events drop the entries a committed change made stale: a workspace removal or role change drops
 * that user's entry for that workspace; a removal from an organization, a change of organization
 * role or a status change drops all of the user's entries (more than needed, never less), and
 * disabling an account also forgets its tokens; deleting a workspace drops everyone's entries for it,
 * and deleting an organization every entry. They arrive two ways: as a {@link MembershipListener}, at once, for changes this process
 * made; and as the {@link FeedListener} of a change-feed consumer delivered to every instance
 * ({@link #following}), for every change any process committed. Before answering from the cache it
 * catches that consumer up ({@link Subscription#catchUp}: one read of the feed's head when nothing
 * changed), so a grant is never served after a removal another instance committed; if the feed cannot
 * be caught up in time, the grant is loaded afresh instead.
 *
 * <p>Thread-safe.
 */
final class AccessCache implements MembershipListener, FeedListener {
    /** How long a check waits for the feed before it stops trusting the cache. */
    static final Duration CATCH_UP = Duration.ofSeconds(2);
    static final Duration DEFAULT_TIME_TO_LIVE = Duration.ofMinutes(10);

    /** A cached grant: the user may use the workspace, with this role, until {@code expires}. */
    record Grant(WorkspaceRole role, Instant expires) {}

    private record Key(UserId user, WorkspaceId workspace) {}

    private final Map<Key, Grant> grants = new ConcurrentHashMap<>();
    private final Map<UserId, Long> generations = new ConcurrentHashMap<>();
    /** Bumped when every grant is dropped at once (a gap in the feed); guarded by this. */
    private long epoch;
    private final Credentials credentials;
    private final Clock clock;
    private final Duration timeToLive;
    private volatile Subscription feed;

    /*
     * A check that loads a grant while a removal commits must not store the grant after the
     * removal's event dropped it. Each user has a generation that every invalidation bumps; a
     * loaded grant is stored only if the user's generation (and the cache's epoch, which a gap in the
     * feed bumps) is the one read before loading, and storing and bumping happen under one lock, so a
     * grant read before a removal never outlives it.
     */

    AccessCache(Credentials credentials, Clock clock, Duration timeToLive) {
        this.credentials = credentials;
        this.clock = clock;
        this.timeToLive = timeToLive;
    }

    /**
     * @param loader asks the library for the user's role; empty if the user may not use the workspace
     * @return the grant, from the cache or freshly loaded
     */
    Optional<Grant> access(UserId user, WorkspaceId workspace, Supplier<Optional<WorkspaceRole>> loader) {
        Key key = new Key(user, workspace);
        Instant now = clock.instant();
        // First every change committed so far, by any instance; only then what the cache holds.
        Grant cached = caughtUp() ? grants.get(key) : null;
        if (cached != null && now.isBefore(cached.expires())) {
            return Optional.of(cached);
        }
        long generation = generations.getOrDefault(user, 0L);
        long epochBefore;
        synchronized (this) {
            epochBefore = epoch;
        }
        Optional<WorkspaceRole> loaded = loader.get();
        if (loaded.isEmpty()) {
            return Optional.empty();
        }
        Grant grant = new Grant(loaded.get(), now.plus(timeToLive));
        synchronized (this) {
            if (generations.getOrDefault(user, 0L) == generation && epoch == epochBefore) {
                grants.put(key, grant);
            }
        }
        return Optional.of(grant);
    }

    /** Follows the change feed through this consumer's subscription, from now on. */
    void following(Subscription subscription) {
        this.feed = subscription;
    }

    /** @return whether every change any instance committed so far has reached this cache */
    private boolean caughtUp() {
        Subscription following = feed;
        if (following == null) {
            return true; // a cache of one process, emptied by the listener alone
        }
        try {
            return following.catchUp(CATCH_UP);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (RuntimeException e) {
            return false; // the store could not be read: load afresh, which fails or tells the truth
        }
    }

    /** @return how many grants are cached (for tests and diagnostics) */
    int size() {
        return grants.size();
    }

    @Override
    public void on(FeedEvent event) {
        on(event.event());
    }

    /** Events this cache missed were pruned: it can no longer tell which grants they made stale. */
    @Override
    public synchronized void onGap(FeedPosition after, FeedPosition upTo) {
        epoch++;
        grants.clear();
    }

    @Override
    public void on(MembershipEvent event) {
        if (event instanceof MembershipEvent.WorkspaceMemberRemoved e) {
            drop(e.user(), k -> k.workspace().equals(e.workspace()));
        } else if (event instanceof MembershipEvent.WorkspaceRoleChanged e) {
            drop(e.user(), k -> k.workspace().equals(e.workspace()));
        } else if (event instanceof MembershipEvent.OrganizationMemberRemoved e) {
            drop(e.user(), k -> true);
        } else if (event instanceof MembershipEvent.OrganizationRoleChanged e) {
            // an organization admin reaches every workspace of its organization: its grants followed that role
            drop(e.user(), k -> true);
        } else if (event instanceof MembershipEvent.WorkspaceDeleted e) {
            dropAll(k -> k.workspace().equals(e.workspace()));
        } else if (event instanceof MembershipEvent.OrganizationDeleted e) {
            // the cache does not know which workspaces were the organization's: forget every grant
            dropAll(k -> true);
        } else if (event instanceof MembershipEvent.UserStatusChanged e) {
            drop(e.user(), k -> true);
            if (e.to() == UserStatus.DISABLED) {
                credentials.revokeUser(e.user());
            }
        }
    }

    /**
     * Drops the grants of every user that match; bumps the epoch, as grants of users the event does not
     * name (organization admins, who reach a workspace without a membership of it) go too.
     */
    private synchronized void dropAll(java.util.function.Predicate<Key> which) {
        epoch++;
        grants.keySet().removeIf(which);
    }

    private synchronized void drop(UserId user, java.util.function.Predicate<Key> which) {
        generations.merge(user, 1L, Long::sum);
        grants.keySet().removeIf(k -> k.user().equals(user) && which.test(k));
    }
}
