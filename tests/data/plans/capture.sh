#!/usr/bin/env bash
# The plans in this folder: EXPLAIN JSON of a set of statements, in estimate
# and ANALYZE forms, on a PostgreSQL 15 sandbox loaded with schema.sql:
#   d=$(mktemp -u /tmp/ixt-sb.XXXXXX); bash tests/sandbox.sh start $d; . $d/env
#   psql -X -q -v ON_ERROR_STOP=1 -f tests/data/plans/schema.sql
#   bash tests/data/plans/capture.sh tests/data/plans; bash tests/sandbox.sh stop $d
set -euo pipefail
out=$1
E="EXPLAIN (FORMAT JSON, VERBOSE, COSTS, SETTINGS)"
A="EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON, VERBOSE, SETTINGS)"
cap() { # name mode sql [pre]
    local name=$1 mode=$2 sql=$3 pre=${4:-}
    local ex=$E; [ "$mode" = analyze ] && ex=$A
    psql -X -q -At -v ON_ERROR_STOP=1 -c "BEGIN" ${pre:+-c "$pre"} -c "$ex $sql" -c "ROLLBACK" \
        | sed -n '/^\[/,$p' | sed '/^$/d' > "$out/$name.json"
    echo "$name: $(wc -c < "$out/$name.json") bytes"
}
for m in estimate analyze; do
  cap join_$m $m "SELECT r.id, u.name FROM runs r JOIN users u ON u.id = r.user_id WHERE r.status = 'failed' AND u.country = 'fr'"
  cap agg_sort_$m $m "SELECT user_id, count(*) FROM runs GROUP BY user_id ORDER BY count(*) DESC, user_id LIMIT 10"
  cap initplan_$m $m "SELECT id, status FROM runs WHERE id = (SELECT max(run_id) FROM run_logs WHERE seq = 3)"
  cap subplan_$m $m "SELECT u.name, (SELECT count(*) FROM runs r WHERE r.user_id = u.id) AS n FROM users u WHERE u.id < 40"
  cap cte_$m $m "WITH recent AS MATERIALIZED (SELECT id, user_id FROM runs WHERE created_at > '2024-05-01') SELECT a.user_id, count(*) FROM recent a JOIN recent b ON a.user_id = b.user_id AND a.id <> b.id WHERE a.id % 10 = 0 GROUP BY a.user_id ORDER BY 2 DESC LIMIT 5"
  cap parallel_$m $m "SELECT seq, count(*) FROM run_logs WHERE msg LIKE '%7 ok' GROUP BY seq" "SET LOCAL parallel_setup_cost = 0"
  cap index_scan_$m $m "SELECT * FROM runs WHERE id = 4242"
  cap bitmap_$m $m "SELECT * FROM runs WHERE user_id IN (1, 2, 3) AND status = 'done'"
  cap seqscan_$m $m "SELECT * FROM run_logs WHERE run_id = 4242 ORDER BY seq" "SET LOCAL max_parallel_workers_per_gather = 0"
  cap nonselective_$m $m "SELECT count(*) FROM run_logs WHERE seq <> 3" "SET LOCAL max_parallel_workers_per_gather = 0"
  cap misestimate_$m $m "SELECT r.id, l.seq FROM runs r JOIN run_logs l ON l.run_id = r.id WHERE r.status = 'failed' AND r.kind = 'nightly'" "SET LOCAL max_parallel_workers_per_gather = 0"
  cap delete_$m $m "DELETE FROM runs WHERE status = 'cancelled' AND created_at < '2024-01-20'"
done
# the same scan with a hypothetical index on run_logs (run_id): the index lab's after-plan
cap seqscan_hypo_estimate estimate "SELECT * FROM run_logs WHERE run_id = 4242 ORDER BY seq" \
    "SELECT count(*) FROM hypopg_create_index('CREATE INDEX ON run_logs (run_id)')"
# no run matches: the inner side of the Nested Loop never runs
cap never_executed_analyze analyze "SELECT r.id, l.seq FROM runs r JOIN run_logs l ON l.run_id = r.id WHERE r.id = -1"
