#!/usr/bin/env bash
# Counts how many of the 22 TPC-H queries, as pg_stat_statements stores them
# (qNN.normalized.sql) and as ixt_sql_plannable rewrites them
# (qNN.plannable.sql), the server accepts in PREPARE, and plans generically
# (plan_cache_mode = force_generic_plan, EXPLAIN EXECUTE with NULLs).
# Needs a server: PG* variables set, e.g. by tests/sandbox.sh.
#   bash tests/data/sql/tpch/prepare-check.sh
set -uo pipefail
dir=$(cd "$(dirname "$0")" && pwd)
db=ixt_tpch_check_$$
psql -qX -c "CREATE DATABASE $db" >/dev/null || exit 1
trap 'psql -qX -c "DROP DATABASE IF EXISTS $db" >/dev/null' EXIT
psql -qX -d "$db" -f "$dir/schema.sql" >/dev/null || exit 1

prepare() { # file -> prints the first error line, nothing when it plans
    local f=$1 n args=""
    n=$(grep -o '\$[0-9]*' "$f" | tr -d '$' | sort -n | tail -1)
    [ -n "$n" ] && args="($(yes NULL | head -n "$n" | paste -sd, -))"
    { echo "SET plan_cache_mode = force_generic_plan;"; printf 'PREPARE s AS '; cat "$f"; echo ";";
      echo "EXPLAIN EXECUTE s$args;"; } | psql -qX -d "$db" -v ON_ERROR_STOP=1 2>&1 >/dev/null | head -n 1
}

before=0 after=0
for f in "$dir"/q??.normalized.sql; do
    q=$(basename "$f" .normalized.sql)
    b=$(prepare "$f"); a=$(prepare "$dir/$q.plannable.sql")
    [ -z "$b" ] && before=$((before + 1))
    [ -z "$a" ] && after=$((after + 1))
    printf '%s  normalized: %-55.55s  rewritten: %s\n' "$q" "${b:-ok}" "${a:-ok}"
done
echo "PREPARE + generic plan: normalized $before/22, rewritten $after/22"
[ "$after" = 22 ]
