package org.membership.examples.http;

import java.util.concurrent.atomic.AtomicLong;
import org.membership.api.InvitationId;
import org.membership.api.OrganizationId;
import org.membership.api.WorkspaceId;
import org.membership.core.IdGenerator;
import org.membership.core.spi.MembershipStore;

/**
 * Counted ids ({@code "1"}, {@code "2"}, …) for the demo dataset, so that the README's walk-through
 * can name Paradigm's organization 1 and workspaces 2 and 3. The server itself hands out
 * {@link RandomIntegerIds}: a counter is unique only within one process.
 *
 * <p>On a durable store the counter resumes after the ids already taken: {@link #resumingAfter}
 * probes the store for the first run of free numbers.
 *
 * <p>Thread-safe.
 */
final class SequentialIds implements IdGenerator {
    private static final int FREE_RUN = 64;

    private final AtomicLong last;

    private SequentialIds(long last) {
        this.last = new AtomicLong(last);
    }

    /** @return a generator whose first id follows every numeric id the store already holds */
    static SequentialIds resumingAfter(MembershipStore store) {
        long lastTaken = store.read(tx -> {
            long taken = 0;
            int free = 0;
            for (long n = 1; free < FREE_RUN; n++) {
                String id = Long.toString(n);
                boolean used = tx.organization(OrganizationId.of(id)).isPresent()
                        || tx.workspace(WorkspaceId.of(id)).isPresent()
                        || tx.invitation(InvitationId.of(id)).isPresent();
                if (used) {
                    taken = n;
                    free = 0;
                } else {
                    free++;
                }
            }
            return taken;
        });
        return new SequentialIds(lastTaken);
    }

    @Override
    public String next() {
        return Long.toString(last.incrementAndGet());
    }
}
