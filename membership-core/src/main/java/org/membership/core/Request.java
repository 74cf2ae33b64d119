package org.membership.core;

import java.time.Instant;
import org.membership.api.MembershipRules;
import org.membership.core.spi.StoreTransaction;

/**
 * One command being decided: the transaction it reads in, the locks it takes, who asks (already
 * authenticated), when, and under which rules.
 */
record Request(StoreTransaction tx, Locks locks, Caller caller, Instant now, MembershipRules rules) {}
