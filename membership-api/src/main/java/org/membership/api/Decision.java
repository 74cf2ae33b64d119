package org.membership.api;

import java.util.Objects;
import java.util.Optional;

/**
 * The answer to a dry run ("may this actor do this now?"): exactly the decision the real call
 * would make against the same state, without any effect.
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface Decision {
    /** @return the refusal, if the command would be refused */
    Optional<Refusal> refusal();

    /** @return whether the command would be carried out */
    default boolean allowed() {
        return refusal().isEmpty();
    }

    /** @return the decision that allows */
    static Decision allow() {
        return Allowed.INSTANCE;
    }

    /**
     * @param refusal why not
     * @return the decision that refuses
     */
    static Decision deny(Refusal refusal) {
        return new Denied(refusal);
    }

    /** The command would be carried out. */
    enum Allowed implements Decision {
        /** The one instance. */
        INSTANCE;

        @Override
        public Optional<Refusal> refusal() {
            return Optional.empty();
        }
    }

    /**
     * The command would be refused.
     *
     * @param why the refusal the real call would return
     */
    record Denied(Refusal why) implements Decision {
        /** @throws NullPointerException if why is null */
        public Denied {
            Objects.requireNonNull(why, "why");
        }

        @Override
        public Optional<Refusal> refusal() {
            return Optional.of(why);
        }
    }
}
