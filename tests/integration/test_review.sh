#!/usr/bin/env bash
# A pair-review round in batch: one DBA proposes two indexes, a colleague
# approves one and rejects the other with comments; the export applies only
# the approved one, the rollback removes it, the Markdown shows both
# verdicts, and `diff` of the session before and after a rename and a
# verdict reports exactly those two changes.
set -u
# try --accept and advise plan with hypothetical indexes
. "$(dirname "$0")/../hypopg.sh"
n=0
fails=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; [ -n "${3:-}" ] && sed 's/^/# /' "$3"; fails=1; fi; }
q() { psql -qAtX -c "$1"; }
export PGOPTIONS="-c client_min_messages=warning"
dir=$(mktemp -d /tmp/ixt-review.XXXXXX)
trap 'rm -rf "$dir"; q "DROP TABLE IF EXISTS pr_orders" >/dev/null' EXIT
q "DROP TABLE IF EXISTS pr_orders; CREATE TABLE pr_orders (id int, customer int, status text, placed date);
   INSERT INTO pr_orders SELECT g, g % 500, CASE WHEN g % 50 = 0 THEN 'open' ELSE 'done' END, DATE '2024-01-01' + g % 300
     FROM generate_series(1, 20000) g; ANALYZE pr_orders" >/dev/null

"$IXT_PROG" try -c "SELECT id FROM pr_orders WHERE customer = 42" --index "CREATE INDEX ON pr_orders (customer)" \
    --accept --session "$dir/s.json" >/dev/null 2>"$dir/err" &&
"$IXT_PROG" try -c "SELECT id FROM pr_orders WHERE status = 'open' ORDER BY placed" \
    --index "CREATE INDEX ON pr_orders (placed) WHERE status = 'open'" --accept --session "$dir/s.json" >/dev/null 2>>"$dir/err"
ok $? "the first DBA proposes two indexes" "$dir/err"
cp "$dir/s.json" "$dir/proposed.json"
"$IXT_PROG" review --session "$dir/s.json" >"$dir/list" 2>"$dir/err"
ok $? "review without a verdict lists the indexes" "$dir/err"
[ "$(grep -c ' proposed ' "$dir/list")" = 2 ] && grep -q "0 of 2 approved" "$dir/list"; ok $? "both proposed" "$dir/list"

# the reviewer's round, offline: no server needed
PGHOST=/nonexistent PGPORT=1 "$IXT_PROG" review --session "$dir/s.json" --approve pr_orders_customer_idx \
    --comment "customer lookups: checked the plan" --as alice >/dev/null 2>"$dir/err"
ok $? "approve one with a comment (offline)" "$dir/err"
"$IXT_PROG" review --session "$dir/s.json" --reject pr_orders_placed_idx --comment "open orders are rare: not worth it" \
    --as alice >/dev/null 2>"$dir/err"
ok $? "reject the other with a comment" "$dir/err"
"$IXT_PROG" review --session "$dir/s.json" --approve nosuch_idx --as alice 2>"$dir/err" >/dev/null
[ $? = 1 ] && grep -q "no accepted index called nosuch_idx" "$dir/err"; ok $? "an unknown index is a clear error" "$dir/err"
"$IXT_PROG" review --session "$dir/s.json" --comment "x" 2>"$dir/err" >/dev/null
[ $? = 2 ]; ok $? "--comment without a verdict is a usage error" "$dir/err"
"$IXT_PROG" review --session "$dir/s.json" --format json >"$dir/list.json" 2>"$dir/err"
[ "$(jq -r '[.[] | .name + "=" + .verdict + "/" + .by] | join(",")' "$dir/list.json")" = \
  "pr_orders_customer_idx=approved/alice,pr_orders_placed_idx=rejected/alice" ]
ok $? "the verdicts and the reviewer are in the session" "$dir/list.json"

"$IXT_PROG" export --session "$dir/s.json" --approved-only -o "$dir/up.sql" --rollback "$dir/down.sql" 2>"$dir/err"
ok $? "export --approved-only" "$dir/err"
! grep -q pr_orders_placed_idx "$dir/up.sql" "$dir/down.sql"; ok $? "the rejected index is in neither file"
psql -qX -v ON_ERROR_STOP=1 -f "$dir/up.sql" >/dev/null 2>"$dir/psql.err"; ok $? "the SQL applies with psql" "$dir/psql.err"
[ "$(q "SELECT string_agg(indexrelid::regclass::text, ',') FROM pg_index WHERE indrelid = 'pr_orders'::regclass")" = \
  pr_orders_customer_idx ]
ok $? "only the approved index exists"
psql -qX -v ON_ERROR_STOP=1 -f "$dir/down.sql" >/dev/null 2>"$dir/psql.err"; ok $? "the rollback applies" "$dir/psql.err"
[ "$(q "SELECT count(*) FROM pg_index WHERE indrelid = 'pr_orders'::regclass")" = 0 ]; ok $? "and removes it"

"$IXT_PROG" export --session "$dir/s.json" -o "$dir/all.sql" 2>"$dir/err"
grep -q "^-- CREATE INDEX CONCURRENTLY IF NOT EXISTS pr_orders_placed_idx" "$dir/all.sql" &&
    grep -q "^-- NOT APPLIED: rejected" "$dir/all.sql"
ok $? "without --approved-only the rejected index is written commented out" "$dir/all.sql"
psql -qX -v ON_ERROR_STOP=1 -f "$dir/all.sql" >/dev/null 2>"$dir/psql.err"
[ "$(q "SELECT string_agg(indexrelid::regclass::text, ',') FROM pg_index WHERE indrelid = 'pr_orders'::regclass")" = \
  pr_orders_customer_idx ]
ok $? "and applying that file creates only the approved one"
q "DROP INDEX pr_orders_customer_idx" >/dev/null

"$IXT_PROG" export --session "$dir/s.json" --format md -o "$dir/report.md" 2>/dev/null
grep -qF '| 1 | `pr_orders_customer_idx` | **approved** | alice |' "$dir/report.md" &&
    grep -qF 'customer lookups: checked the plan |' "$dir/report.md" &&
    grep -qF '| 2 | `pr_orders_placed_idx` | **rejected** | alice |' "$dir/report.md" &&
    grep -qF 'open orders are rare: not worth it |' "$dir/report.md"
ok $? "the Markdown shows both verdicts, the reviewer and the comments" "$dir/report.md"

# a rename and a verdict: diff reports exactly those
jq '.accepted[1].name = "pr_orders_open_by_placed"' "$dir/s.json" >"$dir/renamed.json"
"$IXT_PROG" diff "$dir/s.json" "$dir/renamed.json" >"$dir/diff" 2>"$dir/err"
[ "$(cat "$dir/diff")" = "renamed    pr_orders_open_by_placed: pr_orders_placed_idx -> pr_orders_open_by_placed" ]
ok $? "diff reports the rename alone" "$dir/diff"
"$IXT_PROG" review --session "$dir/renamed.json" --needs-trial pr_orders_open_by_placed --comment "measure it" \
    --as bob >/dev/null 2>&1
"$IXT_PROG" diff "$dir/s.json" "$dir/renamed.json" >"$dir/diff" 2>"$dir/err"
[ "$(wc -l <"$dir/diff")" = 2 ] && grep -q "^renamed    pr_orders_open_by_placed: pr_orders_placed_idx -> pr_orders_open_by_placed$" "$dir/diff" &&
    grep -q "^verdict    pr_orders_open_by_placed: rejected -> needs real trial by bob: measure it$" "$dir/diff"
ok $? "diff reports the rename and the verdict, nothing else" "$dir/diff"
"$IXT_PROG" diff "$dir/proposed.json" "$dir/s.json" --format md >"$dir/diff.md"
grep -qF '| verdict | `pr_orders_customer_idx` | proposed | approved by alice: customer lookups: checked the plan |' "$dir/diff.md"
ok $? "diff as Markdown" "$dir/diff.md"
"$IXT_PROG" diff "$dir/s.json" "$dir/s.json" | grep -qx "no changes"; ok $? "no changes"
"$IXT_PROG" diff "$dir/s.json" 2>/dev/null; [ $? = 2 ]; ok $? "diff needs two files"
exit $fails
