-- Work orders (工单): enquiries, requests for help, complaints, reports and suggestions from
-- the public, each routed to the department that owns the matter and answered by it. The
-- contact (name and phone) is sealed personal data; the query password is kept only as a
-- keyed fingerprint. Who submitted and who answered, and why, is also in the audit log.
CREATE TABLE work_orders (
    id {{id}},
    number TEXT UNIQUE,
    kind TEXT NOT NULL,
    channel TEXT NOT NULL,
    subject TEXT NOT NULL,
    text TEXT NOT NULL,
    item_code TEXT,
    department_id BIGINT NOT NULL REFERENCES departments (id),
    -- the account that submitted it, when signed in
    submitted_by BIGINT REFERENCES users (id),
    contact_sealed TEXT NOT NULL,
    query_password_hash TEXT,
    submitted_at BIGINT NOT NULL,
    -- the last working day for the answer, from the kind's limit
    due_on TEXT NOT NULL,
    answer TEXT,
    answered_by TEXT,
    answered_at BIGINT
);
-- A department's open work orders first, oldest due first.
CREATE INDEX work_orders_by_department ON work_orders (department_id, answered_at, due_on);
CREATE INDEX work_orders_by_submitter ON work_orders (submitted_by);

