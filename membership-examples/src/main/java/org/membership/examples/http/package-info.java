/**
 * The example host: the library behind the five documented HTTP APIs, on the JDK's built-in HTTP
 * server. {@link org.membership.examples.http.MembershipServer} is the entry point; everything
 * else is package-private.
 */
package org.membership.examples.http;
