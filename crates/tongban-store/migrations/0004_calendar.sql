-- Holiday notices added at run time by the reform office (the years 2019–2026 ship with the
-- binary). A stored notice replaces the shipped one for its year: the State Council has
-- amended a notice mid-year before (2020). `revision` grows with every import, so each app
-- server can tell cheaply whether its calendar is stale.

CREATE TABLE calendar_notices (
    year BIGINT PRIMARY KEY,
    notice TEXT NOT NULL,
    revision BIGINT NOT NULL,
    imported_by TEXT NOT NULL,
    imported_at BIGINT NOT NULL
);
