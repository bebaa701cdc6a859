-- Supervision messages become one digest per person and tick: a clerk with 30 cases coming
-- due gets one message listing them, not thirty. A digest names the alerts it reports by
-- their raise (`batch_at`, the alerts' raised_at) and its kind (`subject`):
-- 'supervision.responsible' lists the recipient's own steps, 'supervision.department' the
-- alerts of the recipient's department (for its heads). Email reaches staff with an address.
ALTER TABLE users ADD COLUMN email TEXT;
ALTER TABLE outbox ADD COLUMN batch_on TEXT;
ALTER TABLE outbox ADD COLUMN batch_at BIGINT;
CREATE INDEX outbox_by_batch ON outbox (batch_at);

-- A supervisor closes an alert that no act of the case will resolve (a flagged refusal), with
-- a note; `resolved_by` is who did.
ALTER TABLE alerts ADD COLUMN resolved_by TEXT;
ALTER TABLE alerts ADD COLUMN resolution_note TEXT;

-- Alerts are listed newest day first (optionally of one department, filtered on the way) and
-- each raise finds its own by day and time: one index serves both, one less to write per alert.
DROP INDEX alerts_by_department;
DROP INDEX alerts_by_day;
CREATE INDEX alerts_by_raise ON alerts (raised_on, raised_at);

-- Cases waiting for corrections past their deadline, found without reading the other clocks.
CREATE INDEX case_watch_corrections ON case_watch (red_on) WHERE step = '@corrections';

-- A person's portal messages (channel 'portal'), newest first.
CREATE INDEX outbox_by_recipient ON outbox (recipient, channel);
