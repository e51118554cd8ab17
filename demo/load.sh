#!/usr/bin/env bash
# Loads the demo workload into a database of the server the PG* environment
# points at: schema, deterministic data, foreign keys, row-level security,
# pg_stat_statements and hypopg, statistics; then resets pg_stat_statements.
#
#   demo/load.sh [--scale S] [--db NAME]      (S=1: about five million rows)
set -euo pipefail
cd "$(dirname "$0")"
exec bash load-sql.sh demo/load.sh idxdemo "schema.sql data.sql constraints.sql rls.sql" "$@"
