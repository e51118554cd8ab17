#!/usr/bin/env bash
# A plan of 10,000 nodes (a UNION ALL of 3,400 sorted subqueries: Append,
# then Limit, Sort and Seq Scan each) opens in the tree view, scrolls to
# its last node and folds, every key answered while the screen is polled.
. "$(dirname "$0")/lib.sh"

branches=$(seq 1 3400 | sed 's/.*/(SELECT id FROM big_plan_t WHERE id > & ORDER BY id LIMIT 1)/' | paste -sd'|' | sed 's/|/ UNION ALL /g')
psql -qX -v ON_ERROR_STOP=1 -d idxdemo >/dev/null <<SQL
DROP VIEW IF EXISTS big_plan_v;
DROP TABLE IF EXISTS big_plan_t;
CREATE TABLE big_plan_t (id int);
CREATE VIEW big_plan_v AS $branches;
SQL
ok $? "setup: a view over 3,400 subqueries"

start b 140x45 -d idxdemo
check b "Slow queries" "list shown"
keys b ':'
type_text b "SELECT * FROM big_plan_v"
keys b Enter
check b "Append" "the plan of 10,201 nodes opens" 60
keys b G
check b "Seq Scan on (public\.)?big_plan_t big_plan_t_3399" "G goes to the last node"
keys b g c
check b "\[\+\] Append" "c folds the root"
check_not b "Seq Scan on" "its 10,200 nodes are hidden"
keys b '*'
check b "Seq Scan on (public\.)?big_plan_t" "* opens them again"
keys b q
check b "EXITED 0" "quits"
psql -qX -d idxdemo -c "DROP VIEW big_plan_v; DROP TABLE big_plan_t" >/dev/null
finish
