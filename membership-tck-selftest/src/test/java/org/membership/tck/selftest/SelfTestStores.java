package org.membership.tck.selftest;

import org.membership.core.spi.MembershipStore;

/** The broken stores, for the self-tests outside this package. */
public final class SelfTestStores {
    private SelfTestStores() {}

    /** @return a store with no transactions at all: see {@link AutoCommitStore} */
    public static MembershipStore autoCommit() {
        return new AutoCommitStore();
    }
}
