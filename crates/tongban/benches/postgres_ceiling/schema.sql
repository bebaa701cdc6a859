-- The tables a lifecycle writes most, cut to their keys and a payload: fewer columns and
-- indexes than Tongban's own, so that what PostgreSQL does with them is a floor under what it
-- does with the real ones. 1,000,000 delivered cases of seven events each, as the lifecycle
-- benchmark stores.
CREATE TABLE cases (id BIGINT PRIMARY KEY, version BIGINT NOT NULL, phase TEXT NOT NULL, updated_at BIGINT NOT NULL);
CREATE TABLE case_events (case_id BIGINT NOT NULL, seq BIGINT NOT NULL, at BIGINT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (case_id, seq));
CREATE TABLE case_tasks (case_id BIGINT NOT NULL, step TEXT NOT NULL, department_id BIGINT NOT NULL, role TEXT NOT NULL, opened_on TEXT NOT NULL, PRIMARY KEY (case_id, step));
CREATE TABLE audit_pending (pending BIGSERIAL PRIMARY KEY, at BIGINT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, subject TEXT NOT NULL, detail TEXT NOT NULL);
INSERT INTO cases SELECT g, 7, 'delivered', 0 FROM generate_series(1, 1000000) g;
INSERT INTO case_events SELECT g, s, 0, repeat('x', 300) FROM generate_series(1, 1000000) g, generate_series(1, 7) s;
VACUUM ANALYZE;
