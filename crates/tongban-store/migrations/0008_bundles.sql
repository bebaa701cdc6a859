-- Bundles (一件事一次办). The reform office publishes a bundle's definition (the domain's
-- BundleDefinition as JSON); a new version supersedes the current one, and an application
-- keeps the version it was made under.
CREATE TABLE bundles (
    id {{id}},
    bundle_key TEXT NOT NULL,
    version BIGINT NOT NULL,
    name TEXT NOT NULL,
    definition TEXT NOT NULL,
    published_by TEXT NOT NULL,
    published_at BIGINT NOT NULL,
    UNIQUE (bundle_key, version)
);

-- One application for a bundle: the applicant and the materials are given once; each member
-- runs as a case of its own (cases.bundle_application_id), started when its prerequisites are
-- approved. `settled_at` is set once no member can change any more.
CREATE TABLE bundle_applications (
    id {{id}},
    bundle_id BIGINT NOT NULL REFERENCES bundles (id),
    applicant_user_id BIGINT REFERENCES users (id),
    -- personal data, sealed with the data key, as on cases
    applicant_sealed TEXT NOT NULL,
    applicant_name_masked TEXT NOT NULL,
    applicant_kind TEXT NOT NULL,
    channel TEXT NOT NULL,
    -- JSON [MaterialEntry]: what was handed in, for every member
    materials TEXT NOT NULL,
    -- who applied (the applicant online, the clerk at a window): members started later are
    -- submitted in their name
    submitted_by TEXT NOT NULL,
    submitted_role TEXT NOT NULL,
    submitted_at BIGINT NOT NULL,
    settled_at BIGINT
);

CREATE INDEX bundle_applications_by_applicant ON bundle_applications (applicant_user_id);
CREATE INDEX bundle_applications_open ON bundle_applications (settled_at);

ALTER TABLE cases ADD COLUMN bundle_application_id BIGINT REFERENCES bundle_applications (id);
-- A member starts once per application, however many servers advance it at the same time.
CREATE UNIQUE INDEX cases_by_bundle_member ON cases (bundle_application_id, implementation_code);
