-- Eight acts on eight cases in one transaction, each statement written once for all eight
-- (multi-row): what batching acts across requests would ask of PostgreSQL.
\set a random(1, 990000)
BEGIN;
WITH moved AS (UPDATE cases c SET version = version + 1, phase = 'in_review', updated_at = :client_id WHERE c.id = ANY(ARRAY[:a, :a+1000, :a+2000, :a+3000, :a+4000, :a+5000, :a+6000, :a+7000]::bigint[]) RETURNING c.id, c.version)
INSERT INTO case_events SELECT id, version, 0, repeat('y', 300) FROM moved;
DELETE FROM case_tasks WHERE case_id = ANY(ARRAY[:a, :a+1000, :a+2000, :a+3000, :a+4000, :a+5000, :a+6000, :a+7000]::bigint[]);
INSERT INTO case_tasks SELECT u, 'review', 3, 'department_reviewer', '2026-12-06' FROM unnest(ARRAY[:a, :a+1000, :a+2000, :a+3000, :a+4000, :a+5000, :a+6000, :a+7000]::bigint[]) u;
INSERT INTO audit_pending (at, actor, action, subject, detail) SELECT 0, 'reviewer', 'case.approve', 'case:' || u, repeat('z', 200) FROM unnest(ARRAY[:a, :a+1000, :a+2000, :a+3000, :a+4000, :a+5000, :a+6000, :a+7000]::bigint[]) u;
END;
