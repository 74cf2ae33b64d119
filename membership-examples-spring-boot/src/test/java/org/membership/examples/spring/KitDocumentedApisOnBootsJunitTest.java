package org.membership.examples.spring;

import org.membership.core.spi.MembershipStore;
import org.membership.inmemory.InMemoryStore;
import org.membership.tck.DocumentedApisContract;

/** The kit's documented-API contract on Spring Boot's JUnit, as {@link KitStoreContractOnBootsJunitTest} explains. */
final class KitDocumentedApisOnBootsJunitTest extends DocumentedApisContract {
    @Override
    protected MembershipStore newStore() {
        return new InMemoryStore();
    }
}
