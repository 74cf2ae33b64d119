/**
 * The membership contract kit: abstract test classes that any {@link org.membership.core.spi.MembershipStore}
 * must pass. Extend a contract class in your store's test sources and implement its one factory
 * method; every rule is a named test method.
 */
package org.membership.tck;
