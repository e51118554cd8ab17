#!/usr/bin/env bash
# Loads the analytic workload:  demo/analytics/load.sh [--scale S] [--db NAME]
set -euo pipefail
cd "$(dirname "$0")"
exec bash ../load-sql.sh demo/analytics/load.sh idxtpch "schema.sql data.sql" "$@"
