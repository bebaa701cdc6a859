-- Foundation: regions, departments, the versioned catalog and its change control,
-- accounts and sessions, and the hash-chained audit log.
-- One source for SQLite and PostgreSQL: only BIGINT and TEXT columns; `{{id}}` is the
-- auto-increment primary key of the backend. Times are Unix milliseconds (UTC).

CREATE TABLE regions (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    level TEXT NOT NULL,
    parent_code TEXT REFERENCES regions (code)
);

CREATE TABLE departments (
    id {{id}},
    name TEXT NOT NULL,
    region_code TEXT NOT NULL REFERENCES regions (code),
    uscc TEXT UNIQUE,
    source_code TEXT,
    phone TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    UNIQUE (region_code, name)
);

CREATE TABLE catalog_items (
    basic_code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    item_type TEXT NOT NULL,
    power_source TEXT NOT NULL,
    legal_basis TEXT NOT NULL,
    standard_code BIGINT NOT NULL
);

CREATE TABLE users (
    id {{id}},
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    kind TEXT NOT NULL,
    department_id BIGINT REFERENCES departments (id),
    created_at BIGINT NOT NULL,
    disabled BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE user_roles (
    user_id BIGINT NOT NULL REFERENCES users (id),
    role TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE change_sets (
    id {{id}},
    kind TEXT NOT NULL,
    actor_id BIGINT REFERENCES users (id),
    note TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE change_requests (
    id {{id}},
    kind TEXT NOT NULL,
    implementation_code TEXT NOT NULL,
    department_id BIGINT NOT NULL REFERENCES departments (id),
    proposed TEXT,
    reason TEXT NOT NULL,
    status TEXT NOT NULL,
    base_version BIGINT,
    proposed_by BIGINT NOT NULL REFERENCES users (id),
    proposed_at BIGINT NOT NULL,
    reviewed_by BIGINT REFERENCES users (id),
    reviewed_at BIGINT,
    review_comment TEXT,
    change_set_id BIGINT REFERENCES change_sets (id)
);
CREATE INDEX change_requests_by_status ON change_requests (status, id);
CREATE INDEX change_requests_by_department ON change_requests (department_id, id);

-- Every published version of every implementation, never updated or deleted.
CREATE TABLE implementation_versions (
    code TEXT NOT NULL,
    version BIGINT NOT NULL,
    change_set_id BIGINT NOT NULL REFERENCES change_sets (id),
    change_request_id BIGINT REFERENCES change_requests (id),
    snapshot TEXT NOT NULL,
    published_at BIGINT NOT NULL,
    PRIMARY KEY (code, version)
);

-- The latest version of each implementation, derived from implementation_versions for
-- filtering and paging; `tongban` can rebuild it.
CREATE TABLE implementations (
    code TEXT PRIMARY KEY,
    basic_code TEXT NOT NULL,
    name TEXT NOT NULL,
    item_type TEXT NOT NULL,
    department_id BIGINT NOT NULL REFERENCES departments (id),
    region_code TEXT NOT NULL REFERENCES regions (code),
    exercise_level BIGINT NOT NULL,
    case_kind TEXT NOT NULL,
    status TEXT NOT NULL,
    standard_code BIGINT NOT NULL,
    version BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX implementations_by_department ON implementations (department_id, name);
CREATE INDEX implementations_by_type ON implementations (item_type, name);
CREATE INDEX implementations_by_region ON implementations (region_code, name);
CREATE INDEX implementations_by_basic_code ON implementations (basic_code);
CREATE INDEX implementations_by_name ON implementations (name, code);

-- The audit log: each row's hash covers its content and the previous row's hash.
CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    role TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);

-- The chain's head, one row: appending locks it, so concurrent writers on several app
-- servers take turns instead of forking the chain.
CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, 'genesis');
