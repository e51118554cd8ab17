#!/usr/bin/env bash
# Loads one of the workloads into a database of the server the PG*
# environment points at, from SQL files of the folder it runs in: the
# extensions idxtune uses (those the server has), the files in order
# (with the psql variable scale), statistics; then resets
# pg_stat_statements.  The workloads' load.sh call it:
#   load-sql.sh USAGE_NAME DEFAULT_DB "FILE..." [--scale S] [--db NAME]
set -euo pipefail
name=$1
db=$2
files=$3
shift 3
scale=1
while [ $# -gt 0 ]; do
    case $1 in
        --scale) scale=$2; shift 2;;
        --db) db=$2; shift 2;;
        *) echo "usage: $name [--scale S] [--db NAME]" >&2; exit 2;;
    esac
done
psql -qX -v ON_ERROR_STOP=1 -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" \
     -c "CREATE DATABASE $db" >/dev/null
run() { psql -qX -v ON_ERROR_STOP=1 -v scale="$scale" -d "$db" "$@" >/dev/null; }
run -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"
# HypoPG where the server has it (idxtune says what is missing otherwise)
psql -qX -d "$db" -c "CREATE EXTENSION IF NOT EXISTS hypopg" >/dev/null 2>&1 || true
# pg_qualstats when the server preloads it (the sandbox does): predicate statistics for the advisor
psql -qX -d "$db" -c "CREATE EXTENSION IF NOT EXISTS pg_qualstats" >/dev/null 2>&1 || true
for f in $files; do
    run -f "$f"
done
run -c "VACUUM ANALYZE"
# only this database: another workload may live in the same cluster
run -c "SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = current_database()), 0)"
