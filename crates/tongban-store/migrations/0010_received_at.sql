-- 跨区通办: the hall whose window took a case in (NULL online), so that each hall's windows
-- see the intakes they received, and the result is handed over where it was applied for.

ALTER TABLE cases ADD COLUMN received_at BIGINT REFERENCES departments (id);

CREATE INDEX cases_by_hall_phase ON cases (received_at, phase);

-- A bundle taken in at a hall: its members started later are received there as well.
ALTER TABLE bundle_applications ADD COLUMN received_at BIGINT REFERENCES departments (id);
