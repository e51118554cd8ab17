#!/usr/bin/env bash
# Loads the multi-tenant project tracker (row-level security by
# organisation for app_user):  demo/saas/load.sh [--scale S] [--db NAME]
set -euo pipefail
cd "$(dirname "$0")"
exec bash ../load-sql.sh demo/saas/load.sh idxsaas "schema.sql data.sql rls.sql" "$@"
