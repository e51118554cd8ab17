#!/usr/bin/env bash
# Baselines and `idxtune verify` on a database of its own: accept an index
# (the baseline holds its statement and the writes on its table, query ids
# as strings), export, apply with psql, drive the statement during the
# window: the index is valid, scanned, kept, and the mean time went down;
# a write statement driven slower in the window: regressed.
set -u
# try --accept and advise plan with hypothetical indexes
. "$(dirname "$0")/../hypopg.sh"
. "$(dirname "$0")/../tap.sh"
export PGOPTIONS="-c client_min_messages=warning"
export PGDATABASE=idxverify
q() { psql -qAtX -c "$1"; }
dir=$(mktemp -d /tmp/ixt-verify.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null; wait; rm -rf "$dir"; dropdb --force --if-exists idxverify' EXIT
dropdb --force --if-exists idxverify 2>/dev/null
createdb idxverify || { echo "not ok 1 - createdb"; exit 1; }
# jq -e, failing on a missing or empty output file
jqe() { for a; do case $a in "$dir"/*) [ -s "$a" ] || return 1 ;; esac; done; jq -e "$@"; }

psql -qX -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
CREATE EXTENSION IF NOT EXISTS hypopg;
CREATE TABLE ev (id int PRIMARY KEY, acct int, kind int, note text);
INSERT INTO ev SELECT g, g % 5000, g % 7, repeat('x', 40) FROM generate_series(1, 150000) g;
ANALYZE ev;
SQL
reads() { for i in $(seq "$1"); do echo "SELECT count(*) FROM ev WHERE acct = $i;"; done; }
writes() { for i in $(seq "$1"); do echo "UPDATE ev SET kind = kind WHERE id < $2;"; done; }
# and an ingestion by COPY
copies() { echo "COPY ev (id, acct) FROM STDIN WITH (FORMAT csv);"; seq 150001 150050 | sed 's/$/,1/'; echo '\.'; }
{ reads 10; writes 10 3; copies; } | psql -qX >/dev/null
qid=$(q "SELECT queryid FROM pg_stat_statements WHERE query = 'SELECT count(*) FROM ev WHERE acct = \$1' AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database())")
[ -n "$qid" ]
ok $? "setup: the statement is in pg_stat_statements"

"$IXT_PROG" try --queryid "$qid" --index "CREATE INDEX ON ev (acct)" --accept --session "$dir/s.json" \
    >/dev/null 2>"$dir/accept.err"
ok $? "try --accept"
jqe --arg q "$qid" '.accepted[0].baseline | any(.queryid == $q and .kind == "read" and .calls == 10 and .mean_ms > 0)' \
    "$dir/s.json" >/dev/null
ok $? "the baseline holds the statement, its query id as a string"
jqe '.accepted[0].baseline | any(.kind == "write" and (.query | startswith("UPDATE ev")) and .calls == 10)
       and all(.queryid | type == "string") and all(.taken_at | test("^[0-9-]+T[0-9:]+Z$"))' \
    "$dir/s.json" >/dev/null
ok $? "the baseline holds the writes on the table"
jqe '.accepted[0].baseline | any(.kind == "write" and (.query | startswith("COPY ev")) and .calls == 1)' \
    "$dir/s.json" >/dev/null
ok $? "COPY into the table among them"

"$IXT_PROG" review --session "$dir/s.json" --approve ev_acct_idx --as dba >/dev/null 2>&1 &&
    "$IXT_PROG" export --session "$dir/s.json" -o "$dir/s.sql" 2>/dev/null &&
    grep -q -- "idxtune verify --session $dir/s.json --phase 1" "$dir/s.sql" &&
    psql -qX -v ON_ERROR_STOP=1 -f "$dir/s.sql" >"$dir/apply.out"
ok $? "export names the verify command of the phase; applied with psql"

# the load runs during the whole window
drive() { while :; do "$@" | psql -qX >/dev/null; done; }
drive reads 20 &
dp=$!
"$IXT_PROG" verify --session "$dir/s.json" --window 2 --format json >"$dir/v.json" 2>"$dir/v.err"
ok $? "verify --window 2"
kill $dp; wait $dp 2>/dev/null
jqe '.indexes[0] | .name == "ev_acct_idx" and .exists and .valid and .idx_scan > 0 and .size_bytes > 0
       and .verdict == "keep"' "$dir/v.json" >/dev/null
ok $? "the index exists, is valid, scanned: keep"
jqe --arg q "$qid" '.statements[] | select(.queryid == $q) | .calls >= 5 and .mean_ms_after < .mean_ms_before
       and .change_pct < -50' "$dir/v.json" >/dev/null
ok $? "the statement's mean time went down"
jqe '(.statements | all(.queryid | type == "string")) and .regressions == []' "$dir/v.json" >/dev/null
ok $? "query ids are strings; no regression"

# the write statement, driven slower in the window (many more rows each)
drive writes 5 1000 &
dp=$!
"$IXT_PROG" verify --session "$dir/s.json" --window 3 --format json >"$dir/r.json" 2>/dev/null
kill $dp; wait $dp 2>/dev/null
jqe '.indexes[0].verdict == "regressed" and (.indexes[0].reason | test("write statement"))
       and (.regressions | length) >= 1
       and any(.statements[]; .kind == "write" and .regressed and .change_pct > 20)' "$dir/r.json" >/dev/null
ok $? "a write statement slower in the window: regressed"

"$IXT_PROG" verify --session "$dir/s.json" --window 1 --format md >"$dir/r.md" 2>/dev/null
grep -q '^| 1 | `ev_acct_idx` | yes | yes |' "$dir/r.md" && grep -q 'DROP INDEX CONCURRENTLY IF EXISTS public.ev_acct_idx;' "$dir/r.md"
ok $? "the Markdown report has the verdicts and the rollback"

q "DROP INDEX ev_acct_idx"
"$IXT_PROG" verify --session "$dir/s.json" --window 1 --format json >"$dir/d.json" 2>/dev/null
jqe '.indexes[0] | .exists == false and .verdict == "regressed"' "$dir/d.json" >/dev/null
ok $? "a dropped index: regressed, does not exist"

"$IXT_PROG" verify --session "$dir/s.json" --phase 2 >/dev/null 2>&1
[ $? = 2 ]
ok $? "--phase beyond the session: usage error"

echo "1..$n"
exit $fails
