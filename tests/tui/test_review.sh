#!/usr/bin/env bash
# Review and export as a DBA does it: accept two indexes in the lab, open
# the review, rename and reorder, export the files, save the session, quit;
# then reopen the session with --load.
. "$(dirname "$0")/../hypopg.sh"
. "$(dirname "$0")/lib.sh"
dir=$(mktemp -d /tmp/ixt-review.XXXXXX)
cd "$dir" || exit 1

start v 140x45 -d idxdemo
check v "Slow queries \([0-9]+\)" "list shown"
keys v ':'
type_text v "SELECT id FROM runs WHERE workflow_id = 17 AND status = 'failed' ORDER BY created_at DESC LIMIT 50"
keys v Enter
check v "Seq Scan on public.runs" "plan"
keys v i
check v "none yet: press c" "lab"
keys v c C-u
type_text v "CREATE INDEX ON runs (workflow_id, created_at DESC)"
keys v Enter
check v "1  used" "first index tried"
keys v A
check v "accepted: .* as runs_workflow_id_created_at_idx \(1 in the review set" "first accepted"
keys v c C-u
type_text v "CREATE INDEX ON runs (status) WHERE status = 'failed'"
keys v Enter
check v "2  .*runs \(status\)" "second index tried"
keys v Down A
check v "\(2 in the review set" "second accepted"
keys v R
check v "Queries > Plan > Lab > Review" "R opens the review"
check v "Review: 2 accepted indexes, in rollout order, 0 approved \(not exported or saved\)" "both listed"
check v "runs_workflow_id_created_at_idx" "with their names"
check v "cost [0-9.]+ -> [0-9.]+ \(-[0-9.]+%\)" "and their evidence"
keys v J
check v " 2  runs_workflow_id_created_at_idx" "J moves an index down"
keys v n C-u
type_text v "runs_by_workflow_recent"
keys v Enter
check v "runs_by_workflow_recent" "n renames it"
keys v e C-u
type_text v "$dir/rollout"
keys v Enter
check v "exported .*rollout.sql, .*rollout_rollback.sql and .*rollout.md" "e exports the three files"
[ -f "$dir/rollout.sql" ] && grep -q "CREATE INDEX CONCURRENTLY IF NOT EXISTS runs_by_workflow_recent ON public.runs" "$dir/rollout.sql"
ok $? "the exported SQL has the renamed index"
keys v e C-u
type_text v "$dir/rollout"
keys v Enter
check v "Files exist: replace them\? y/n" "exporting again asks before replacing"
keys v n
check v "not exported" "n keeps the files"
keys v s C-u
type_text v "$dir/session.json"
keys v Enter
check v "saved .*session.json" "s saves the session"
keys v q
check v "EXITED 0" "quits without asking once exported"
start w 140x45 -d idxdemo --load "$dir/session.json" 
check w "Slow queries" "the session reopens with --load"
keys w R
check w "Review: 2 accepted indexes" "with its indexes"
check w "runs_by_workflow_recent" "and their names"
# a new idxtune: the lab has no work of its own, the index comes from Review
keys w Enter
check w "Review > Lab" "Enter sends the selected index to the lab"
check w "1  (used|NOT USED) .*CREATE INDEX ON runs \(status\) WHERE" "the lab opens with that index tried"
keys w Escape
check w "Review: 2 accepted indexes" "Esc back to the review"
keys w q
check w "EXITED 0" "quits"
# --no-concurrently reaches the export of the review screen too
start x 140x45 -d idxdemo --load "$dir/session.json" --no-concurrently
check x "Slow queries" "the session reopens with --no-concurrently"
keys x R
check x "Review: 2 accepted indexes" "the review"
keys x e C-u
type_text x "$dir/plain"
keys x Enter
check x "exported .*plain.sql" "e exports"
# nothing is approved here: the statements are written commented out
grep -q "^-- CREATE INDEX IF NOT EXISTS runs_by_workflow_recent" "$dir/plain.sql" &&
    ! grep -q "CREATE INDEX CONCURRENTLY" "$dir/plain.sql"
ok $? "the exported SQL has plain CREATE INDEX"
keys x q
check x "EXITED 0" "quits"
cd / && rm -rf "$dir"
finish
