package org.membership.tck.selftest;

import java.lang.reflect.InvocationHandler;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import org.membership.api.OrganizationId;
import org.membership.api.OrganizationMember;
import org.membership.api.OrganizationRole;
import org.membership.api.WorkspaceId;
import org.membership.api.WorkspaceMember;
import org.membership.api.WorkspaceRole;
import org.membership.core.spi.Slice;
import org.membership.core.spi.StoreTransaction;
import org.membership.inmemory.InMemoryStore;

/**
 * A deliberately broken store for the kit's self-tests: its admin counts count every admin, whatever
 * the account's status, as the counts did before rule 6 was about usable admins. A disabled or
 * unvalidated admin then keeps the last usable one removable, and the last usable one can be
 * disabled while a disabled one remains.
 *
 * <p>It wraps an {@link InMemoryStore} and counts admins by walking the roster (slow, and honest
 * about everything but the status). Thread-safe, and wrong on purpose.
 */
final class StatusBlindAdminCountStore extends InMemoryBacked.Lying {


    @Override
    InvocationHandler lie(StoreTransaction tx) {
        return (proxy, method, args) -> {
            switch (method.getName()) {
                case "countOrganizationAdmins" -> {
                    OrganizationId organization = (OrganizationId) args[0];
                    return count(s -> tx.organizationMembers(organization, s),
                            (OrganizationMember m) -> m.role() == OrganizationRole.ADMIN, m -> m.user().value());
                }
                case "countWorkspaceAdmins" -> {
                    WorkspaceId workspace = (WorkspaceId) args[0];
                    return count(s -> tx.workspaceMembers(workspace, s),
                            (WorkspaceMember m) -> m.role() == WorkspaceRole.ADMIN, m -> m.user().value());
                }
                default -> {
                    return honestly(tx, method, args);
                }
            }
        };
    }

    private static <M> int count(Function<Slice, List<M>> page, Predicate<M> admin, Function<M, String> key) {
        int admins = 0;
        Optional<String> after = Optional.empty();
        while (true) {
            List<M> members = page.apply(new Slice(after, Optional.empty(), 100));
            admins += (int) members.stream().filter(admin).count();
            if (members.size() < 100) {
                return admins;
            }
            after = Optional.of(key.apply(members.get(members.size() - 1)));
        }
    }
}
