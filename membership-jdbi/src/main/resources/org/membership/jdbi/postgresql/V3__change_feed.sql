-- membership schema, version 3, PostgreSQL: the change feed (a transactional outbox).
-- Every change writes its events here in its own transaction, with an id from an identity column
-- and the id of its transaction (tx). Identity values are taken before commit, so transactions
-- commit out of id order: the id cannot be the feed's order. Instead ${p}feed_sequence numbers
-- committed events after the fact, under one row lock (${p}feed_head), in the order of their
-- transactions' first ids and then their own ids: a dense position that follows commit order and
-- never changes once readable. Writers call it right after their commit; readers call it before
-- they read, so an event whose writer died between commit and numbering is numbered by the next
-- reader. The numbering commits like any transaction of the host's (synchronous_commit): once a
-- position is readable it is on disk, so a server crash never numbers an event differently. (A
-- database that commits without waiting for the disk may lose recent commits, numberings among them.)
-- The columns follow the usual outbox shape (aggregatetype,
-- aggregateid, type, payload) that change-data-capture routers read.

CREATE TABLE ${p}feed_events (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    position      BIGINT,
    tx            XID8    NOT NULL DEFAULT pg_current_xact_id(),
    aggregatetype TEXT    NOT NULL,
    aggregateid   TEXT COLLATE "C" NOT NULL,
    type          TEXT    NOT NULL,
    payload       TEXT    NOT NULL,
    happened_at   BIGINT  NOT NULL
);
CREATE UNIQUE INDEX ${p}feed_events_position ON ${p}feed_events (position);
CREATE INDEX ${p}feed_events_unnumbered ON ${p}feed_events (id) WHERE position IS NULL;

-- The one row whose lock numbers events one numbering at a time, with the last position given.
CREATE TABLE ${p}feed_head (
    singleton BOOLEAN NOT NULL PRIMARY KEY DEFAULT TRUE CHECK (singleton),
    position  BIGINT  NOT NULL
);
INSERT INTO ${p}feed_head (singleton, position) VALUES (TRUE, 0);

-- Numbers every committed, unnumbered event; returns the position of event mine (NULL: the head).
CREATE FUNCTION ${p}feed_sequence(mine BIGINT) RETURNS BIGINT LANGUAGE plpgsql AS $$
DECLARE
    found BIGINT;
    last BIGINT;
    added BIGINT;
BEGIN
    IF mine IS NOT NULL THEN
        SELECT position INTO found FROM ${p}feed_events WHERE id = mine;
        IF found IS NOT NULL THEN
            RETURN found;
        END IF;
    ELSIF NOT EXISTS (SELECT 1 FROM ${p}feed_events WHERE position IS NULL) THEN
        SELECT position INTO last FROM ${p}feed_head;
        RETURN last;
    END IF;
    -- Each statement below sees every transaction committed before the lock was granted.
    SELECT position INTO last FROM ${p}feed_head FOR UPDATE;
    WITH unnumbered AS (
        SELECT id, min(id) OVER (PARTITION BY tx) AS first_id FROM ${p}feed_events WHERE position IS NULL
    ), numbered AS (
        SELECT id, row_number() OVER (ORDER BY first_id, id) AS n FROM unnumbered
    )
    UPDATE ${p}feed_events e SET position = last + numbered.n FROM numbered WHERE e.id = numbered.id;
    GET DIAGNOSTICS added = ROW_COUNT;
    IF added > 0 THEN
        UPDATE ${p}feed_head SET position = last + added;
        PERFORM pg_notify('${p}membership_feed', (last + added)::TEXT);
    END IF;
    IF mine IS NULL THEN
        RETURN last + added;
    END IF;
    SELECT position INTO found FROM ${p}feed_events WHERE id = mine;
    RETURN found;
END
$$;

CREATE TABLE ${p}feed_consumers (
    name        TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    position    BIGINT  NOT NULL,
    owner       TEXT,
    lease_until BIGINT  NOT NULL
);

CREATE TABLE ${p}feed_parked (
    consumer    TEXT COLLATE "C" NOT NULL,
    position    BIGINT  NOT NULL,
    event_id    BIGINT  NOT NULL,
    type        TEXT    NOT NULL,
    payload     TEXT    NOT NULL,
    attempts    INTEGER NOT NULL,
    error       TEXT    NOT NULL,
    parked_at   BIGINT  NOT NULL,
    PRIMARY KEY (consumer, position)
);
