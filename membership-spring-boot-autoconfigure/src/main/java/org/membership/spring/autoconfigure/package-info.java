/**
 * Spring Boot auto-configuration of the library ({@link org.membership.spring.autoconfigure.MembershipAutoConfiguration}),
 * its {@code membership.*} properties ({@link org.membership.spring.autoconfigure.MembershipProperties}) and the
 * subscriptions of the application's feed consumers ({@link org.membership.spring.autoconfigure.FeedSubscriptions}).
 * Everything else in this package is implementation and package-private.
 */
package org.membership.spring.autoconfigure;
