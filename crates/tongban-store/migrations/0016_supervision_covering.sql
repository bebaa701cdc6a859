-- A tick reads the watches that crossed a threshold through that threshold's index alone:
-- each index carries every column the tick reads, so the 10,000 watches of a busy day cost
-- no visit to their table pages, which lie scattered over the table. (On PostgreSQL an
-- index-only scan also needs the table's visibility map, which (auto)vacuum keeps.)
DROP INDEX case_watch_warning;
DROP INDEX case_watch_yellow;
DROP INDEX case_watch_red;
CREATE INDEX case_watch_warning ON case_watch
    (warning_on, level, yellow_on, red_on, case_id, step, step_name, department_id, responsible);
CREATE INDEX case_watch_yellow ON case_watch
    (yellow_on, level, warning_on, red_on, case_id, step, step_name, department_id, responsible);
CREATE INDEX case_watch_red ON case_watch
    (red_on, level, warning_on, yellow_on, case_id, step, step_name, department_id, responsible);
