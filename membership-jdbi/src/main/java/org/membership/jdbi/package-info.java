/**
 * A durable membership store: {@link org.membership.jdbi.JdbiStore} on a SQLite file or on
 * PostgreSQL. Everything else in this package is implementation and package-private.
 */
package org.membership.jdbi;
