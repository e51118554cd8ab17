-- Rollback of the index changes proposed by idxtune 0.1.0 (2026-11-24 10:00 UTC)
-- Server: dba@db.example.com:5432/app
-- Drops the indexes in reverse order.
-- DROP INDEX CONCURRENTLY cannot run inside a transaction block.

DROP INDEX CONCURRENTLY IF EXISTS "Odd Schema".mixed_case_select_expr_idx;
DROP INDEX CONCURRENTLY IF EXISTS public.run_logs_run_id_seq_idx;
