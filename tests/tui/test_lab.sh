#!/usr/bin/env bash
# The index lab as a DBA uses it: from a plan, type an index with Tab
# completion, see the cost delta at once, try a second one, apply the set to
# the workload, accept, and run a real trial that is rolled back.
. "$(dirname "$0")/../hypopg.sh"
. "$(dirname "$0")/lib.sh"
before=$(psql -qAtX -c "SELECT count(*) FROM pg_class WHERE relkind = 'i'")

start l 140x45 -d idxdemo
check l "Slow queries \([0-9]+\)" "list shown"
keys l ':'
type_text l "SELECT seq, message FROM run_logs WHERE run_id = 4242 AND seq > 0 ORDER BY seq"
keys l Enter
check l "Seq Scan on public.run_logs" "plan of a typed statement"
keys l i
check l "Queries > Plan > Lab" "i opens the lab"
check l "none yet: press c" "the lab starts without indexes"
check l "Suggestions \(press 1-5 to try one" "the advisor's suggestions for the statement are listed"
check l " 1 +-[0-9.]+% .*CREATE INDEX ON run_logs \(run_id" "the best one first, with its cost change and size"
keys l 1
check l "1  used .*CREATE INDEX ON run_logs \(run_id" "1 tries the first suggestion"
keys l d
check l "none yet: press c" "d drops it again"
keys l c
check l "Index: CREATE INDEX ON run_logs \(" "c starts a definition on the scanned table"
type_text l "run_i"
keys l Tab
check l "Index: CREATE INDEX ON run_logs \(run_id" "Tab completes a column"
type_text l ", se"
keys l Tab
type_text l ")"
check l "Index: CREATE INDEX ON run_logs \(run_id, seq\)" "and the next one"
keys l Enter
check l "1  used .*CREATE INDEX ON run_logs \(run_id, seq\)" "the index is active and used"
check l "Cost [0-9.]+ -> [0-9.]+  -[0-9.]+%" "the cost delta is shown"
check l "Index Scan using <[0-9]+>btree_run_logs_run_id_seq" "the new plan uses it"
check l "run_logs: [0-9]+ rows, .*run_logs_pkey \(idx_scan" "write context: existing indexes"
keys l c C-u
type_text l "CREATE INDEX ON run_logs (level)"
keys l Enter
check l "2  NOT USED .*run_logs \(level\)" "an index the planner ignores is marked NOT USED"
check l "the planner does not use this index" "and said so plainly"
keys l x
check l "rejected: CREATE INDEX ON run_logs \(level\)" "x rejects it, keeping the evidence"
keys l d
check_not l "2  NOT USED" "d drops it"
keys l w
check l "Effect on the top statements" "w applies the set to the workload"
stall_lab idxdemo
ok $? "setup: the lab's server process is held" l
keys l A
check l "accepting run_logs\.\.\. .*\(Esc cancels\)" "A runs as a job: its running line shows while the server is slow" 2
keys l '?'
check l "Keys: Lab" "and keys are answered meanwhile" 2
keys l Escape
resume_lab
check l "accepted: CREATE INDEX ON run_logs \(run_id, seq\) as run_logs_run_id_seq_idx \(1 in the review set" "A accepts with evidence"
keys l r
check l "Real trial on run_logs \(build ~[0-9.]+ m?s, lock timeout 2.0 s\)\?" "a real trial asks first, with its build estimate"
check l "build estimated [0-9.]+ m?s: a [0-9.]+ % sample built in [0-9]+ ms \(table [0-9.]+ MB\)" "the estimate is measured on a sample"
check l "y/n \(Esc: no\)" "with a one-key answer"
type_text l "y"
check l "real trial running|Measured: median" "y alone starts it, without Enter" 5
check l "Measured: median .* -> .*rolled back" "the real trial shows timings" 30
keys l r
check l "build estimated [0-9.]+ m?s \(table [0-9.]+ MB at [0-9.]+ MB/s measured by the last build\)" "the same index again: estimated from the build just measured"
keys l n
check l "real trial not started" "n declines"
keys l '?'
check l "Keys: Lab" "help overlay of the lab"
check l "real trial: build the indexes" "lists the lab keys"
check l "1-5 +try suggestion" "including 1-5"
keys l Escape
keys l Escape
check l "Queries > Plan  |Queries > Plan$|Queries > Plan " "Esc goes back to the plan"
keys l i
check l "1  used .*CREATE INDEX ON run_logs \(run_id, seq\)" "i again: the lab kept its index"
check l "Measured: median .* -> .*rolled back" "and its measurement"
keys l Escape
check l "Queries > Plan  |Queries > Plan$|Queries > Plan " "Esc back to the plan"
keys l a
check l " ANALYZE  cost" "ANALYZE runs in the plan view" 30
keys l i
check l "1  used .*CREATE INDEX ON run_logs \(run_id, seq\)" "i after ANALYZE: the lab kept its index"
keys l Escape Escape
check l "Slow queries" "back to the list"
# an index on a partitioned table: one HypoPG estimate on the parent, and a
# real trial that builds it on every partition
keys l ':'
type_text l "SELECT attempt FROM delivery_attempts WHERE webhook_id = 42"
keys l Enter
check l "Seq Scan on public.delivery_attempts_" "plan over the partitioned table"
keys l i
check l "none yet: press c" "the lab opens on it"
keys l c
check l "Index: CREATE INDEX ON delivery_attempts \($" "c starts a definition on the partitioned table, not on a partition"
keys l C-u
type_text l "CREATE INDEX ON delivery_attempts (webhook_id)"
keys l Enter
check l "1  used .*delivery_attempts \(webhook_id\)  -- size for 5 partitions together \(HypoPG's estimate on the parent\)" \
    "the size is HypoPG's estimate for all partitions together"
check l "delivery_attempts: [0-9]+ rows in 5 partitions" "the write context counts the partitions"
keys l r
check l "Real trial on delivery_attempts \(every partition, build ~[0-9.]+ m?s, lock timeout [0-9.]+ m?s\)\?" \
    "a real trial asks first, naming every partition"
check l "writers to delivery_attempts and its partitions may wait" "and says that writers to every partition may wait"
type_text l "n"
check l "real trial not started" "n does not start it"
keys l Escape Escape
check l "Slow queries" "back to the list"
# a gain that is only the planner's guess of a filter under a LIMIT
keys l ':'
type_text l 'SELECT id, kind FROM events WHERE payload @> $1 ORDER BY created_at DESC LIMIT 20'
keys l Enter
check l "Seq Scan on public.events" "plan of a statement filtering on a guess"
keys l i
check l "none yet: press c" "the lab opens on it"
keys l c C-u
type_text l "CREATE INDEX ON events (created_at)"
keys l Enter
check l "Index Scan Backward using <[0-9]+>btree_events_created_at" "the planner walks the new index in order"
check l "risky: cost [0-9]+ if matches are rare" "and the lab says the gain may not be one"
keys l d
check l "none yet: press c" "d drops it"
keys l Escape Escape
check l "Slow queries" "back to the list"
keys l q
check l "1 accepted index is not exported or saved: quit anyway\? y/n" "q asks first when accepted work would be lost"
keys l n
check l "quit anyway\? no" "n keeps idxtune running, and says so"
keys l q y
check l "EXITED 0" "y quits"
[ "$(psql -qAtX -c "SELECT count(*) FROM pg_class WHERE relkind = 'i'")" = "$before" ]
ok $? "no index was left behind"
finish
