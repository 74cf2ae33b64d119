package org.membership.examples.spring;

import org.membership.core.spi.MembershipStore;
import org.membership.inmemory.InMemoryStore;
import org.membership.tck.StoreContract;

/**
 * The contract kit in a Spring Boot build, where Boot's dependency management aligns the kit's
 * JUnit Jupiter API with Boot's own JUnit (6, where the kit was compiled against 5): its contracts
 * still run and pass, as the kit's README promises a host. See also {@link KitDocumentedApisOnBootsJunitTest}.
 */
final class KitStoreContractOnBootsJunitTest extends StoreContract {
    @Override
    protected MembershipStore newStore() {
        return new InMemoryStore();
    }
}
