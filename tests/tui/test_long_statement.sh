#!/usr/bin/env bash
# A statement longer than what the list keeps: listed by its beginning,
# and opened whole (its text read by query id) into a plan that holds its
# last condition.
. "$(dirname "$0")/lib.sh"

ors=$(seq -s ' OR run_id = ' 1 100)
psql -qAt -d idxdemo -c "SELECT count(*) FROM run_logs WHERE (run_id = $ors) AND level = 'tail-of-a-long-statement'" >/dev/null

start l 140x45 -d idxdemo
check l "Slow queries \([0-9]+\)" "list shown"
keys l '/'
type_text l 'run_id = $98 OR run_id = $99'
check l "no statement matches the filter" "the list keeps the beginning of a long text only"
keys l Escape
keys l '/'
type_text l 'run_id = $1 OR run_id = $2 OR run_id = $3'
keys l Enter
check l "the beginning; Enter reads it whole" "the detail says the text is cut"
keys l Enter
check l "Queries > Plan" "Enter opens the plan"
check l "GENERIC PLAN" "of the normalized statement"
check l "level = \\\$101" "planned from the full text: its last condition is in the plan"
keys l q
check l "EXITED 0" "quits"
finish
