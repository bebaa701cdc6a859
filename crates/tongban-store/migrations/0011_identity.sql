-- Real-name registration and sign-in protection. A person's id number and phone are
-- sealed with the data key; the id number's keyed fingerprint finds a duplicate
-- registration without storing the number in the clear.

ALTER TABLE users ADD COLUMN id_number_sealed TEXT;
ALTER TABLE users ADD COLUMN id_number_fingerprint TEXT;
ALTER TABLE users ADD COLUMN phone_sealed TEXT;
CREATE UNIQUE INDEX users_by_id_number ON users (id_number_fingerprint);

-- Failed sign-ins, counted per username and client address (a keyed fingerprint of both),
-- so an attacker elsewhere cannot keep the owner from signing in from their own address.
CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    first_failure_at BIGINT NOT NULL,
    locked_until BIGINT NOT NULL
);

-- What a session may do: 'full', or 'read' for an API token that only reads (a
-- reporting system, a dashboard): it is refused every state-changing request.
ALTER TABLE sessions ADD COLUMN scope TEXT NOT NULL DEFAULT 'full';

-- Organisations (法人和其他组织) by their unified social credit code, and the people who
-- act for them: the legal representative, who registered it, and the agents they named.
CREATE TABLE organisations (
    id {{id}},
    uscc TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    legal_representative TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE organisation_members (
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    capacity TEXT NOT NULL,
    granted_by TEXT NOT NULL,
    granted_at BIGINT NOT NULL,
    PRIMARY KEY (organisation_id, user_id)
);
CREATE INDEX organisation_members_by_user ON organisation_members (user_id);
