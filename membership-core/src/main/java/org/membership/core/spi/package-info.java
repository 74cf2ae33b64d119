/**
 * The store SPI: what a persistence module implements so that the engine can keep memberships in
 * it. {@link org.membership.core.spi.MembershipStore} runs transactions; a
 * {@link org.membership.core.spi.StoreTransaction} reads ({@link org.membership.core.spi.StoreReads}),
 * locks ({@link org.membership.core.spi.StoreLocks}) and writes
 * ({@link org.membership.core.spi.StoreWrites}) rows inside one. The engine decides; a store never
 * applies a rule. The engine decides with reads and locks only (its planners are handed no write
 * methods) and writes only once a command is approved; a decorator knows a write by the interface
 * that declares the method. The SPI is for store implementors, not for hosts.
 *
 * <h2 id="locking">The locking protocol</h2>
 *
 * <p>Written once here; the engine and the shipped stores follow it and link to it.
 *
 * <p><b>What the two locks mean.</b> Both are held until the transaction ends, and only a write
 * transaction ({@link org.membership.core.spi.MembershipStore#write}) needs them to do anything; in a
 * read transaction they may do nothing, and must not fail.
 * <ul>
 *   <li>{@link org.membership.core.spi.StoreLocks#lockOrganization} serializes every change of one
 *       organization's memberships: two write transactions that both locked an organization never
 *       interleave their reads and writes of it, and every read after the lock sees every change
 *       committed by an earlier holder. So counting admins and then deleting one cannot be skewed
 *       (rule 6: two admins removing each other leave one).</li>
 *   <li>{@link org.membership.core.spi.StoreLocks#lockUser} orders a change of the user's account with
 *       every admin count that counts the user: such a count in another write transaction either
 *       ended before the lock was granted, and the locking transaction's later reads see every change
 *       committed before it, or it waits for the locking transaction to end and counts the account
 *       as that transaction left it. (A disabled admin cannot act, so it does not count towards
 *       keeping one; disabling is rule 6's third way to lose an admin.)</li>
 * </ul>
 *
 * <p><b>In what order the engine takes them.</b>
 * <ol>
 *   <li><i>Scope before any lock</i> (rule 3 in time). A caller outside an organization must not wait
 *       for that organization's writers, or how long a refusal takes would tell it which ids exist.
 *       So every command checks scope on what it read before its first lock and refuses there, then
 *       checks again once the lock is held (the caller may have left the organization meanwhile),
 *       unless the transaction promises that nothing it read can have changed by then ({@link
 *       org.membership.core.spi.StoreLocks#readsHoldUnderLocks}: a read of one snapshot, or a write
 *       that has excluded every other writer since it began).
 *       Where a write transaction takes no lock until the first lock call, that is enough. Where the
 *       write transaction itself is the lock ({@link org.membership.core.spi.MembershipStore#exclusiveWrites},
 *       as SQLite's {@code BEGIN IMMEDIATE} takes the whole file), the engine first runs the command's
 *       decision in a read transaction up to its first lock: a refusal found there is the one the write
 *       would find on that snapshot, and is answered without any write transaction at all. It needs no
 *       such read when the write can begin without waiting for another writer ({@link
 *       org.membership.core.spi.MembershipStore#writeIfUncontended}): the write then answers those
 *       refusals itself, having waited for no one.</li>
 *   <li><i>Organization, then what the decision rests on.</i> A change locks the organization it
 *       changes before it reads anything its decision rests on (counts, the target's membership, the
 *       invitation again), and reads those under the lock.</li>
 *   <li><i>Organizations in id order, then the user.</i> A status change that makes a validated user
 *       unusable (disables it or sets it back to pending validation) locks every organization in
 *       which the user is an admin or administers a custom workspace, in id order, so that two such
 *       changes (or one and a removal, which locks one organization) do not wait on each other in a
 *       cycle; it reads the user's memberships again under those locks and locks any organization
 *       that appeared, until a read finds nothing new. Organization locks alone leave a hole where
 *       writers run concurrently: the user may become an admin elsewhere (an invitation accepted, a
 *       workspace admin added) after its memberships were read, and a removal there could count the
 *       user as usable. So the change then locks the user's account, and only then reads the account
 *       and its memberships again and counts. Organizations first, then the accounts counted, is also
 *       a removal's order, so the common race only queues.</li>
 *   <li><i>The one cycle, and lost races.</i> Only an admin membership (or the account's validation)
 *       that appears between a status change's first reads and its reads under the user's lock makes
 *       it lock an organization after the user; that rare case can wait in a cycle with a removal
 *       there. A store whose writers run concurrently must detect such a cycle and every other lost
 *       race (a serialization failure, a unique key a concurrent transaction took first) and run the
 *       whole transaction again, with fresh reads, a bounded number of times; the retried command
 *       gets the answer it would have had, had the two run one after the other. After the last
 *       attempt, {@link org.membership.api.UnableToPersistException} and nothing stored.</li>
 *   <li><i>Consumers.</i> In a write transaction {@link org.membership.core.spi.StoreReads#consumer}
 *       locks the consumer's row, which is all the feed's lease protocol needs (see below).</li>
 * </ol>
 *
 * <p><b>How the shipped stores meet it.</b> The in-memory store serializes every write transaction
 * behind one lock, so both lock calls have nothing left to do. SQLite's {@code BEGIN IMMEDIATE}
 * takes the file's write lock when a write begins (so {@code exclusiveWrites()} is true and the locks
 * do nothing). PostgreSQL writes run in {@code READ COMMITTED}: the locks are {@code FOR NO KEY
 * UPDATE} on the organization's and the user's rows, an admin count in a write takes {@code FOR
 * SHARE} on the accounts it counts, deadlocks and serialization failures are retried; reads run in
 * {@code REPEATABLE READ READ ONLY}, on one snapshot, and lock nothing. A store that keeps an audit
 * trail numbered at insert rather than at commit must also keep a reader paging by sequence from
 * skipping an entry that commits late (PostgreSQL: organization trails are appended under the
 * organization's lock, the instance trail under an advisory lock).
 *
 * <h2 id="outbox">The outbox protocol (the change feed)</h2>
 *
 * <p>Every change that commits writes its events with
 * {@link org.membership.core.spi.StoreWrites#appendEvents} in the same transaction as the rows
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
 * {@link org.membership.core.spi.StoreReads#consumer} locks the consumer's row, which is all
 * the engine's lease protocol needs: it claims, advances and releases consumers in write
 * transactions and checks the owner under that lock. Pruning deletes a prefix of the feed that every
 * stored consumer has passed.
 */
package org.membership.core.spi;
