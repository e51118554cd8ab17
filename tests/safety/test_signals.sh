#!/bin/bash
# Ctrl-C, SIGTERM and a lost terminal while idxtune runs a long EXPLAIN
# ANALYZE of an UPDATE: the statement on the server is cancelled (no
# idxtune backend left active, no row lock held, the rows unchanged) and
# idxtune exits non-zero saying "cancelled".
cd "$(dirname "$0")/../.."
# the terminal helpers (start, keys, wait_for), then the safety ones,
# whose ok and counters this test reports with
. tests/tui/lib.sh
. tests/safety/lib.sh
IXT_PROG=${IXT_PROG:-./idxtune}
safety_db
SLOW="UPDATE t SET a = a + 1 WHERE id < 10 AND pg_sleep(20) IS NOT NULL"

# active_update: true once idxtune's UPDATE runs on the server.
active_update() {
    [ "$(psql -qAtX -d postgres -c "SELECT count(*) FROM pg_stat_activity
          WHERE application_name LIKE 'idxtune/%' AND state = 'active' AND query LIKE '%pg_sleep(20)%'")" = 1 ]
}
wait_active() {
    local i
    for ((i = 0; i < 100; i++)); do active_update && return 0; sleep 0.1; done
    return 1
}
# tcheck SESSION REGEX DESCRIPTION SECONDS: the screen shows it in time.
tcheck() {
    wait_for "$1" "$2" "$4"
    ok $? "$3" "$(screen "$1")"
}

# server_quiet: within 3 s no idxtune backend is active and nothing holds
# a lock on t.
server_quiet() {
    local i
    for ((i = 0; i < 30; i++)); do
        [ "$(psql -qAtX -d "$SAFETY_DB" -c "SELECT (SELECT count(*) FROM pg_stat_activity
              WHERE application_name LIKE 'idxtune/%' AND state <> 'idle')
              + (SELECT count(*) FROM pg_locks WHERE relation = 't'::regclass)")" = 0 ] && return 0
        sleep 0.1
    done
    return 1
}

for sig in INT TERM; do
    before=$(db_state)
    err=$(mktemp)
    # job control on: the background job gets SIGINT as from a terminal;
    # SIGINT back to its default too, as at a terminal, when this run was
    # itself started in the background (idxtune keeps an inherited ignore,
    # as nohup expects)
    set -m
    env --default-signal=INT "$IXT_PROG" explain --analyze -c "$SLOW" -d "$SAFETY_DB" >/dev/null 2>"$err" &
    pid=$!
    set +m
    wait_active
    ok $? "SIG$sig: the UPDATE runs on the server"
    kill -"$sig" "$pid"
    wait "$pid"
    rc=$?
    server_quiet
    ok $? "SIG$sig: within 3 s no idxtune backend is active and no lock on t is held"
    want=$((128 + $(kill -l "$sig")))
    [ "$rc" = "$want" ]
    ok $? "SIG$sig: exit status $want (got $rc)"
    grep -q "cancelled" "$err"
    ok $? "SIG$sig: says cancelled" "$(cat "$err")"
    assert_unchanged "$before" "SIG$sig: the rows are unchanged"
    rm -f "$err"
done

# The TUI: Ctrl-C while EXPLAIN ANALYZE runs, then a lost terminal (SIGHUP).
for how in C-c hup; do
    before=$(db_state)
    start sig 120x40 -d "$SAFETY_DB"
    wait_for sig "Slow queries"
    keys sig ':'
    type_text sig "$SLOW"
    keys sig Enter
    wait_for sig "Update on"
    keys sig a
    wait_active
    ok $? "TUI $how: the UPDATE runs on the server"
    if [ "$how" = C-c ]; then
        keys sig C-c
        tcheck sig "cancelled \(SIGINT\)" "TUI Ctrl-C: says cancelled" 5
        tcheck sig "EXITED 130" "TUI Ctrl-C: exit status 130" 5
    else
        pkill -HUP -P "$(tx display -p -t sig '#{pane_pid}')" idxtune
        tcheck sig "EXITED 129" "TUI SIGHUP: exit status 129" 5
    fi
    server_quiet
    ok $? "TUI $how: within 3 s no idxtune backend is active and no lock on t is held"
    tx kill-session -t sig
    assert_unchanged "$before" "TUI $how: the rows are unchanged"
done
tx kill-server 2>/dev/null
safety_finish
