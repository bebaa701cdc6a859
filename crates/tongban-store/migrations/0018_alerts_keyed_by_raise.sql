-- PostgreSQL: a tick writes its 10,000 alerts into one btree, not two. An alert's primary key
-- becomes its key by day (raised_on, case_id, step, level); its id, the handle the API names
-- it by, is found through a BRIN index: ids grow with the order alerts are written in, the
-- multi-minmax kind keeps a block range useful when a few come out of order, and (auto)vacuum
-- summarises each range as it fills (a range not yet summarised is read whole). A session
-- takes ids a hundred at a time instead of one sequence access per alert. On SQLite the id
-- is the rowid the table is stored by and costs nothing.
-- @postgres
ALTER TABLE alerts DROP CONSTRAINT alerts_pkey;
ALTER TABLE alerts ADD CONSTRAINT alerts_pkey PRIMARY KEY USING INDEX alerts_by_raise;
CREATE INDEX alerts_by_id ON alerts USING brin (id int8_minmax_multi_ops)
    WITH (pages_per_range = 32, autosummarize = on);
ALTER TABLE alerts ALTER COLUMN id SET CACHE 100;
