-- PostgreSQL: pending audit rows wait in a table of their own until a linking round moves
-- them into the chain (see `audit::linking`). In `audit_log`, with a negative sequence, each
-- link rewrote the row and left a dead entry in both its indexes; a round's read of the
-- oldest pending rows walked every dead entry since the last vacuum, and a table as large as
-- `audit_log` is vacuumed rarely. This table holds only the rows not yet linked, so it stays
-- small and is vacuumed often, and `audit_log` is written once per row.
-- @postgres
CREATE TABLE audit_log_pending (
    pending BIGINT PRIMARY KEY DEFAULT nextval('audit_pending'),
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    role TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL
);
-- rows left pending by a server stopped between its commit and its round, oldest first
INSERT INTO audit_log_pending (pending, at, actor, role, action, subject, detail)
SELECT -seq, at, actor, role, action, subject, detail FROM audit_log WHERE seq < 0;
DELETE FROM audit_log WHERE seq < 0;
