#!/usr/bin/env bash
# Runs each analytic statement once so it lands in pg_stat_statements
# (normalized, with its typed literals turned into $n).
#   demo/analytics/drive.sh [--db NAME]
set -euo pipefail
cd "$(dirname "$0")"
db=idxtpch
[ "${1:-}" = "--db" ] && db=$2
psql -qX -v ON_ERROR_STOP=1 -d "$db" -f statements.sql >/dev/null
