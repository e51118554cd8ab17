#!/usr/bin/env bash
# A NOTICE the server sends while a statement is planned (here from an
# immutable function folded at plan time) is kept for the status line,
# never written over the screen.
. "$(dirname "$0")/../tui/lib.sh"
psql -qAtX -d idxdemo -c "CREATE OR REPLACE FUNCTION ixt_noisy() RETURNS int IMMUTABLE LANGUAGE plpgsql
    AS \$\$BEGIN RAISE NOTICE 'NOISY-NOTICE-MARK'; RETURN 1; END\$\$" >/dev/null
start n 120x30 -d idxdemo
check n "Slow queries \([0-9]+\)" "list shown"
keys n ':'
type_text n "SELECT * FROM runs WHERE id = ixt_noisy()"
keys n Enter
check n "Index Scan using runs_pkey" "the statement is planned"
check_not n "NOISY-NOTICE-MARK" "the server's notice is not printed over the screen"
keys n q
psql -qAtX -d idxdemo -c "DROP FUNCTION ixt_noisy()" >/dev/null
finish
