-- PostgreSQL: an audit row is written pending, with a negative sequence from this sequence,
-- and linked into the chain after its transaction commits, many rows at a time (see
-- `audit::linking`). Writers no longer lock the chain's head row until they commit.
-- SQLite has one writer at a time and links each row as it is written.
-- @postgres
CREATE SEQUENCE audit_pending CACHE 100;
