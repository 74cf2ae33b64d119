/**
 * What the contract kit's own rule contracts share: world builders, reads as an observer, text
 * helpers and a strict reader of problem details. Public so that the kit's packages can share them;
 * not part of the kit's supported API, and free to change with it. A host's tests want
 * {@link org.membership.tck.Fixture}, {@link org.membership.tck.World} and
 * {@link org.membership.tck.Generators} instead.
 */
package org.membership.tck.support;
