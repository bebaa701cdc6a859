-- Saved drafts of online applications (草稿): what an applicant typed and uploaded, kept
-- under the account, one per implementation, until the application is sent. The fields hold
-- personal data (name, id number, phone) and are sealed; the files themselves are in
-- case_files already, cited by hash.
CREATE TABLE application_drafts (
    owner TEXT NOT NULL,
    implementation_code TEXT NOT NULL,
    sealed_fields TEXT NOT NULL,
    saved_at BIGINT NOT NULL,
    PRIMARY KEY (owner, implementation_code)
);
-- The job that deletes drafts left alone past their days reads them by age.
CREATE INDEX application_drafts_by_saved_at ON application_drafts (saved_at);

-- A window's day (今日收件): what one clerk took in and decided, by the clerk and time.
CREATE INDEX case_events_by_actor ON case_events (actor, at);

-- A retried acceptance answers with the same query password: the first answer, sealed, is
-- kept with the request's key (the case keeps only the password's fingerprint).
ALTER TABLE idempotency_keys ADD COLUMN sealed_answer TEXT;
