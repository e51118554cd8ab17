#!/usr/bin/env bash
# Workload advice from the TUI: W runs the advisor over the top statements
# with a progress bar, lists the picks, and A accepts one.
. "$(dirname "$0")/../hypopg.sh"
. "$(dirname "$0")/lib.sh"
start w 140x40 -d idxdemo
check w "Slow queries \([1-9][0-9]*\)" "list shown"
keys w W
check w "Queries > Advice" "W opens the advice" 30
check w "Advice for the top [0-9]+ statements: weighted cost [0-9]+ -> [0-9]+ \(-[0-9.]+%\), [0-9]+ indexes" \
    "with the weighted cost before and after and the size" 30
check w " 1 +[0-9.]+ [kMG]?B +[0-9]+ +[0-9.]+ +[0-9]+  CREATE INDEX ON " "the picked indexes, with savings, writes and HOT"
keys w A
check w "1 in the review set: accepted CREATE INDEX ON " "A accepts the selected index"
keys w Enter
check w "Advice > Lab" "Enter opens the lab on the statement it helps most"
keys w Escape Escape q y
check w "EXITED 0" "quits"
finish
