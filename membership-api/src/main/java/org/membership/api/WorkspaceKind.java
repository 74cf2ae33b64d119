package org.membership.api;

/** Whether a workspace's membership is explicit or follows its organization. */
public enum WorkspaceKind {
    /** Every organization member is in it, with a role that follows the organization role. */
    DEFAULT,
    /** Members are added and removed explicitly. */
    CUSTOM
}
