-- Reminders (backend/remind): when each thing worth a reminder was last
-- told, so that the window and `dpgcerts check --notify` remind of it once a
-- day at most, whichever of them comes first.
CREATE TABLE reminders (
    -- what it is about: "<kind>:<integration id or certificate SHA-256>"
    key      TEXT    PRIMARY KEY,
    -- the local day it was last told, YYYY-MM-DD
    day      TEXT    NOT NULL,
    -- Unix nanoseconds (UTC)
    sent_at  INTEGER NOT NULL
);
