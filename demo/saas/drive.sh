#!/usr/bin/env bash
# Runs each statement of the project tracker once so it lands in
# pg_stat_statements (normalized: its literals turned into $n), in a
# transaction rolled back: the data stays as loaded.
#   demo/saas/drive.sh [--db NAME]
set -euo pipefail
cd "$(dirname "$0")"
db=idxsaas
[ "${1:-}" = "--db" ] && db=$2
{ echo "BEGIN;"; cat statements.sql; echo "ROLLBACK;"; } | psql -qX -v ON_ERROR_STOP=1 -d "$db" >/dev/null
