-- Guide attachments (blank forms, sample documents, result samples), kept in the database
-- so that several app servers share them. Content-addressed: the id is the SHA-256 of the
-- bytes, so the same file uploaded twice is stored once and a reference cannot go stale.

CREATE TABLE attachments (
    sha256 TEXT PRIMARY KEY,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    content {{blob}} NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at BIGINT NOT NULL
);
