-- A read by primary key, the cheapest of the reads each request makes (its session, the
-- settings, the calendar's revision, the case's version).
\set id random(1, 1000000)
SELECT version FROM cases WHERE id = :id;
