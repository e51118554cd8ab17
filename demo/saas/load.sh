#!/usr/bin/env bash
# Loads the multi-tenant project tracker:  demo/saas/load.sh [--scale S] [--db NAME]
set -euo pipefail
cd "$(dirname "$0")"
scale=1
db=idxsaas
while [ $# -gt 0 ]; do
    case $1 in
        --scale) scale=$2; shift 2;;
        --db) db=$2; shift 2;;
        *) echo "usage: demo/saas/load.sh [--scale S] [--db NAME]" >&2; exit 2;;
    esac
done
psql -qX -v ON_ERROR_STOP=1 -d postgres -c "SET client_min_messages = warning" \
     -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
run() { psql -qX -v ON_ERROR_STOP=1 -v scale="$scale" -d "$db" "$@" >/dev/null; }
run -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"
# HypoPG where the server has it (idxtune says what is missing otherwise)
psql -qX -d "$db" -c "CREATE EXTENSION IF NOT EXISTS hypopg" >/dev/null 2>&1 || true
run -f schema.sql
run -f data.sql
run -f rls.sql
run -c "VACUUM ANALYZE"
# only this database: another workload may live in the same cluster
run -c "SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = current_database()), 0)"
