-- membership schema, version 3, SQLite: the change feed (a transactional outbox).
-- Every change writes its events here in its own transaction. SQLite commits one writer at a time,
-- so the row id, taken at insert, is already commit order: it is both the event's id and its
-- position. AUTOINCREMENT never reuses an id, even after the newest rows were pruned, and a rolled
-- back insert gives its id back, so positions stay dense. The columns follow the usual outbox shape
-- (aggregatetype, aggregateid, type, payload) that change-data-capture routers read.

CREATE TABLE ${p}feed_events (
    id            INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    aggregatetype TEXT    NOT NULL,
    aggregateid   TEXT    NOT NULL,
    type          TEXT    NOT NULL,
    payload       TEXT    NOT NULL,
    happened_at   INTEGER NOT NULL
);

-- One row per consumer delivered one instance at a time: its position and lease.
CREATE TABLE ${p}feed_consumers (
    name        TEXT    NOT NULL PRIMARY KEY,
    position    INTEGER NOT NULL,
    owner       TEXT,
    lease_until INTEGER NOT NULL
) WITHOUT ROWID;

-- Events a consumer gave up on, copied whole so that pruning the feed leaves them readable.
CREATE TABLE ${p}feed_parked (
    consumer    TEXT    NOT NULL,
    position    INTEGER NOT NULL,
    event_id    INTEGER NOT NULL,
    type        TEXT    NOT NULL,
    payload     TEXT    NOT NULL,
    attempts    INTEGER NOT NULL,
    error       TEXT    NOT NULL,
    parked_at   INTEGER NOT NULL,
    PRIMARY KEY (consumer, position)
) WITHOUT ROWID;
