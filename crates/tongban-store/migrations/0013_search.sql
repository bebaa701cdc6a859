-- Search: the reform office's phrase dictionary, kept as versions (the newest is in use;
-- none means the dictionary the project ships), and what people searched for in vain.

CREATE TABLE search_dictionary (
    id {{id}},
    text TEXT NOT NULL,
    saved_by TEXT NOT NULL,
    reason TEXT NOT NULL,
    saved_at BIGINT NOT NULL
);

-- One row per normalised query that found nothing: how often and when it was last asked.
-- Queries that look like personal data (id numbers, phone numbers) are never written here.
CREATE TABLE search_misses (
    query TEXT PRIMARY KEY,
    times BIGINT NOT NULL,
    first_at BIGINT NOT NULL,
    last_at BIGINT NOT NULL
);
CREATE INDEX search_misses_by_last ON search_misses (last_at);
