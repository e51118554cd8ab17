-- Index changes proposed by idxtune 0.1.0
-- Server:   dba@db.example.com:5432/app (PostgreSQL 15.18)
-- Date:     2026-11-24 10:00 UTC
-- Indexes:  2
--
-- Apply with: psql -v ON_ERROR_STOP=1 -f THIS_FILE (not with -1 or --single-transaction):
-- CREATE INDEX CONCURRENTLY cannot run inside a transaction block.  It does not
-- block writes; if a build fails it leaves an INVALID index: see the checks at the
-- end, drop it, and run the statement again.  Roll back with the rollback file.

-- Phase 1. run_logs_run_id_seq_idx on public.run_logs (btree)
--    helps queryid -810177043276847703:
--      SELECT seq, ts FROM run_logs WHERE run_id = $1 AND seq > $2 ORDER BY seq LIMIT $3
--    estimated cost 89836.24 -> 4.95 (-100.0%)
--    measured median 444 ms -> 0.05 ms (real trial, rolled back; build 830 ms)
--    size 13.5 MB
--    write cost: public.run_logs takes 12.5 writes/s, each now also updates this index
--    tried as: CREATE INDEX ON run_logs (run_id, seq)
--    review: approved by alice at 2026-11-18T11:06:40Z: checked on staging
CREATE INDEX CONCURRENTLY IF NOT EXISTS run_logs_run_id_seq_idx ON public.run_logs USING btree (run_id, seq);
-- Phase 1 check: valid must be true (false or no row: the build failed)
SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = to_regclass('public.run_logs_run_id_seq_idx');
-- Then, under the usual load, before the next phase: idxtune verify --session SESSION.json --phase 1 --window 60

-- Phase 2. mixed_case_select_expr_idx on Odd Schema.Mixed Case (btree)
--    helps:
--      SELECT seq, ts FROM run_logs WHERE run_id = $1 AND seq > $2 ORDER BY seq LIMIT $3
--    estimated cost 1200.00 -> 35.50 (-97.0%)
--    size 13.5 MB (estimate)
--    tried as: create index on "Mixed Case" ("Select", lower("ünï")) where "with space" is not null
--    review: approved by bob at 2026-11-18T11:06:40Z
CREATE INDEX CONCURRENTLY IF NOT EXISTS mixed_case_select_expr_idx ON "Odd Schema"."Mixed Case" USING btree ("Select", lower("ünï")) WHERE "with space" IS NOT NULL;
-- Phase 2 check: valid must be true (false or no row: the build failed)
SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = to_regclass('"Odd Schema".mixed_case_select_expr_idx');
-- Then, under the usual load: idxtune verify --session SESSION.json --phase 2 --window 60

-- Checks after the rollout
-- 1. Indexes left INVALID by a failed concurrent build (should return no rows):
SELECT n.nspname AS schema, c.relname AS index
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE NOT i.indisvalid;
-- 2. Are the new indexes used?  (idx_scan grows with the workload)
SELECT schemaname, relname, indexrelname, idx_scan, pg_size_pretty(pg_relation_size(indexrelid))
  FROM pg_stat_user_indexes
 WHERE indexrelname IN ('run_logs_run_id_seq_idx', 'mixed_case_select_expr_idx');
