-- membership schema, version 1, SQLite.
-- ${p} is replaced by the store's table prefix. Ids compare in byte order (the BINARY collation),
-- which for their ASCII alphabet is the order of Java's String.compareTo. Instants are epoch
-- nanoseconds. Audit rows with no organization carry '' (no id is empty).

CREATE TABLE ${p}users (
    id             TEXT    NOT NULL PRIMARY KEY,
    email          TEXT    NOT NULL,
    status         TEXT    NOT NULL,
    instance_admin INTEGER NOT NULL
) WITHOUT ROWID;
CREATE UNIQUE INDEX ${p}users_email ON ${p}users (email);

CREATE TABLE ${p}organizations (
    id                TEXT    NOT NULL PRIMARY KEY,
    name              TEXT    NOT NULL,
    default_workspace TEXT    NOT NULL,
    created_at        INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE ${p}workspaces (
    id              TEXT    NOT NULL PRIMARY KEY,
    organization_id TEXT    NOT NULL REFERENCES ${p}organizations (id),
    name            TEXT    NOT NULL,
    kind            TEXT    NOT NULL,
    created_at      INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX ${p}workspaces_organization ON ${p}workspaces (organization_id, id);

CREATE TABLE ${p}organization_members (
    organization_id TEXT    NOT NULL REFERENCES ${p}organizations (id),
    user_id         TEXT    NOT NULL REFERENCES ${p}users (id),
    role            TEXT    NOT NULL,
    joined_at       INTEGER NOT NULL,
    PRIMARY KEY (organization_id, user_id)
) WITHOUT ROWID;
CREATE INDEX ${p}organization_members_role ON ${p}organization_members (organization_id, role);
CREATE INDEX ${p}organization_members_user ON ${p}organization_members (user_id, organization_id);

-- organization_id is the workspace's organization, copied so that a user's memberships in one
-- organization are one index range; the foreign key keeps them inside the organization membership.
CREATE TABLE ${p}workspace_members (
    workspace_id    TEXT    NOT NULL REFERENCES ${p}workspaces (id),
    user_id         TEXT    NOT NULL,
    organization_id TEXT    NOT NULL,
    role            TEXT    NOT NULL,
    joined_at       INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, user_id),
    FOREIGN KEY (organization_id, user_id) REFERENCES ${p}organization_members (organization_id, user_id)
) WITHOUT ROWID;
CREATE INDEX ${p}workspace_members_role ON ${p}workspace_members (workspace_id, role);
CREATE INDEX ${p}workspace_members_organization_user ON ${p}workspace_members (organization_id, user_id, workspace_id);
CREATE INDEX ${p}workspace_members_user ON ${p}workspace_members (user_id, workspace_id);

CREATE TABLE ${p}invitations (
    id              TEXT    NOT NULL PRIMARY KEY,
    organization_id TEXT    NOT NULL REFERENCES ${p}organizations (id),
    email           TEXT    NOT NULL,
    role            TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL
) WITHOUT ROWID;
CREATE UNIQUE INDEX ${p}invitations_pending_email ON ${p}invitations (organization_id, email) WHERE status = 'PENDING';
CREATE INDEX ${p}invitations_pending ON ${p}invitations (organization_id, id) WHERE status = 'PENDING';

CREATE TABLE ${p}audit_trail (
    seq             INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    organization_id TEXT    NOT NULL,
    happened_at     INTEGER NOT NULL,
    actor           TEXT    NOT NULL,
    operation       TEXT    NOT NULL,
    target          TEXT    NOT NULL,
    reason          TEXT    NOT NULL,
    cascade_lines   TEXT
);
CREATE INDEX ${p}audit_trail_organization ON ${p}audit_trail (organization_id, seq);
