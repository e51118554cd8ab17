#!/usr/bin/env bash
# A colleague reviews a session from their own terminal: --review-only
# opens the Review screen, a approves, x rejects, t asks for a real trial,
# c comments (the reviewer is the connected role); a real trial and EXPLAIN
# ANALYZE are refused with a clear message; s saves the verdicts; and
# --diff-from shows what changed since the older session.
. "$(dirname "$0")/lib.sh"
dir=$(mktemp -d /tmp/ixt-verdicts.XXXXXX)
cd "$dir" || exit 1
jq -n '{idxtune_session: 1, connection: "dba@db:5432/idxdemo", server_version: "15.0",
        accepted: [range(2) as $i | {name: (["runs_status_idx", "runs_workflow_id_idx"][$i]), schema: "public",
                   table: "runs", method: "btree",
                   definition: (["CREATE INDEX ON runs (status)", "CREATE INDEX ON runs (workflow_id)"][$i]),
                   size_bytes: 8192, write_rate: 2.5,
                   evidence: {statement: "SELECT id FROM runs WHERE workflow_id = 17", queryid: 0, cost_before: 100,
                              cost_after: 8, measured: false, median_ms_before: 0, median_ms_after: 0, build_ms: 0}}],
        rejected: []}' >"$dir/old.json"
cp "$dir/old.json" "$dir/s.json"
me=$(psql -qAtX -c "SELECT current_user")

start v 140x45 -d idxdemo --load "$dir/s.json" --review-only
check v "Review: 2 accepted indexes, in rollout order, 0 approved.*read-only review" "--review-only opens the review"
check v "proposed: a approves, x rejects" "the verdict keys are shown"
keys v a
check v " 1  runs_status_idx +approved" "a approves the selected index"
check v "approved by $me at [0-9T:-]+Z" "by the connected role, with the time"
keys v Down x
check v " 2  runs_workflow_id_idx +rejected" "x rejects"
keys v t
check v " 2  runs_workflow_id_idx +needs real trial" "t asks for a real trial"
keys v c
check v "Comment \(Enter keeps it, empty removes it\):" "c prompts for a comment"
type_text v "check the write rate | <b>first</b>"
keys v Enter
check v "needs real trial by $me at .*: check the write rate \| <b>first</b>" "the comment is shown"
check v "1 approved \(not exported or saved\)" "the title counts the approved"
keys v Enter
check v "Lab" "Enter opens the lab"
# the lab has tried the index (its open runs as a job)
wait_for v "1 +used .*CREATE INDEX ON runs" 20
keys v r
check v "read-only review \(--review-only\): no real trial runs on the server" "a real trial is refused"
keys v Escape
keys v Escape
check v "Slow queries" "back to the queries"
keys v ':'
type_text v "SELECT id FROM runs WHERE workflow_id = 17"
keys v Enter
check v "Seq Scan on public.runs|Index Scan" "the hypothetical plan"
keys v a
check v "read-only review \(--review-only\): EXPLAIN ANALYZE does not run" "EXPLAIN ANALYZE is refused"
keys v R
check v "Review: 2 accepted" "back to the review"
keys v s C-u
type_text v "$dir/s.json"
keys v Enter
check v "The file exists: replace it\? y/n" "saving over the session asks"
keys v y Enter
check v "saved .*s.json" "s saves the verdicts"
[ "$(jq -r '[.accepted[] | .review.verdict] | join(",")' "$dir/s.json")" = "approved,needs_trial" ] &&
    [ "$(jq -r '.accepted[1].review.comment' "$dir/s.json")" = "check the write rate | <b>first</b>" ] &&
    [ "$(jq -r '.connection' "$dir/s.json")" = "dba@db:5432/idxdemo" ]
ok $? "the session file holds the verdicts and the comment, and keeps the proposer's connection"
keys v q
check v "EXITED 0" "quits"

jq '.accepted[0].name = "runs_by_status"' "$dir/s.json" >"$dir/new.json"
start w 140x45 -d idxdemo --load "$dir/new.json" --diff-from "$dir/old.json"
check w "Changes since the older session" "--diff-from opens the review with the changes"
check w "renamed +runs_by_status: runs_status_idx -> runs_by_status" "the rename"
check w "verdict +runs_by_status: proposed -> approved by $me" "and the verdicts"
check w "3 changes since .*old.json" "counted"
keys w D
check w "cost 100.00 -> 8.00" "D shows the evidence again"
keys w q
check w "EXITED 0" "quits"
cd / && rm -rf "$dir"
finish
