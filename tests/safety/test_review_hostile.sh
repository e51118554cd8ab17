#!/usr/bin/env bash
# Hostile review comments and reviewer names (newline + DROP TABLE,
# backticks, pipes, HTML, terminal escapes), given with `idxtune review` or
# carried by a colleague's session file: the exported SQL applies with psql
# and creates nothing that is not approved, the rollback too, and the
# Markdown, the listing and the diff keep every field in its cell and line.
. "$(dirname "$0")/lib.sh"
export PGDATABASE=$SAFETY_DB PGOPTIONS="-c client_min_messages=warning"
dir=$(mktemp -d /tmp/ixt-review-hostile.XXXXXX)
trap 'rm -rf "$dir"' EXIT
safety_db

evil=$'ok\n; DROP TABLE victim; --\r\nCREATE INDEX evil ON t (b);\n```\n`x` | <img src=x onerror=alert(1)> <!-- *y* [l](http://e) \x1b[2J'
# three indexes on t: the name of the last one tries to end its comment line
jq -n --arg evil "$evil" --arg n3 $'t_c_idx\nCREATE INDEX evil2 ON t (b);\n--' \
    '{idxtune_session: 1, connection: "me@h:5432/db", server_version: "15.0",
      accepted: [range(3) as $i | {name: (["t_a_idx", "t_b_idx", $n3][$i]), schema: "public", table: "t",
                  method: "btree", definition: (["CREATE INDEX ON t (a)", "CREATE INDEX ON t (b)",
                  "CREATE INDEX ON t (c)"][$i]), size_bytes: 8192, write_rate: 1.5,
                  evidence: {statement: "SELECT 1", queryid: 0, cost_before: 2, cost_after: 1, measured: false,
                             median_ms_before: 0, median_ms_after: 0, build_ms: 0}}
                  + (if $i == 1 then {review: {verdict: "needs_trial", comment: $evil, by: $evil[0:100],
                                               at: "2026-11-24T10:00:00Z"}} else {} end)],
      rejected: []}' >"$dir/s.json"
cp "$dir/s.json" "$dir/old.json"
"$IXT_PROG" review --session "$dir/s.json" --reject t_a_idx --as "$(printf 'x%.0s' {1..201})" >/dev/null 2>"$dir/err"
[ $? = 1 ] && grep -q "reviewer's name is longer than 200 bytes" "$dir/err"
ok $? "a reviewer's name over 200 bytes is refused" "$(cat "$dir/err")"
"$IXT_PROG" review --session "$dir/s.json" --reject t_a_idx --comment "$evil" --as $'eve\n; DROP TABLE victim; |<b>`' \
    >"$dir/list" 2>"$dir/err"
ok $? "a hostile comment and reviewer are recorded" "$(cat "$dir/err")"
! grep -q $'\x1b' "$dir/list" && [ "$(grep -c 'DROP TABLE victim' "$dir/list")" = 2 ]
ok $? "the listing keeps each comment on its row, without terminal escapes" "$(cat -A "$dir/list")"

before=$(db_state)
"$IXT_PROG" export --session "$dir/s.json" -o "$dir/up.sql" --rollback "$dir/down.sql" 2>"$dir/err"
ok $? "exported" "$(cat "$dir/err")"
! grep -vE '^(--|$|SELECT |  FROM|  JOIN| WHERE)' "$dir/up.sql" "$dir/down.sql"
ok $? "every line of the files is a comment or one of the checks" "$(grep -vE '^(--|$|SELECT |  FROM|  JOIN| WHERE)' "$dir/up.sql" "$dir/down.sql")"
psql -qX -v ON_ERROR_STOP=1 -f "$dir/up.sql" >/dev/null 2>"$dir/psql" &&
    psql -qX -v ON_ERROR_STOP=1 -f "$dir/down.sql" >/dev/null 2>>"$dir/psql"
ok $? "the SQL and the rollback apply with psql" "$(cat "$dir/psql")"
assert_unchanged "$before" "nothing was approved: applying them creates no index and leaves victim alone"
"$IXT_PROG" export --session "$dir/s.json" --approved-only -o "$dir/only.sql" 2>/dev/null
psql -qX -v ON_ERROR_STOP=1 -f "$dir/only.sql" >/dev/null 2>"$dir/psql"
ok $? "--approved-only applies" "$(cat "$dir/psql")"
assert_unchanged "$before" "and creates nothing"

# approving one creates exactly that one
"$IXT_PROG" review --session "$dir/s.json" --approve t_a_idx --comment "$evil" --as alice >/dev/null 2>&1
"$IXT_PROG" export --session "$dir/s.json" -o "$dir/up2.sql" --rollback "$dir/down2.sql" --force 2>/dev/null
psql -qX -v ON_ERROR_STOP=1 -f "$dir/up2.sql" >/dev/null 2>"$dir/psql"
[ "$(sq "SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes WHERE tablename = 't'")" = "t_a_idx,t_pkey" ]
ok $? "once approved, exactly that index is created" "$(cat "$dir/psql")"
psql -qX -v ON_ERROR_STOP=1 -f "$dir/down2.sql" >/dev/null 2>"$dir/psql"
assert_unchanged "$before" "its rollback brings the catalog back"

"$IXT_PROG" export --session "$dir/s.json" --format md -o "$dir/r.md" 2>/dev/null
rows=$(sed -n '/^## Review/,/^## SQL/p' "$dir/r.md" | grep '^| [0-9]')
[ "$(printf '%s\n' "$rows" | wc -l)" = 3 ]; ok $? "the review table has one line per index" "$rows"
bad=$(printf '%s\n' "$rows" | awk '{ s = $0; gsub(/\\\\/, "", s); gsub(/\\\|/, "", s); n = gsub(/\|/, "", s); if (n != 7) print }')
[ -z "$bad" ]; ok $? "every row has exactly six cells" "$bad"
# past the number, the name's code span and the verdict: reviewer, time, comment
cells=$(printf '%s\n' "$rows" | sed -E 's/^\| [0-9]+ \| `[^`]*` \| \*\*[a-z ]+\*\* \|//')
! printf '%s\n' "$cells" | grep -qE '(^|[^\\])[<`*[]' && ! grep -q $'\x1b' "$dir/r.md"
ok $? "HTML, backticks, emphasis and links in comments are escaped" "$cells"
"$IXT_PROG" diff "$dir/old.json" "$dir/s.json" >"$dir/diff" 2>&1 &&
    "$IXT_PROG" diff "$dir/old.json" "$dir/s.json" --format md >"$dir/diff.md" 2>&1
ok $? "diff reads both" "$(cat "$dir/diff")"
[ "$(wc -l <"$dir/diff")" = 1 ] && ! grep -q $'\x1b' "$dir/diff"
ok $? "the text diff has one line for the one change" "$(cat -A "$dir/diff")"
bad=$(grep '^| verdict' "$dir/diff.md" | awk '{ s = $0; gsub(/\\\\/, "", s); gsub(/\\\|/, "", s); n = gsub(/\|/, "", s); if (n != 5) print }')
[ "$(grep -c '^| ' "$dir/diff.md")" = 2 ] && [ -z "$bad" ]; ok $? "the Markdown diff keeps the comment in its cell" "$(cat "$dir/diff.md")"

# a colleague's file with a bad review field is refused, naming it
jq '.accepted[1].review.at = "now; DROP TABLE victim"' "$dir/old.json" >"$dir/bad.json"
"$IXT_PROG" export --session "$dir/bad.json" 2>"$dir/err" >/dev/null
[ $? = 1 ] && grep -q 'accepted 2: review: "at" is not a time' "$dir/err"; ok $? "a bad time is refused, naming the field" "$(cat "$dir/err")"
jq '.accepted[1].review.verdict = "approved\nDROP"' "$dir/old.json" >"$dir/bad.json"
"$IXT_PROG" review --session "$dir/bad.json" 2>"$dir/err" >/dev/null
[ $? = 1 ] && grep -q 'review: "verdict" is not' "$dir/err"; ok $? "an unknown verdict is refused" "$(cat "$dir/err")"
[ "$(sq "SELECT count(*) FROM victim")" = 100 ]; ok $? "victim is intact"
safety_finish
