#!/usr/bin/env bash
# Workload advice from the TUI: W runs the advisor over the top statements
# with a progress bar, lists the picks, and A accepts one.
. "$(dirname "$0")/../hypopg.sh"
. "$(dirname "$0")/lib.sh"
start w 140x40 -d idxdemo
check w "Slow queries \([1-9][0-9]*\)" "list shown"
keys w W
check w "workload advice.*\(Esc cancels\)" "W shows its running line" 5
keys w '?'
wait_for w "Keys: Advice" 1 && screen w | grep -qE "workload advice.*\(Esc cancels\)"
ok $? "? is answered while the advice runs" w
keys w Escape
check w "workload advice.*\(Esc cancels\)" "Esc closes the help, the advice still runs" 1
keys w Escape
check w "workload advice cancelled" "the next Esc stops the advice, said in words" 2
check w "advice cancelled \(Esc goes back\)" "the advice screen says so too"
keys w Escape
check w "Slow queries \([1-9][0-9]*\)" "Esc goes back to the list"
keys w W
check w "Queries > Advice" "W opens the advice" 30
check w "Advice for the top [0-9]+ statements( \([0-9]+ one-off loads? left out\))?: weighted cost [0-9]+ -> [0-9]+ \(-[0-9.]+%\), [0-9]+ indexes" \
    "with the weighted cost before and after and the size" 30
check w " 1 +[0-9.]+ [kMG]?B +[0-9]+ +[0-9.]+ +[0-9]+  CREATE INDEX ON " "the picked indexes, with savings, writes and HOT"
check w "#1: size [0-9.]+ [kMG]?B \(HypoPG estimate [0-9.]+ [kMG]?B" "the selected pick's size, corrected and HypoPG's"
check w "saves [0-9.]+ cost/s of reads; costs [0-9.]+ writes/s on [a-z_]+ = [0-9.]+ cost/s; (no HOT update broken|breaks HOT)" \
    "its read saving, write cost and HOT impact"
check w "helps [1-9][0-9]* statements?, weighted cost [0-9]+ -> [0-9]+ \(-[0-9.]+%\) with the advice" \
    "the statements it helps, in all"
check w "[0-9.]+ -> +[0-9.]+ \( *-[0-9.]+%\)  x[0-9]+ +(SELECT|UPDATE|DELETE|WITH)" "and each one with its cost before and after"
keys w j
check w "#2: size" "the evidence follows the selection"
keys w k
stall_lab idxdemo
ok $? "setup: the lab's server process is held" w
keys w A
check w "(planning the statements with the index, for the evidence|accepting [a-z_]+).*\.\.\. .*\(Esc cancels\)" "A runs as a job: its running line shows while the server is slow" 2
keys w '?'
check w "Keys: Advice" "and keys are answered meanwhile" 2
keys w Escape
resume_lab
check w "accepted: CREATE INDEX ON [a-z_]+ \(.*\) as [a-z_]+ " "A accepts the selected index"
keys w R
check w "Review: 1 accepted index" "R reviews the accepted index"
keys w s C-u
type_text w "$T_DIR/w.json"
keys w Enter
check w "saved .*w.json" "s saves the session"
jq -e '.accepted[0] | .impact.size_hypo_bytes > 0 and .impact.hot_breaks >= 0 and (.helped | length) > 0 and
       .helped[0].cost_after < .helped[0].cost_before' "$T_DIR/w.json" >/dev/null
ok $? "the index accepted in W keeps HypoPG's size, the HOT impact and the statements it helps" w
keys w Escape
check w "Queries > Advice  " "Esc goes back to the advice"
keys w Enter
check w "Advice > Lab" "Enter opens the lab on the statement it helps most"
keys w Escape Escape q y
check w "EXITED 0" "quits"
finish
