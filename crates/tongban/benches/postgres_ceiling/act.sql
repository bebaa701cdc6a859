-- One act in a transaction of its own, as Tongban writes an act on PostgreSQL, cut to five
-- statements (the real act writes more: its idempotency key, watches, outbox).
\set id random(1, 1000000)
BEGIN;
UPDATE cases SET version = version + 1, phase = 'in_review', updated_at = :client_id WHERE id = :id RETURNING version \gset
INSERT INTO case_events VALUES (:id, :version, 0, repeat('y', 300));
DELETE FROM case_tasks WHERE case_id = :id;
INSERT INTO case_tasks VALUES (:id, 'review', 3, 'department_reviewer', '2026-12-06');
INSERT INTO audit_pending (at, actor, action, subject, detail) VALUES (0, 'reviewer', 'case.approve', 'case:' || :id, repeat('z', 200));
END;
