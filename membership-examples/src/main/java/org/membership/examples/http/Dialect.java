package org.membership.examples.http;

import java.util.Set;
import org.membership.api.InvalidInputException;
import org.membership.api.Refusal;

/**
 * How one documented API words its answers: each API has its own error body (Paradigm's
 * {@code {"detail":…}}, Flashback's {@code {"success":false,"message":…}}, Anthropic's error
 * envelope, Factory's problem details) and its own set of documented statuses, so the host
 * translates the library's {@link Refusal}s and its own transport errors through one of these.
 *
 * <p>Implementations are stateless and thread-safe.
 */
interface Dialect {
    /** @return the answer to a refusal of the library */
    Response refusal(Refusal refusal);

    /** @return the answer to a missing, malformed or unknown credential */
    Response unauthenticated(boolean missing);

    /** @return the answer to input that could not even be built into a command */
    Response invalidInput(InvalidInputException e);

    /** @return the answer to a malformed body or query */
    Response badRequest(String message);

    /** @return the answer to a path no route knows */
    Response noRoute();

    /** @return the answer to a known path asked with another method */
    Response methodNotAllowed(String method, Set<String> allowed);

    /** @return the answer to a body over the size limit */
    Response tooLarge(int limit);

    /**
     * @param status 400 (the request cannot be parsed), 408 (it did not arrive in time), 414 (its
     *               request line is too long) or 431 (its headers are too large)
     * @param message what was wrong, in the host's words; never an exception's text
     * @return the answer to a request the transport could not read
     */
    Response unreadable(int status, String message);

    /** @return the answer when every worker is busy and the queue of waiting requests is full */
    Response overloaded();

    /** @return the answer to a failure of the store or of this host; never says more than that */
    Response serverError();
}
