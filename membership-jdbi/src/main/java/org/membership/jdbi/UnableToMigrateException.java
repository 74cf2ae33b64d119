package org.membership.jdbi;

import org.membership.api.MembershipException;

/**
 * The store refused to start because its schema cannot be brought to the version this library
 * needs: a script already applied to the database has changed since (its checksum differs), the
 * database holds a newer schema than this library knows, or a script failed. Nothing was changed.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class UnableToMigrateException extends MembershipException {
    private static final long serialVersionUID = 1L;

    UnableToMigrateException(String message, Throwable cause) {
        super(message, cause);
    }
}
