/**
 * The store SPI: what a persistence module implements so that the engine can keep memberships in
 * it. {@link org.membership.core.spi.MembershipStore} runs transactions; a
 * {@link org.membership.core.spi.StoreTransaction} reads and writes rows inside one. The engine
 * decides; a store never applies a rule.
 *
 * <h2>The outbox protocol (the change feed)</h2>
 *
 * <p>Every change that commits writes its events with
 * {@link org.membership.core.spi.StoreTransaction#appendEvents} in the same transaction as the rows
 * it changes and its audit entry: a change and its events commit together or not at all. Readers get
 * them through {@link org.membership.core.spi.MembershipStore#changes}. A store gives every event:
 * <ul>
 *   <li>an <b>id</b> when it is appended, unique and never reused;</li>
 *   <li>a <b>position</b> that follows commit order: positions are dense (1, 2, 3, …; holes only
 *       where events were pruned), the events of one transaction are adjacent and in append order,
 *       and an event that commits after another was readable gets a greater position. Once an event
 *       is readable at a position, that position never changes, and no event ever becomes readable
 *       at a position at or below one already readable. So a reader that asks for the events after
 *       the last position it saw never misses one and never sees one twice.</li>
 * </ul>
 *
 * <p>A store whose writers commit one at a time (SQLite, the in-memory store) can number events as
 * it appends them. A store whose writers commit concurrently cannot: a number taken before commit
 * (an identity or sequence value) may commit after a greater one, and a reader that already passed
 * the greater one would skip it. Such a store assigns positions after commit, to events that are
 * already committed, in one place at a time (PostgreSQL: a sequencer that numbers the committed,
 * not-yet-numbered events under one row lock, grouped by transaction, in append order), and makes
 * {@link org.membership.core.spi.MembershipStore#changes} and
 * {@link org.membership.core.spi.MembershipStore#head} number whatever committed before they read,
 * so that a reader never waits on a writer that died between its commit and its numbering. The
 * {@link org.membership.core.spi.FeedReceipt} of a change then gives its position once the store has
 * numbered it, which it does right after the commit.
 *
 * <p>Consumers' positions, leases and parked events are plain rows
 * ({@link org.membership.core.spi.ConsumerRecord}); a write transaction's
 * {@link org.membership.core.spi.StoreTransaction#consumer} locks the consumer's row, which is all
 * the engine's lease protocol needs: it claims, advances and releases consumers in write
 * transactions and checks the owner under that lock. Pruning deletes a prefix of the feed that every
 * stored consumer has passed.
 */
package org.membership.core.spi;
