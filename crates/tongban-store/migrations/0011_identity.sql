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
