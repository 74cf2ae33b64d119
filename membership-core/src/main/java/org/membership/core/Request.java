package org.membership.core;

import java.time.Instant;
import org.membership.api.MembershipRules;
import org.membership.core.spi.StoreLocks;
import org.membership.core.spi.StoreReads;

/**
 * One command being decided: the reads and the locks of its transaction (never its writes: a
 * decision writes nothing), who asks (already authenticated), when, and under which rules.
 */
record Request(StoreReads reads, StoreLocks locks, Caller caller, Instant now, MembershipRules rules) {}
