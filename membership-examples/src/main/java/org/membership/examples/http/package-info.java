/**
 * The example host: the library behind the five documented HTTP APIs, over HTTP/1.1 on Netty's
 * codec ({@code HttpTransport}, whose javadoc gives its limits). {@link
 * org.membership.examples.http.MembershipServer} is the entry point; everything else is
 * package-private.
 */
package org.membership.examples.http;
