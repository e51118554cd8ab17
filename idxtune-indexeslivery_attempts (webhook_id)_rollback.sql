-- Rollback of the index changes proposed by idxtune 0.1.0 (2026-12-01 03:35 UTC)
-- Server: postgres@[local]:44893/idxdemo
-- Drops the indexes in reverse order.
-- DROP INDEX CONCURRENTLY cannot run inside a transaction block.

