#!/usr/bin/env bash
# SIGKILL of idxtune in the middle of a real trial leaves no index and no
# open transaction behind.
set -u
. "$(dirname "$0")/../tap.sh"
q() { psql -qAtX -c "$1"; }

before=$(q "SELECT count(*) FROM pg_class WHERE relkind = 'i'")
"$IXT_PROG" try -c "SELECT count(*) FROM run_logs WHERE message LIKE '%step 3%'" \
    --index "CREATE INDEX ON run_logs (message)" --real --runs 100 --lock-timeout 60s >/dev/null 2>&1 &
pid=$!
# wait until the index exists inside the trial's transaction (the runs with it)
for _ in $(seq 1 100); do
    phase=$(q "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'idxtune/batch'
               AND state = 'active' AND query LIKE '%EXPLAIN%' AND backend_xid IS NOT NULL")
    [ "$phase" = 1 ] && q "SELECT 1 FROM pg_locks l JOIN pg_stat_activity a USING (pid)
                           WHERE a.application_name = 'idxtune/batch' AND l.mode = 'ShareLock'" | grep -q 1 && break
    sleep 0.1
done
q "SELECT 1 FROM pg_locks l JOIN pg_stat_activity a USING (pid)
   WHERE a.application_name = 'idxtune/batch' AND l.mode = 'ShareLock'" | grep -q 1
ok $? "the trial holds its index build lock when it is killed"
kill -9 "$pid"
wait "$pid" 2>/dev/null
gone=1
for _ in $(seq 1 100); do
    left=$(q "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'idxtune/batch'")
    [ "$left" = 0 ] && { gone=0; break; }
    sleep 0.1
done
ok $gone "the server ended the killed trial's session"
[ "$(q "SELECT count(*) FROM pg_class WHERE relkind = 'i'")" = "$before" ]
ok $? "no index left in pg_class"
[ "$(q "SELECT count(*) FROM pg_stat_activity WHERE state LIKE 'idle in transaction%'")" = 0 ]
ok $? "no open transaction left"
[ "$(q "SELECT count(*) FROM pg_locks WHERE mode = 'ShareLock' AND locktype = 'relation'")" = 0 ]
ok $? "no lock left on the table"
exit $fails
