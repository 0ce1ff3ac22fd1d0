-- The reminder ledger gains the channel and the step (backend/remind): the
-- team's reminders go out by e-mail and webhook once per lead time
-- ("90" ... "0", then "stopped:YYYY-MM-DD" daily), per channel. The desktop
-- notification keeps its once-a-day rule, as channel 'desktop', step ''.
CREATE TABLE reminders_new (
    key      TEXT    NOT NULL,
    -- desktop, email, email:<contact address>, webhook
    channel  TEXT    NOT NULL,
    -- the lead time told; '' for the desktop's once a day
    step     TEXT    NOT NULL,
    -- the local day it was last told, YYYY-MM-DD
    day      TEXT    NOT NULL,
    -- Unix nanoseconds (UTC)
    sent_at  INTEGER NOT NULL,
    PRIMARY KEY (key, channel, step)
);
INSERT INTO reminders_new (key, channel, step, day, sent_at)
    SELECT key, 'desktop', '', day, sent_at FROM reminders;
DROP TABLE reminders;
ALTER TABLE reminders_new RENAME TO reminders;
