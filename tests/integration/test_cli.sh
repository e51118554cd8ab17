#!/usr/bin/env bash
# The command line: numbers are whole numbers in range (else a usage error,
# exit 2, naming the option), and connection options go before or after
# the subcommand.
set -u
n=0
fails=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fails=1; [ -n "${3:-}" ] && printf '%s\n' "$3" | sed 's/^/# /'; fi; }

# usage_error OPTION ARGS...: exit 2 and the message names OPTION.
usage_error() {
    local opt=$1 err rc
    shift
    err=$("$IXT_PROG" "$@" 2>&1 >/dev/null)
    rc=$?
    [ "$rc" = 2 ] && printf '%s' "$err" | grep -q -- "$opt"
    ok $? "$* -> usage error naming $opt (exit $rc)" "$err"
}
usage_error --limit top --once --limit 5abc
usage_error --limit top --once --limit 99999999999999999999
usage_error --limit top --once --limit ''
usage_error --limit top --once --limit 0
usage_error --top advise --top 3x
usage_error --queryid explain --queryid ''
usage_error --queryid explain --queryid 12abc
usage_error --queryid explain --queryid 99999999999999999999

out=$("$IXT_PROG" -p "$PGPORT" -d idxdemo top --once --limit 2 2>&1)
rc=$?
[ "$rc" = 0 ] && printf '%s' "$out" | grep -q "queryid"
ok $? "idxtune -p PORT -d DB top --once: options before the subcommand (exit $rc)" "$out"
out=$("$IXT_PROG" top -p "$PGPORT" --once -d idxdemo --limit 2 2>&1)
rc=$?
[ "$rc" = 0 ] && [ "$(printf '%s\n' "$out" | wc -l)" = 3 ]
ok $? "options mixed around the subcommand, --limit 2 honoured (exit $rc)" "$out"
out=$("$IXT_PROG" top --once idxdemo extra 2>&1)
rc=$?
[ "$rc" = 2 ] && printf '%s' "$out" | grep -q "unexpected argument 'extra'"
ok $? "a second database name is a usage error (exit $rc)" "$out"
exit $fails
