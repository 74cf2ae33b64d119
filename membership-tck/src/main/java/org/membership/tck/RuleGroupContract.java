package org.membership.tck;

import org.membership.api.Actor;
import org.membership.core.spi.MembershipStore;
import org.quicktheories.QuickTheory;

/**
 * What every group of the specification's rules (§4) shares: the store it runs on, and how its
 * QuickTheories properties run. Each group ({@link AuthorityRulesContract}, {@link ScopeRulesContract},
 * {@link AdminRulesContract}, {@link TargetRulesContract}, {@link InvitationRulesContract},
 * {@link ChangeRulesContract}, {@link InputRulesContract}, {@link OrganizationRulesContract}) holds the properties of one or two rules,
 * named {@code ruleN_…} after the rule they prove; {@link RulesContract} runs them all.
 *
 * <p><b>Replaying a failure.</b> A falsified property prints its smallest failing example (a
 * readable {@link World.Spec} with the actor and command) and {@code Seed was <n>}. Re-run the
 * same property with that seed: {@code ./mvnw -o verify -pl <module> -am -Dtest=<YourTest>#<rule>
 * -Dsurefire.failIfNoSpecifiedTests=false -DQT_SEED=<n>} (for a group run through
 * {@link RulesContract}, {@code -Dtest='<YourTest>$<Group>#<rule>'}), or pin it while debugging with
 * {@link #configure} ({@code return qt.withFixedSeed(<n>L);}). {@code -DQT_EXAMPLES=<n>} changes how
 * many examples every property tries (default {@link #examples()}).
 *
 * <p>Every example builds its worlds on a fresh {@link #newStore()}. Test methods are public so that
 * a store's test class can override one (for example to add {@code @Disabled} with a reason) and so
 * that self-tests can run a property against a deliberately broken store and expect it to fail.
 *
 * <p>Not thread-safe; JUnit runs one method per instance.
 */
public abstract class RuleGroupContract {
    /** An instance-scoped key: instance admin authority everywhere. */
    protected static final Actor INSTANCE_KEY = Actor.instanceKey("ops");

    /** @return a new, empty store; called once or more per example */
    protected abstract MembershipStore newStore();

    /**
     * @return how many examples a property tries by default; lower it for slow stores. A
     *         {@code QT_EXAMPLES} system property overrides it.
     */
    protected int examples() {
        return 100;
    }

    /**
     * Tunes every property's QuickTheories run; the default changes nothing. Override it to pin a
     * seed while debugging ({@code return qt.withFixedSeed(1234L);}) or to limit shrinking.
     *
     * @param qt the run, with its number of examples set
     * @return the run to use
     */
    protected QuickTheory configure(QuickTheory qt) {
        return qt;
    }

    /** @return a property's run, with {@link #examples()} examples */
    protected final QuickTheory qt() {
        return qt(1);
    }

    /**
     * @param times how many times {@link #examples()} this property tries
     * @return a property's run
     */
    protected final QuickTheory qt(int times) {
        return configure(QuickTheory.qt().withExamples(Integer.getInteger("QT_EXAMPLES", examples()) * times));
    }
}
