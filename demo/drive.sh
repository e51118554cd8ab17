#!/usr/bin/env bash
# Replays the demo workload with pgbench: the application's statements as
# app_user (row-level security on, app.tenant_id set per transaction) and
# the background jobs (queue poller, sweeper, retries, purge) as the owner.
#
#   demo/drive.sh [--db NAME] [--seconds N] [--clients C] [--once]
#
# --once runs every statement a few times with different parameters and
# exits: enough to fill pg_stat_statements for tests.
set -euo pipefail
cd "$(dirname "$0")/driver"
db=idxdemo
seconds=600
clients=2
once=false
while [ $# -gt 0 ]; do
    case $1 in
        --db) db=$2; shift 2;;
        --seconds) seconds=$2; shift 2;;
        --clients) clients=$2; shift 2;;
        --once) once=true; shift;;
        *) echo "usage: demo/drive.sh [--db NAME] [--seconds N] [--clients C] [--once]" >&2; exit 2;;
    esac
done
bindir=${IXT_PG_BINDIR:-/usr/lib/postgresql/15/bin}
pgbench="$bindir/pgbench"
# the relocatable server builds (tests/versions) carry no pgbench: any will do
[ -x "$pgbench" ] || pgbench=$(ls /usr/lib/postgresql/*/bin/pgbench | tail -1)
read -r nruns nusers ndel < <(psql -qAtX -F' ' -d "$db" -c \
    "SELECT (SELECT max(id) FROM runs), (SELECT max(id) FROM users), (SELECT max(id) FROM webhook_deliveries)")
vars=(-D "nruns=$nruns" -D "nusers=$nusers" -D "ndel=$ndel")
owner=${PGUSER:-$(id -un)}

if $once; then
    for f in app/*.sql system/*.sql; do
        user=$owner
        [[ $f == app/* ]] && user=app_user
        "$pgbench" -n -U "$user" -d "$db" --random-seed=42 -c 1 -t 4 "${vars[@]}" -f "$f" >/dev/null 2>&1 \
            || { echo "drive: $f failed" >&2; "$pgbench" -n -U "$user" -d "$db" -t 1 "${vars[@]}" -f "$f" >&2; exit 1; }
    done
    exit 0
fi

# Weights: cheap, frequent statements dominate, as in production.
app_scripts=(-f app/webhook_lookup.sql@20 -f app/intake.sql@10 -f app/run_detail.sql@20
             -f app/append_log.sql@15 -f app/latest_version.sql@10 -f app/insert_event.sql@5
             -f app/runs_of_workflow.sql@3 -f app/log_tail.sql@4 -f app/status_counts.sql@2
             -f app/events_by_order.sql@1 -f app/events_by_customer.sql@1 -f app/user_by_email.sql@3
             -f app/users_of_tenant.sql@2 -f app/recent_events.sql@2 -f app/run_steps.sql@3
             -f app/failed_runs.sql@1 -f app/queued_count.sql@2 -f app/delivery_history.sql@2)
sys_scripts=(-f system/queue_poll.sql@10 -f system/complete_runs.sql@10 -f system/stuck_sweep.sql@1
             -f system/deliveries_due.sql@3 -f system/retry_delivery.sql@5 -f system/insert_delivery.sql@5
             -f system/purge_events.sql@2 -f system/tenant_usage.sql@1
             -f system/record_attempt.sql@5)
"$pgbench" -n -U app_user -d "$db" -c "$clients" -T "$seconds" -R 40 "${vars[@]}" "${app_scripts[@]}" >/dev/null 2>&1 &
app_pid=$!
"$pgbench" -n -U "$owner" -d "$db" -c 1 -T "$seconds" -R 10 "${vars[@]}" "${sys_scripts[@]}" >/dev/null 2>&1 &
sys_pid=$!
trap 'kill $app_pid $sys_pid 2>/dev/null' EXIT INT TERM
wait
