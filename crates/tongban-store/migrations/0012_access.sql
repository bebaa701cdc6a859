-- Signing in through an external identity provider (OpenID Connect): which account a
-- provider's person is, and the sign-ins under way between leaving for the provider and
-- coming back (kept in the database so any app server can finish what another began).

-- The service window a staff member sits at (窗口), within their department or hall.
ALTER TABLE users ADD COLUMN service_window TEXT;

CREATE TABLE external_identities (
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id),
    linked_at BIGINT NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX external_identities_by_user ON external_identities (user_id);

CREATE TABLE external_logins_pending (
    state TEXT PRIMARY KEY,
    nonce TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    next_path TEXT NOT NULL,
    started_at BIGINT NOT NULL
);
CREATE INDEX external_logins_pending_by_age ON external_logins_pending (started_at);

-- The access-monitoring page reads sign-ins, denials and personal-data views, newest first,
-- out of an audit log that every case act also writes to.
CREATE INDEX audit_log_by_action ON audit_log (action, seq);

-- A person's own email address is used only once they have shown it is theirs: a link
-- with a one-time token (stored hashed) goes to the address, and following it confirms it.
ALTER TABLE users ADD COLUMN email_verified_at BIGINT;
CREATE TABLE email_verifications (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    email TEXT NOT NULL,
    requested_at BIGINT NOT NULL
);
CREATE INDEX email_verifications_by_user ON email_verifications (user_id);
