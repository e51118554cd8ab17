#!/usr/bin/env bash
# A server that goes away: the screen says so and stays usable; idxtune
# reconnects when the server is back.
. "$(dirname "$0")/lib.sh"
pgctl() { bash "$(dirname "$0")/../sandbox.sh" ctl "$IXT_SANDBOX" "$@"; }
start r 120x30 -d idxdemo -r 0.5
check r "Slow queries \([0-9]+\)" "list shown"
pgctl -m fast -w stop >/dev/null
check r "server unreachable, retrying" "a dead server is shown in the status line"
keys r '?'
check r "Keys: Queries" "the keyboard still answers"
keys r Escape
pgctl -l "$IXT_SANDBOX/server.log" -w start >/dev/null
check r "reconnected to postgres@" "idxtune reconnects when the server is back" 15
check r "Slow queries \([1-9][0-9]*\)" "and lists statements again" 10
keys r ':'
type_text r "SELECT count(*) FROM runs"
keys r Enter
check r "Aggregate" "the lab connection works again (a plan opens)"
keys r Escape q
check r "EXITED 0" "quits"
finish
