-- Cases (办件). A case is its append-only events (`case_events`); the `cases` row is the
-- derived current state kept for inboxes, look-ups and supervision, and `version` is the
-- number of events: an act appends event `version + 1` only if no one else did first.

CREATE TABLE cases (
    id {{id}},
    case_number TEXT UNIQUE,
    -- argon2 hash of the 6-character query password (查询密码), set at acceptance
    query_password_hash TEXT,
    implementation_code TEXT NOT NULL,
    department_id BIGINT NOT NULL REFERENCES departments (id),
    -- the applicant's account when they applied online
    applicant_user_id BIGINT REFERENCES users (id),
    -- personal data, sealed with the data key: {"name", "id_number", "phone"}
    applicant_sealed TEXT NOT NULL,
    applicant_name_masked TEXT NOT NULL,
    channel TEXT NOT NULL,
    phase TEXT NOT NULL,
    version BIGINT NOT NULL,
    submitted_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE INDEX cases_by_department_phase ON cases (department_id, phase);
CREATE INDEX cases_by_applicant ON cases (applicant_user_id);

CREATE TABLE case_events (
    case_id BIGINT NOT NULL REFERENCES cases (id),
    seq BIGINT NOT NULL,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    role TEXT NOT NULL,
    kind TEXT NOT NULL,
    event TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
);

-- A retried request with the same key answers what the first did and acts no twice.
CREATE TABLE idempotency_keys (
    actor TEXT NOT NULL,
    key TEXT NOT NULL,
    case_id BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (actor, key)
);

-- The open steps of each case (derived from its events, rebuilt on every act): what the
-- back-office inboxes list. Intake inboxes read `cases` by phase.
CREATE TABLE case_tasks (
    case_id BIGINT NOT NULL REFERENCES cases (id),
    step TEXT NOT NULL,
    department_id BIGINT NOT NULL,
    role TEXT NOT NULL,
    claimed_by TEXT,
    opened_on TEXT NOT NULL,
    limit_days BIGINT NOT NULL,
    PRIMARY KEY (case_id, step)
);

CREATE INDEX case_tasks_by_department ON case_tasks (department_id, role);
