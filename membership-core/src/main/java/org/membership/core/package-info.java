/**
 * The engine. Hosts use {@link org.membership.core.MembershipEngine} (built with an
 * {@link org.membership.core.IdGenerator} and {@link org.membership.core.FeedSettings} if the defaults
 * do not suit) and nothing else here: every other class of this package is package-private.
 * {@link org.membership.core.spi} is for store implementors, not for hosts.
 *
 * <p>How a command is decided: {@code Planner} authenticates the actor and hands the command to the
 * planner of its family (workspace members, organizations, invitations, accounts, reads) through an
 * exhaustive switch over {@link org.membership.api.Operation}; each command's checks are an ordered
 * list of named policies ({@code Policy}), run by {@code Policies.firstRefusal}, whose order is the
 * precedence of its refusals; the gates a command passes first ({@code Access}) return what they found
 * or the refusal. Decisions read and lock only, as the SPI's locking protocol sets out; the engine
 * applies an approved change's effect, its audit entry and its events in the same transaction.
 */
package org.membership.core;
