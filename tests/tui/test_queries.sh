#!/usr/bin/env bash
# The slow-query screen: starts, lists the demo statements, sorts, filters,
# shows the running-now tab and the help overlay, and quits.
. "$(dirname "$0")/lib.sh"

start q 120x40 -d idxdemo
check q "Slow queries \([0-9]+\)" "the slow-query list is shown"
check q "run_logs" "a demo statement is listed"
check q "Total(▼|v)" "sorted by total time, descending"
check q "PG [0-9]+\.[0-9]+ \| HypoPG (yes|missing)" "status line shows server version and HypoPG"
check q "Help.*Quit" "key bar at the bottom"

keys q '>'
check q "Calls(▼|v)" "> sorts by the next column (calls)"
keys q 'I'
check q "Calls(▲|\^)" "I inverts the sort order"

keys q '/'
type_text q "webhooks"
check q "filter: webhooks" "/ filters by text"
check_not q "run_logs" "rows not matching the filter are hidden"
# the match is drawn in its own style: in a row, an attribute starts right
# before it
matched() {
    local i
    for ((i = 0; i < 100; i++)); do
        tx capture-pane -e -p -t q | grep -qE $'FROM (\e\\[[0-9;]*m)+webhooks' && return 0
        sleep 0.1
    done
    return 1
}
matched
ok $? "the filter's match is highlighted in the rows" q
keys q Enter
keys q '/' Escape
check q "filter: -" "Esc clears the filter"

keys q Tab
check q "Running now \([0-9]+\)" "Tab shows the running-now tab"
check q "PID +Duration State" "running-now columns"
keys q Tab
check q "Indexes \([0-9]+\)" "Tab again: the indexes tab"
keys q Tab
check q "Calls(▲|\^)" "and again: back to the slow queries, sorted as before"

keys q '?'
check q "Keys: Queries" "? opens the help overlay"
check q "sort by the next column" "help lists the view's keys"
keys q Escape
check_not q "Keys: Queries" "Esc closes the help"

keys q q
check q "EXITED 0" "q quits with status 0"
finish
