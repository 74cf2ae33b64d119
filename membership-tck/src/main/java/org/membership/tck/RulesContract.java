package org.membership.tck;

import org.junit.jupiter.api.Nested;
import org.membership.core.spi.MembershipStore;
import org.quicktheories.QuickTheory;

/**
 * Every rule of the specification (§4), as QuickTheories properties, by rule group: extend it in a
 * store's test sources and implement {@link #newStore()}, and JUnit runs each group as a nested class
 * on that store, with this class's {@link #examples()} and {@link #configure}.
 *
 * <pre>{@code
 * final class InMemoryRulesTest extends RulesContract {
 *     @Override
 *     protected MembershipStore newStore() {
 *         return new InMemoryStore();
 *     }
 * }
 * }</pre>
 *
 * <table>
 *   <caption>The groups</caption>
 *   <tr><th>nested class</th><th>rule group</th><th>rules</th></tr>
 *   <tr><td>{@link Authority}</td><td>{@link AuthorityRulesContract}</td><td>1 authority, 2 outranking</td></tr>
 *   <tr><td>{@link Scope}</td><td>{@link ScopeRulesContract}</td><td>3 scope, 4 valid actor</td></tr>
 *   <tr><td>{@link Admins}</td><td>{@link AdminRulesContract}</td><td>5 self-removal, 6 last admin</td></tr>
 *   <tr><td>{@link Targets}</td><td>{@link TargetRulesContract}</td><td>7 custom workspaces, 8 target is a member</td></tr>
 *   <tr><td>{@link Invitations}</td><td>{@link InvitationRulesContract}</td><td>9 invitations versus members</td></tr>
 *   <tr><td>{@link Changes}</td><td>{@link ChangeRulesContract}</td><td>10 audit and events, 13 determinism, the dry run</td></tr>
 *   <tr><td>{@link Inputs}</td><td>{@link InputRulesContract}</td><td>11 refusals as values, 12 bad input</td></tr>
 *   <tr><td>{@link Organizations}</td><td>{@link OrganizationRulesContract}</td><td>2, 5, 6, 7, 9 for managing organizations directly, and the deletions' cascades</td></tr>
 * </table>
 *
 * <p>A store may instead extend the groups it wants one by one. Rule 6's race (two admins removing each
 * other at once) and rule 9's accept/revoke race are concurrency properties and live in
 * {@link ConcurrencyContract}; here they hold sequentially. Replaying a failure: see
 * {@link RuleGroupContract}.
 *
 * <p>Not thread-safe; JUnit runs one method per instance.
 */
public abstract class RulesContract {
    /** @return a new, empty store; called once or more per example of every group */
    protected abstract MembershipStore newStore();

    /**
     * @return how many examples a property of every group tries by default; lower it for slow stores.
     *         A {@code QT_EXAMPLES} system property overrides it.
     */
    protected int examples() {
        return 100;
    }

    /**
     * Tunes every property's QuickTheories run, in every group; the default changes nothing.
     *
     * @param qt the run, with its number of examples set
     * @return the run to use
     */
    protected QuickTheory configure(QuickTheory qt) {
        return qt;
    }

    /** Rules 1 and 2, on this contract's store. */
    @Nested
    public class Authority extends AuthorityRulesContract {
        @Override
        protected MembershipStore newStore() {
            return RulesContract.this.newStore();
        }

        @Override
        protected int examples() {
            return RulesContract.this.examples();
        }

        @Override
        protected QuickTheory configure(QuickTheory qt) {
            return RulesContract.this.configure(qt);
        }
    }

    /** Rules 3 and 4, on this contract's store. */
    @Nested
    public class Scope extends ScopeRulesContract {
        @Override
        protected MembershipStore newStore() {
            return RulesContract.this.newStore();
        }

        @Override
        protected int examples() {
            return RulesContract.this.examples();
        }

        @Override
        protected QuickTheory configure(QuickTheory qt) {
            return RulesContract.this.configure(qt);
        }
    }

    /** Rules 5 and 6, on this contract's store. */
    @Nested
    public class Admins extends AdminRulesContract {
        @Override
        protected MembershipStore newStore() {
            return RulesContract.this.newStore();
        }

        @Override
        protected int examples() {
            return RulesContract.this.examples();
        }

        @Override
        protected QuickTheory configure(QuickTheory qt) {
            return RulesContract.this.configure(qt);
        }
    }

    /** Rules 7 and 8, on this contract's store. */
    @Nested
    public class Targets extends TargetRulesContract {
        @Override
        protected MembershipStore newStore() {
            return RulesContract.this.newStore();
        }

        @Override
        protected int examples() {
            return RulesContract.this.examples();
        }

        @Override
        protected QuickTheory configure(QuickTheory qt) {
            return RulesContract.this.configure(qt);
        }
    }

    /** Rule 9, on this contract's store. */
    @Nested
    public class Invitations extends InvitationRulesContract {
        @Override
        protected MembershipStore newStore() {
            return RulesContract.this.newStore();
        }

        @Override
        protected int examples() {
            return RulesContract.this.examples();
        }

        @Override
        protected QuickTheory configure(QuickTheory qt) {
            return RulesContract.this.configure(qt);
        }
    }

    /** Rules 10 and 13 and the dry run, on this contract's store. */
    @Nested
    public class Changes extends ChangeRulesContract {
        @Override
        protected MembershipStore newStore() {
            return RulesContract.this.newStore();
        }

        @Override
        protected int examples() {
            return RulesContract.this.examples();
        }

        @Override
        protected QuickTheory configure(QuickTheory qt) {
            return RulesContract.this.configure(qt);
        }
    }

    /** Rules 11 and 12, on this contract's store. */
    @Nested
    public class Inputs extends InputRulesContract {
        @Override
        protected MembershipStore newStore() {
            return RulesContract.this.newStore();
        }

        @Override
        protected int examples() {
            return RulesContract.this.examples();
        }

        @Override
        protected QuickTheory configure(QuickTheory qt) {
            return RulesContract.this.configure(qt);
        }
    }

    /** Rules 2, 5, 6, 7 and 9 for managing organizations directly, on this contract's store. */
    @Nested
    public class Organizations extends OrganizationRulesContract {
        @Override
        protected MembershipStore newStore() {
            return RulesContract.this.newStore();
        }

        @Override
        protected int examples() {
            return RulesContract.this.examples();
        }

        @Override
        protected QuickTheory configure(QuickTheory qt) {
            return RulesContract.this.configure(qt);
        }
    }
}
