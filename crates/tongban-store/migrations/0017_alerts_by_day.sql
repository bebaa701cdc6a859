-- A tick writes nothing keyed by case: alerts are keyed by day first, so the 10,000 alerts of
-- a busy tick go to the end of one index instead of to 10,000 random pages of an index keyed
-- by case (half of a PostgreSQL tick). The same key serves the lookups by raise, so
-- alerts_by_raise goes. A clock's open alert is found from its watch instead: the watch keeps
-- the day its alerted level was raised, or (raised by a tick) that day follows from the
-- threshold and the days ticks ran. A case's alerts are found day by day through the key.

-- The day the alert at the watch's `level` was raised (NULL: none stands at that level). Each
-- watch takes the level its clock was alerted at (a tick leaves watches alone), and that day,
-- read through the old key by case before it goes.
ALTER TABLE case_watch ADD COLUMN alerted_on TEXT;
UPDATE case_watch SET level = (SELECT MAX(a.level) FROM alerts a
    WHERE a.case_id = case_watch.case_id AND a.step = case_watch.step
    AND (a.resolved_at IS NULL OR a.resolution = 'resolved'))
WHERE EXISTS (SELECT 1 FROM alerts a
    WHERE a.case_id = case_watch.case_id AND a.step = case_watch.step
    AND (a.resolved_at IS NULL OR a.resolution = 'resolved') AND a.level > case_watch.level);
UPDATE case_watch SET alerted_on = (SELECT MAX(a.raised_on) FROM alerts a
    WHERE a.case_id = case_watch.case_id AND a.step = case_watch.step
    AND a.level = case_watch.level AND (a.resolved_at IS NULL OR a.resolution = 'resolved'))
WHERE level > 0;

-- @postgres
ALTER TABLE outbox DROP CONSTRAINT outbox_alert_id_fkey;
ALTER TABLE alerts DROP CONSTRAINT alerts_case_id_step_level_raised_on_key;
DROP INDEX alerts_by_raise;
-- @sqlite
-- SQLite cannot drop a table's UNIQUE constraint: the table is rebuilt with its ids.
CREATE TABLE alerts_by_day (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id BIGINT NOT NULL,
    step TEXT NOT NULL,
    step_name TEXT NOT NULL,
    level BIGINT NOT NULL,
    raised_on TEXT NOT NULL,
    raised_at BIGINT NOT NULL,
    department_id BIGINT NOT NULL,
    responsible TEXT,
    resolved_at BIGINT,
    resolution TEXT,
    resolved_by TEXT,
    resolution_note TEXT
);
INSERT INTO alerts_by_day (id, case_id, step, step_name, level, raised_on, raised_at,
    department_id, responsible, resolved_at, resolution, resolved_by, resolution_note)
SELECT id, case_id, step, step_name, level, raised_on, raised_at, department_id, responsible,
    resolved_at, resolution, resolved_by, resolution_note FROM alerts;
DROP TABLE alerts;
ALTER TABLE alerts_by_day RENAME TO alerts;
-- @both
CREATE UNIQUE INDEX alerts_by_raise ON alerts (raised_on, case_id, step, level);

-- The days alerts were raised on, and whether a tick covered the span up to that day.
CREATE TABLE alert_days (
    day TEXT PRIMARY KEY,
    ticked BIGINT NOT NULL
);
INSERT INTO alert_days (day, ticked) SELECT DISTINCT raised_on, 0 FROM alerts;
UPDATE alert_days SET ticked = 1 WHERE day <= (SELECT last_day FROM supervision_ticks WHERE id = 1);
