-- Electronic supervision (电子监察). Each open case clock (the whole case: step '', and each
-- open step) is watched with the days its alert level rises, computed at the last act. An act
-- raises at once what its clocks already reached; a tick raises what was reached on the days
-- since the last tick, found through the indexes on those days, so its work does not grow with
-- the clocks that did not change level, and it rewrites no watch.
-- Levels: 0 none, 1 预警, 2 黄牌, 3 红牌.

CREATE TABLE case_watch (
    case_id BIGINT NOT NULL REFERENCES cases (id),
    step TEXT NOT NULL,
    step_name TEXT NOT NULL,
    department_id BIGINT NOT NULL,
    responsible TEXT,
    -- the level alerted as of the last act
    level BIGINT NOT NULL,
    -- the first day of each level; NULL while the clock is stopped
    warning_on TEXT,
    yellow_on TEXT,
    red_on TEXT,
    PRIMARY KEY (case_id, step)
);
CREATE INDEX case_watch_warning ON case_watch (warning_on);
CREATE INDEX case_watch_yellow ON case_watch (yellow_on);
CREATE INDEX case_watch_red ON case_watch (red_on);

-- The last day a tick covered.
CREATE TABLE supervision_ticks (
    id BIGINT PRIMARY KEY,
    last_day TEXT NOT NULL,
    last_at BIGINT NOT NULL
);
INSERT INTO supervision_ticks (id, last_day, last_at) VALUES (1, '0000-01-01', 0);

-- An alert is raised once per clock, level and day, whichever app server ticks first.
-- Alerts are derived from watches of existing cases and cases are never deleted, so the
-- case reference is not re-checked per row: that check was a third of a large tick.
CREATE TABLE alerts (
    id {{id}},
    case_id BIGINT NOT NULL,
    step TEXT NOT NULL,
    step_name TEXT NOT NULL,
    level BIGINT NOT NULL,
    raised_on TEXT NOT NULL,
    raised_at BIGINT NOT NULL,
    department_id BIGINT NOT NULL,
    responsible TEXT,
    resolved_at BIGINT,
    -- escalated | acted (the case moved on: step passed, closed, extended…)
    resolution TEXT,
    UNIQUE (case_id, step, level, raised_on)
);
CREATE INDEX alerts_by_department ON alerts (department_id, resolved_at);
CREATE INDEX alerts_by_day ON alerts (raised_on);

-- Messages to people, delivered by a worker with retries; nothing is lost if a channel is down.
CREATE TABLE outbox (
    id {{id}},
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    -- the alert a supervision message is about (who was notified of it)
    alert_id BIGINT REFERENCES alerts (id),
    created_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    sent_at BIGINT,
    last_error TEXT
);
CREATE INDEX outbox_pending ON outbox (sent_at, next_attempt_at);
