-- Index changes proposed by idxtune 0.1.0
-- Server:   postgres@[local]:44893/idxdemo (PostgreSQL 15.18)
-- Date:     2026-12-01 03:35 UTC
-- Indexes:  0
--
-- Apply with: psql -v ON_ERROR_STOP=1 -f THIS_FILE (not with -1 or --single-transaction):
-- CREATE INDEX CONCURRENTLY cannot run inside a transaction block.  It does not
-- block writes; if a build fails it leaves an INVALID index: see the checks at the
-- end, drop it, and run the statement again.  Roll back with the rollback file.

-- Checks after the rollout
-- 1. Indexes left INVALID by a failed concurrent build (should return no rows):
SELECT n.nspname AS schema, c.relname AS index
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE NOT i.indisvalid;
-- 2. Are the new indexes used?  (idx_scan grows with the workload)
SELECT schemaname, relname, indexrelname, idx_scan, pg_size_pretty(pg_relation_size(indexrelid))
  FROM pg_stat_user_indexes
 WHERE indexrelname IN (NULL);
