/**
 * What hosts compile against: typed ids, {@link org.membership.api.Email}, the
 * {@link org.membership.api.Command}s an {@link org.membership.api.Actor} asks
 * {@link org.membership.api.Membership} to carry out, what comes back ({@link org.membership.api.Outcome},
 * {@link org.membership.api.Decision}, {@link org.membership.api.Refusal}), the host's
 * {@link org.membership.api.MembershipRules} (and {@link org.membership.api.Presets} for the documented
 * APIs), events and the change feed. No dependencies.
 *
 * <h2>Nulls and bad values</h2>
 *
 * <p>One rule, everywhere in this package:
 * <ul>
 *   <li>A value type that validates what it holds (ids, emails, users, actors, page requests, commands,
 *       rules, and the records a store keeps: organizations, workspaces, memberships, invitations,
 *       audit entries) refuses a missing (null) or malformed field with
 *       {@link org.membership.api.InvalidInputException} naming the field, as a host shows it (for
 *       example {@code user_id}): rule 12, bad input is refused naming the field, with no stack trace.
 *       So a host may build them straight from a request. (A store that reads back a row such a
 *       constructor refuses reports {@link org.membership.api.UnableToPersistException}.)</li>
 *   <li>Every other type (outcomes, decisions, refusals, problem details, pages, events and the feed's
 *       values, audit details, removal results, authority answers, exceptions) and every method takes
 *       non-null arguments, and throws {@link java.lang.NullPointerException} naming the one that is
 *       null: a programming error, documented with {@code @throws NullPointerException}.</li>
 * </ul>
 * Nothing returns null: a lookup that may find nothing returns an {@link java.util.Optional}, a list
 * that may be empty an empty list.
 *
 * <p>Every type here is immutable and thread-safe unless its documentation says otherwise (builders).
 */
package org.membership.api;
