-- Applicants' documents (ID scans, licences, signed forms): private, unlike guide
-- attachments. Each is kept under the account that uploaded it and sealed with the data key;
-- a case cites it by content hash, and it is served only to those who may see a case whose
-- history cites it from that account.

CREATE TABLE case_files (
    owner TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sealed_content {{blob}} NOT NULL,
    uploaded_at BIGINT NOT NULL,
    PRIMARY KEY (owner, sha256)
);
