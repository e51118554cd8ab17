#!/usr/bin/env bash
# The plan tree as a DBA uses it: open a statement's plan from the list,
# jump to the hottest node, fold and unfold, run ANALYZE with parameter
# values, type a query, cancel a long EXPLAIN ANALYZE with Esc.
. "$(dirname "$0")/lib.sh"

start p 140x45 -d idxdemo
check p "Slow queries \([0-9]+\)" "list shown"
keys p j Enter
check p "Queries > Plan" "j and Enter typed together open the row moved to"
check_not p "no statement selected" "without losing the move"
keys p Escape
check p "Slow queries" "back to the list"
keys p '/'
type_text p "FROM run_logs WHERE run_id"
keys p Enter
check p "SELECT seq, ts, level, message FROM run_logs" "filtered to the log tail statement"
keys p Enter
check p "Queries > Plan" "Enter opens the plan (breadcrumbs)"
check p "GENERIC PLAN" "a normalized statement gets a generic plan, and says so"
check p "Seq Scan on public.run_logs" "the plan tree shows the scan"
check p "index\?" "the selective seq scan is marked"
check p "Filter: \(\(run_logs.seq > \\\$2\) AND \(run_logs.run_id = \\\$1\)\)" "the detail pane shows the filter"
keys p g
check p "^ Limit .*│|^ Node" "g goes to the first node"
keys p H
check p "Filter:" "H jumps back to the hottest node"
keys p g c
check p "\[\+\] Limit" "c collapses the subtree"
check_not p "Seq Scan on public.run_logs" "folded nodes are hidden"
keys p '*'
check p "Seq Scan on public.run_logs" "* expands everything"

stall_lab idxdemo
ok $? "setup: the lab's server process is held" p
keys p a
check p "\\\$1 \(reading suggestions from pg_stats\)" "ANALYZE asks for \$1 at once while the server is slow" 2
resume_lab
check p "\\\$1 e\.g\. " "and fills in suggestions from pg_stats when they arrive"
keys p C-u
type_text p "4242"
keys p Enter
check p "\\\$2" "then asks for \$2"
keys p C-u
type_text p "0"
keys p Enter
check p "\\\$3" "and \$3 (the LIMIT)"
keys p C-u
type_text p "100"
keys p Enter
check p "ANALYZE  cost" "the ANALYZE plan is shown"
check p "Excl time" "with exclusive times"
keys p '?'
check p "Keys: Plan" "help overlay of the plan view"
check p "jump to the most expensive node" "lists the plan keys"
keys p Escape

keys p Escape
check p "Slow queries" "Esc goes back to the list"
keys p ':'
type_text p "DELETE FROM events WHERE id < 100"
keys p Enter
check p "Delete on public.events" "a typed query opens its plan"
keys p a
check p " ANALYZE  cost [0-9.]+ .*execution .*\(rolled back\)" "ANALYZE of a DELETE says it was rolled back, once it ran"
keys p Escape
keys p ':'
type_text p "SELECT attempt FROM delivery_attempts WHERE webhook_id = 42 AND attempted_at > now() - interval '7 days'"
keys p Enter
check p "Seq Scan on public.delivery_attempts_" "a query over the partitioned table opens its plan"
keys p g
check p "Partitions: [23] of 5 scanned \([23] pruned at executor start\)" "the Append says how many partitions are scanned"
keys p Escape
keys p ':'
type_text p "SELECT pg_sleep(10)"
keys p Enter
check p "Result" "plan of a slow statement"
keys p a
check p "EXPLAIN ANALYZE\.\.\. [0-9.]+ ?m?s \(Esc cancels\)" "ANALYZE shows its running line at once" 1
keys p '?'
check p "Keys: Plan" "a key is answered while it runs" 1
keys p Escape
check p "running EXPLAIN ANALYZE" "the help closes, the job still runs" 1
keys p Escape
check p "EXPLAIN ANALYZE cancelled" "Esc cancels it, said in words" 1
check_not p "canceling statement due to user request" "without the server's raw text"
keys p q
check p "EXITED 0" "quits"
finish
