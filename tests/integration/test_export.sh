#!/usr/bin/env bash
# Accept indexes with `try --accept`, export them, apply the SQL with psql
# (the indexes exist and are valid), apply the rollback (they are gone);
# also on a schema with awkward names.
. "$(dirname "$0")/../hypopg.sh"
set -u
. "$(dirname "$0")/../tap.sh"
q() { psql -qAtX -c "$1"; }
export PGOPTIONS="-c client_min_messages=warning"
dir=$(mktemp -d /tmp/ixt-export.XXXXXX)
trap 'rm -rf "$dir"' EXIT

"$IXT_PROG" try -c "SELECT seq FROM run_logs WHERE run_id = \$1 AND seq > \$2" \
    --index "CREATE INDEX ON run_logs (run_id, seq)" --accept --session "$dir/s.json" >/dev/null 2>"$dir/err"
ok $? "try --accept creates the session file"
"$IXT_PROG" try -c "SELECT id FROM runs WHERE status = 'queued' AND run_at <= now() ORDER BY run_at LIMIT 10" \
    --index "CREATE INDEX ON runs (run_at) WHERE status = 'queued'" --real --runs 2 \
    --accept --session "$dir/s.json" >/dev/null 2>>"$dir/err"
ok $? "a second index (measured) is added"
grep -q '"measured": true' "$dir/s.json"; ok $? "the session keeps the measured evidence"
! grep -qi password "$dir/s.json"; ok $? "no password in the session"
"$IXT_PROG" review --session "$dir/s.json" --approve run_logs_run_id_seq_idx --as alice >/dev/null 2>>"$dir/err" &&
    "$IXT_PROG" review --session "$dir/s.json" --approve runs_run_at_idx --as alice >/dev/null 2>>"$dir/err"
ok $? "a reviewer approves both"
"$IXT_PROG" export --session "$dir/s.json" -o "$dir/up.sql" --rollback "$dir/down.sql" 2>>"$dir/err"
ok $? "export writes the SQL and the rollback"
"$IXT_PROG" export --session "$dir/s.json" -o "$dir/up.sql" 2>"$dir/err2"
[ $? = 1 ] && grep -q "already exists" "$dir/err2"; ok $? "an existing file is not replaced without --force"
"$IXT_PROG" export --session "$dir/s.json" -o "$dir/up.sql" --force 2>/dev/null; ok $? "--force replaces it"
"$IXT_PROG" export --session "$dir/s.json" --format md -o "$dir/report.md" 2>/dev/null
grep -q "| 1 | \`run_logs_run_id_seq_idx\`" "$dir/report.md"; ok $? "Markdown report with a table of the indexes"

psql -qX -v ON_ERROR_STOP=1 -f "$dir/up.sql" >/dev/null 2>"$dir/psql.err"; ok $? "the SQL applies with psql"
[ "$(q "SELECT count(*) FROM pg_index WHERE indisvalid AND indexrelid::regclass::text IN
        ('run_logs_run_id_seq_idx', 'runs_run_at_idx')")" = 2 ]
ok $? "both indexes exist and are valid"
q "SELECT pg_get_indexdef('runs_run_at_idx'::regclass)" | grep -q "WHERE (status = 'queued'::text)"
ok $? "the partial index has its predicate"
psql -qX -v ON_ERROR_STOP=1 -f "$dir/down.sql" >/dev/null 2>>"$dir/psql.err"; ok $? "the rollback applies"
[ "$(q "SELECT count(*) FROM pg_class WHERE relname IN ('run_logs_run_id_seq_idx', 'runs_run_at_idx')")" = 0 ]
ok $? "the indexes are gone"

# awkward names: mixed case, spaces, quotes, a reserved word, non-ASCII
psql -qX -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
DROP SCHEMA IF EXISTS "Odd Schema" CASCADE;
CREATE SCHEMA "Odd Schema";
CREATE TABLE "Odd Schema"."Mixed Case" ("Select" int, "with space" text, "quo""te" int, "ünï" text);
INSERT INTO "Odd Schema"."Mixed Case" SELECT g, 'x' || g, g % 7, 'ü' || g FROM generate_series(1, 20000) g;
ANALYZE "Odd Schema"."Mixed Case";
SQL
"$IXT_PROG" try -c 'SELECT * FROM "Odd Schema"."Mixed Case" WHERE "Select" = 42 AND "quo""te" = 3' \
    --index 'CREATE INDEX ON "Odd Schema"."Mixed Case" ("Select", "quo""te") INCLUDE ("ünï") WHERE "with space" IS NOT NULL' \
    --accept --session "$dir/odd.json" >/dev/null 2>"$dir/err3"
ok $? "an index on awkward names is accepted"
"$IXT_PROG" review --session "$dir/odd.json" --approve mixed_case_select_quo_te_idx >/dev/null 2>>"$dir/err3"
ok $? "and approved"
"$IXT_PROG" export --session "$dir/odd.json" -o "$dir/odd.sql" --rollback "$dir/odd_down.sql" 2>/dev/null
psql -qX -v ON_ERROR_STOP=1 -f "$dir/odd.sql" >/dev/null 2>"$dir/psql3.err"; ok $? "its SQL applies"
def=$(q "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i WHERE i.indrelid = '\"Odd Schema\".\"Mixed Case\"'::regclass")
[ "$def" = 'CREATE INDEX mixed_case_select_quo_te_idx ON "Odd Schema"."Mixed Case" USING btree ("Select", "quo""te") INCLUDE ("ünï") WHERE ("with space" IS NOT NULL)' ]
ok $? "and creates exactly the intended index ($def)"
psql -qX -v ON_ERROR_STOP=1 -f "$dir/odd_down.sql" >/dev/null 2>>"$dir/psql3.err"
[ "$(q "SELECT count(*) FROM pg_index WHERE indrelid = '\"Odd Schema\".\"Mixed Case\"'::regclass")" = 0 ]
ok $? "its rollback removes it"
q 'DROP SCHEMA "Odd Schema" CASCADE' >/dev/null

# an index on the demo's partitioned table: the export is an online rollout
# per partition (CREATE INDEX CONCURRENTLY is refused on the parent), applied
# as the export says (psql, no transaction); the rollback restores the catalog
catalog() {
    q "SELECT c.oid::regclass || ' ' || c.relkind::text || ' ' || coalesce(pg_get_indexdef(i.indexrelid), '')
              || ' ' || coalesce(i.indisvalid::text, '')
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_index i ON i.indexrelid = c.oid
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') ORDER BY 1"
    q "SELECT 'inherits ' || inhrelid::regclass || ' ' || inhparent::regclass FROM pg_inherits ORDER BY 1"
}
before=$(catalog)
nparts=$(q "SELECT count(*) FROM pg_inherits WHERE inhparent = 'delivery_attempts'::regclass")
"$IXT_PROG" try -c "SELECT attempt FROM delivery_attempts WHERE webhook_id = 42 AND attempted_at > now() - interval '7 days'" \
    --index "CREATE INDEX ON delivery_attempts (webhook_id, attempted_at)" --accept --session "$dir/part.json" \
    >/dev/null 2>"$dir/err7"
ok $? "an index on the partitioned delivery_attempts is accepted"
"$IXT_PROG" review --session "$dir/part.json" --approve delivery_attempts_webhook_id_attempted_at_idx >/dev/null 2>&1
"$IXT_PROG" export --session "$dir/part.json" -o "$dir/part.sql" --rollback "$dir/part_down.sql" 2>>"$dir/err7"
ok $? "and exported"
grep -q "^CREATE INDEX IF NOT EXISTS delivery_attempts_webhook_id_attempted_at_idx ON ONLY public.delivery_attempts " \
    "$dir/part.sql"
ok $? "the parent's index is created ON ONLY the parent"
! grep -q "^CREATE INDEX CONCURRENTLY[A-Z ]* delivery_attempts_webhook_id_attempted_at_idx" "$dir/part.sql"
ok $? "never CONCURRENTLY on the partitioned parent"
[ "$(grep -c "^CREATE INDEX CONCURRENTLY IF NOT EXISTS" "$dir/part.sql")" = "$nparts" ] &&
    [ "$(grep -c "^ALTER INDEX public.delivery_attempts_webhook_id_attempted_at_idx ATTACH PARTITION" "$dir/part.sql")" = "$nparts" ]
ok $? "each of the $nparts partitions gets its index built concurrently and attached"
[ "$(grep -c "^--      public.delivery_attempts_20" "$dir/part.sql")" = "$nparts" ]
ok $? "the partitions are listed in the comments"
psql -qX -v ON_ERROR_STOP=1 -f "$dir/part.sql" >/dev/null 2>"$dir/psql7.err"; ok $? "the rollout applies with psql"
[ "$(q "SELECT indisvalid FROM pg_index WHERE indexrelid = 'delivery_attempts_webhook_id_attempted_at_idx'::regclass")" = t ]
ok $? "the parent's index is valid"
[ "$(q "SELECT count(*) FROM pg_inherits h JOIN pg_index i ON i.indexrelid = h.inhrelid AND i.indisvalid
        WHERE h.inhparent = 'delivery_attempts_webhook_id_attempted_at_idx'::regclass")" = "$nparts" ] &&
    [ "$(q "SELECT count(*) FROM pg_inherits p WHERE p.inhparent = 'delivery_attempts'::regclass AND NOT EXISTS
            (SELECT 1 FROM pg_index i WHERE i.indrelid = p.inhrelid AND pg_get_indexdef(i.indexrelid) LIKE '%(webhook_id, attempted_at)')")" = 0 ]
ok $? "each partition has a valid index attached to the parent's"
psql -qX -v ON_ERROR_STOP=1 -f "$dir/part_down.sql" >/dev/null 2>>"$dir/psql7.err"; ok $? "the rollback applies"
[ "$(catalog)" = "$before" ]; ok $? "the catalog is as before the rollout"

# the lab's figures on a partitioned table: HypoPG's size is one estimate on
# the parent; a real trial builds the index on every partition, rolled back
"$IXT_PROG" try -c "SELECT attempt FROM delivery_attempts WHERE webhook_id = 42" \
    --index "CREATE INDEX ON delivery_attempts (webhook_id)" --real --runs 1 >"$dir/ptry.out" 2>"$dir/ptry.err"
ok $? "a real trial on the partitioned table runs"
grep -q "estimated size .* for $nparts partitions together (HypoPG's estimate on the parent)" "$dir/ptry.out"
ok $? "the size is said to be HypoPG's estimate for all $nparts partitions together"
grep -q "note: delivery_attempts is partitioned: the real trial builds the index on each of its $nparts partitions .* writes to all of them wait" "$dir/ptry.err"
ok $? "the real trial says it builds on every partition, whose writes wait"
grep -q "Table of index 1: [0-9]* rows in $nparts partitions" "$dir/ptry.out" &&
    grep -q "^Measured (1 runs each, rolled back)" "$dir/ptry.out"
ok $? "and measures it"
[ "$(catalog)" = "$before" ]; ok $? "the real trial on the partitioned table left no index behind"
"$IXT_PROG" try -c "SELECT attempt FROM delivery_attempts WHERE webhook_id = 42" --format json \
    --index "CREATE INDEX ON delivery_attempts (webhook_id)" 2>/dev/null | grep -q "\"partitions\": $nparts,"
ok $? "try's JSON gives the partitions of the index's table"

# two levels (by month, then by tenant hash; one month not sub-partitioned),
# an awkward name in the middle: the rollout goes level by level, applies
# with psql, twice without a change the second time; the rollback restores
# the catalog
q "CREATE TABLE sub_events (tenant int NOT NULL, at timestamptz NOT NULL, body text) PARTITION BY RANGE (at);
   CREATE TABLE sub_events_2026_10 PARTITION OF sub_events FOR VALUES FROM ('2026-10-01') TO ('2026-11-01')
       PARTITION BY HASH (tenant);
   CREATE TABLE sub_events_2026_10_h0 PARTITION OF sub_events_2026_10 FOR VALUES WITH (MODULUS 2, REMAINDER 0);
   CREATE TABLE sub_events_2026_10_h1 PARTITION OF sub_events_2026_10 FOR VALUES WITH (MODULUS 2, REMAINDER 1);
   CREATE TABLE \"Sub Events \"\"Nov\"\"\" PARTITION OF sub_events FOR VALUES FROM ('2026-11-01') TO ('2026-12-01')
       PARTITION BY HASH (tenant);
   CREATE TABLE \"Nov h0\" PARTITION OF \"Sub Events \"\"Nov\"\"\" FOR VALUES WITH (MODULUS 2, REMAINDER 0);
   CREATE TABLE \"Nov h1\" PARTITION OF \"Sub Events \"\"Nov\"\"\" FOR VALUES WITH (MODULUS 2, REMAINDER 1);
   CREATE TABLE sub_events_2026_12 PARTITION OF sub_events FOR VALUES FROM ('2026-12-01') TO ('2027-01-01');
   INSERT INTO sub_events SELECT g % 300, '2026-10-01'::timestamptz + (g % 90) * interval '1 day', 'x'
       FROM generate_series(1, 30000) g;
   ANALYZE sub_events" >/dev/null
before=$(catalog)
sub_idx=sub_events_tenant_at_idx
"$IXT_PROG" try -c "SELECT body FROM sub_events WHERE tenant = 42 AND at > '2026-11-15'" \
    --index "CREATE INDEX ON sub_events (tenant, at)" --accept --session "$dir/sub.json" >"$dir/sub.out" 2>"$dir/err8"
ok $? "an index on a sub-partitioned table is accepted"
grep -q "estimated size .* for 5 partitions together (HypoPG's estimate on the parent)" "$dir/sub.out"
ok $? "HypoPG's size is one estimate for the 5 leaf partitions together"
[ "$(grep -c '"partitioned": true' "$dir/sub.json")" = 2 ] && [ "$(grep -c '"parent": {' "$dir/sub.json")" = 4 ]
ok $? "the session records the partitions level by level, with their parents"
"$IXT_PROG" review --session "$dir/sub.json" --approve "$sub_idx" >/dev/null 2>&1
"$IXT_PROG" export --session "$dir/sub.json" -o "$dir/sub.sql" --rollback "$dir/sub_down.sql" 2>>"$dir/err8"
ok $? "and exported"
[ "$(grep -c "^CREATE INDEX IF NOT EXISTS .* ON ONLY " "$dir/sub.sql")" = 3 ] &&
    [ "$(grep -c "^CREATE INDEX CONCURRENTLY IF NOT EXISTS" "$dir/sub.sql")" = 5 ] &&
    [ "$(grep -c "^ALTER INDEX .* ATTACH PARTITION" "$dir/sub.sql")" = 7 ]
ok $? "ON ONLY on the 3 partitioned tables, CONCURRENTLY on the 5 leaves, 7 attachments"
psql -qX -v ON_ERROR_STOP=1 -f "$dir/sub.sql" >/dev/null 2>"$dir/psql8.err"; ok $? "the rollout applies with psql"
[ "$(q "SELECT indisvalid FROM pg_index WHERE indexrelid = '$sub_idx'::regclass")" = t ]
ok $? "the root's index is valid"
# every partition at every level has a valid index attached to its parent's
[ "$(q "SELECT count(*) FROM pg_partition_tree('sub_events') t JOIN pg_index i ON i.indrelid = t.relid AND i.indisvalid
        JOIN pg_inherits h ON h.inhrelid = i.indexrelid
        JOIN pg_index pi ON pi.indexrelid = h.inhparent AND pi.indrelid = t.parentrelid
        WHERE t.level > 0")" = 7 ]
ok $? "each of the 7 partitions has a valid index attached to its parent's"
after=$(catalog)
oids=$(q "SELECT string_agg(indexrelid::text, ',' ORDER BY 1) FROM pg_index")
psql -qX -v ON_ERROR_STOP=1 -f "$dir/sub.sql" >/dev/null 2>>"$dir/psql8.err"; ok $? "the rollout runs a second time"
[ "$(catalog)" = "$after" ] && [ "$(q "SELECT string_agg(indexrelid::text, ',' ORDER BY 1) FROM pg_index")" = "$oids" ]
ok $? "and changes nothing"
psql -qX -v ON_ERROR_STOP=1 -f "$dir/sub_down.sql" >/dev/null 2>>"$dir/psql8.err"; ok $? "the rollback applies"
[ "$(catalog)" = "$before" ]; ok $? "the catalog is as before the rollout (relations, definitions, validity, pg_inherits)"
q "DROP TABLE sub_events" >/dev/null

# a DBA pastes what they will run: try takes CREATE INDEX CONCURRENTLY,
# builds it without the keyword inside the rolled-back trial, and says so
"$IXT_PROG" try -c "SELECT id FROM runs WHERE status = 'queued'" \
    --index "CREATE INDEX CONCURRENTLY ON runs (status)" --real --runs 1 \
    --accept --session "$dir/conc.json" >/dev/null 2>"$dir/err6"
ok $? "try --real takes a CONCURRENTLY definition"
grep -q "note: index 1: CONCURRENTLY dropped: a trial builds inside a transaction" "$dir/err6"
ok $? "with a note that CONCURRENTLY was dropped"
grep -q '"definition": "CREATE INDEX ON runs (status)"' "$dir/conc.json"
ok $? "the session keeps the definition as tried"
"$IXT_PROG" review --session "$dir/conc.json" --approve runs_status_idx --as dba >/dev/null 2>&1
"$IXT_PROG" export --session "$dir/conc.json" -o "$dir/conc.sql" 2>/dev/null
grep -q "^CREATE INDEX CONCURRENTLY IF NOT EXISTS runs_status_idx ON public.runs" "$dir/conc.sql"
ok $? "and the export builds it CONCURRENTLY again"
[ "$(q "SELECT count(*) FROM pg_class WHERE relname = 'runs_status_idx'")" = 0 ]
ok $? "the trial left no index behind"
# advise --session: each index carries the advisor's evidence into the
# exports (both sizes, write cost, HOT impact, every statement helped)
"$IXT_PROG" advise --top 20 --session "$dir/adv.json" --format json >"$dir/adv_out.json" 2>"$dir/err6"
ok $? "advise records its picks in a session"
"$IXT_PROG" export --session "$dir/adv.json" -o "$dir/adv.sql" 2>/dev/null &&
    "$IXT_PROG" export --session "$dir/adv.json" --format md -o "$dir/adv.md" 2>/dev/null
ok $? "and exports them as SQL and Markdown"
npicks=$(jq '.indexes | length' "$dir/adv_out.json")
nhelping=$(jq '[.indexes[] | select(.helps | length > 0)] | length' "$dir/adv_out.json")
[ "$npicks" -gt 0 ] && [ "$(jq '[.accepted[] | select(.impact)] | length' "$dir/adv.json")" = "$npicks" ] &&
    [ "$(jq '[.accepted[] | select(.helped)] | length' "$dir/adv.json")" = "$nhelping" ]
ok $? "every accepted index has its impact and helped statements in the session ($npicks)"
[ "$(grep -c "^--    size .* (estimate corrected for deduplication; HypoPG's estimate " "$dir/adv.sql")" = "$npicks" ]
ok $? "the SQL gives each index's corrected size and HypoPG's"
[ "$(grep -Ec '^--    HOT: (no HOT update broken|breaks HOT updates for [0-9]+ statements?: .* \([0-9.]+/s\))$' \
      "$dir/adv.sql")" = "$npicks" ]
ok $? "and its HOT impact"
[ "$(grep -Ec '^--    write cost: public\.[a-z_]+ takes [0-9.]+ writes/s, each now also updates this index \([0-9.]+ cost/s\)$' \
      "$dir/adv.sql")" = "$npicks" ]
ok $? "and its write cost in writes/s and cost/s"
# as many statements per index as advise listed, in the same order
want=$(jq -r '.indexes[] | select(.helps | length > 0) | "\(.helps | length) \(.helps[0].queryid)"' "$dir/adv_out.json")
got=$(awk '/^--    helps [0-9]+ statements?, estimated cost before -> after:$/ { n = $3; getline;
             sub(/:$/, "", $7); print n, $7 }' "$dir/adv.sql")
[ "$want" = "$got" ]; ok $? "and every statement it helps, with its cost before and after"
grep -Eq '^--      [0-9.]+ -> [0-9.]+ \(-[0-9.]+%\) queryid -?[0-9]+: SELECT ' "$dir/adv.sql"
ok $? "a helped statement's line has both costs, the change and the text"
[ "$(grep -c '^### [0-9]*\. `' "$dir/adv.md")" = "$npicks" ] && grep -q '^- HOT: ' "$dir/adv.md" &&
    grep -q '^| Query id | Statement | Cost before | Cost after | Change |$' "$dir/adv.md"
ok $? "the Markdown report has the evidence of each index"
"$IXT_PROG" review --session "$dir/adv.json" --format json >"$dir/adv_list.json" 2>/dev/null &&
    [ "$(jq '[.[] | select(.impact.hot_breaks >= 0)] | length' "$dir/adv_list.json")" = "$npicks" ] &&
    [ "$(jq '[.[] | select(.helped | length > 0)] | length' "$dir/adv_list.json")" = "$nhelping" ]
ok $? "review --format json lists each index's evidence too"
"$IXT_PROG" export --session /nonexistent.json 2>"$dir/err4"; [ $? = 1 ] && grep -q "nonexistent.json" "$dir/err4"
ok $? "a missing session file is a clear error"
echo '{"idxtune_session": 7, "accepted": []}' > "$dir/new.json"
"$IXT_PROG" export --session "$dir/new.json" 2>"$dir/err5"; [ $? = 1 ] && grep -q "newer than this idxtune" "$dir/err5"
ok $? "a newer session version is a clear error"
exit $fails
