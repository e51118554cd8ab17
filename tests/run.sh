#!/usr/bin/env bash
# The whole test run: cmocka unit tests, integration tests against a real
# PostgreSQL sandbox loaded with the demo workload, and terminal tests that
# drive idxtune in tmux.  Every test reports in TAP ("ok N - name" /
# "not ok N - name"); the last line counts them all.
#   tests/run.sh          everything
#   tests/run.sh --unit   the unit tests alone: no server, no tmux
#   IXT_ONLY=REGEX        only the tests whose name (e.g. "tui/test_lab.sh")
#                         matches the extended regular expression
#
# IXT_SERVER_BINDIR=DIR runs the server-side tests (no unit tests) against the
# server in DIR instead (tests/versions/run.sh); tests that need HypoPG skip
# there with the reason ("ok N # SKIP ..." or "1..0 # SKIP ...").
set -u
cd "$(dirname "$0")/.."
case "${1:-}" in
    "") UNIT_ONLY=false ;;
    --unit) UNIT_ONLY=true ;;
    *) echo "usage: tests/run.sh [--unit]" >&2; exit 2 ;;
esac
BUILD=${IXT_BUILD:-build}
export IXT_PROG=$(realpath "${IXT_PROG:-./idxtune}")
export IXT_TESTDATA=$PWD/tests/data
export IXT_SCALE=${IXT_SCALE:-0.1}
# a tmux server of this run's own: another run on the machine is left alone
export IXT_TMUX_SOCK=idxtune-test-$$
LOGDIR=$(mktemp -d /tmp/idxtune-test-logs.XXXXXX)
# Sanitizer reports of every process (the TUI in tmux too) land here.
export ASAN_OPTIONS="log_path=$LOGDIR/sanitizer:detect_leaks=1"
export UBSAN_OPTIONS="log_path=$LOGDIR/sanitizer:print_stacktrace=1:halt_on_error=1"
passed=0
failed=0
skipped=0

# Runs one TAP-speaking command and adds its counts.  A command that exits
# non-zero without reporting a failed test counts as one failure.
run_tap() {
    local name=$1; shift
    [ -n "${IXT_ONLY:-}" ] && ! [[ $name =~ $IXT_ONLY ]] && return
    local log="$LOGDIR/$(echo "$name" | tr '/ ' '__').log"
    "$@" >"$log" 2>&1
    local rc=$?
    local ok notok skip
    # skips: "ok N # SKIP", cmocka's "not ok N # SKIP name", "1..0 # SKIP why"
    skip=$(grep -cE '^((not )?ok .*# SKIP|1\.\.0 # SKIP)' "$log")
    ok=$(grep -E '^ok ' "$log" | grep -cv '# SKIP')
    notok=$(grep -E '^not ok ' "$log" | grep -cv '# SKIP')
    if [ "$rc" -ne 0 ] && [ "$notok" -eq 0 ]; then
        notok=1
        echo "not ok - $name exited with status $rc"
    elif [ $((ok + notok + skip)) -eq 0 ]; then
        # a test that reports nothing proves nothing (no TAP: IXT_RUN_TESTS)
        notok=1
        echo "not ok - $name reported no test"
    fi
    passed=$((passed + ok))
    failed=$((failed + notok))
    skipped=$((skipped + skip))
    printf '%-44s %3d passed, %d failed%s\n' "$name" "$ok" "$notok" "$( ((skip)) && echo ", $skip skipped")"
    grep -hE '^(1\.\.0 )?# (SKIP|skipped:) ' "$log" | sort -u | sed 's/^/    /'
    if [ "$notok" -ne 0 ]; then
        grep -E '^not ok |^# |ERROR|Assertion|error:' "$log" | head -40 | sed 's/^/    /'
        echo "    (full log: $log)"
    fi
}

# The end of every run: sanitizer reports count as a failure, logs are
# kept only when something failed, and the last line counts everything.
summary() {
    reports=$(ls "$LOGDIR"/sanitizer.* 2>/dev/null)
    if [ -n "$reports" ]; then
        echo "not ok - sanitizer reports:"
        head -60 $reports | sed 's/^/    /'
        failed=$((failed + 1))
    fi

    # logs are kept only when something failed
    [ "$failed" -eq 0 ] && rm -rf "$LOGDIR"
    echo
    echo "$passed passed, $failed failed$( ((skipped)) && echo ", $skipped skipped")"
    [ "$failed" -eq 0 ]
}

if [ -z "${IXT_SERVER_BINDIR:-}" ]; then
    echo "== unit tests"
    for t in "$BUILD"/tests/unit/test_*; do
        [ -x "$t" ] && run_tap "unit/$(basename "$t")" ${IXT_WRAP:-} "$t"
    done
fi

if $UNIT_ONLY; then
    summary
    exit
fi

if [ -z "${IXT_SERVER_BINDIR:-}" ]; then
    echo "== build tests (make on a fake PATH into a temporary BUILD)"
    for t in tests/build/test_*.sh; do
        [ -f "$t" ] && run_tap "build/$(basename "$t")" bash "$t"
    done
fi

echo "== sandbox PostgreSQL"
SANDBOX=$(mktemp -u /tmp/idxtune-sandbox.XXXXXX)
export IXT_SANDBOX=$SANDBOX
cleanup() {
    tmux -L "$IXT_TMUX_SOCK" kill-server 2>/dev/null
    bash tests/sandbox.sh stop "$SANDBOX"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
if bash tests/sandbox.sh start ${IXT_SERVER_BINDIR:+--bindir "$IXT_SERVER_BINDIR"} "$SANDBOX" >/dev/null; then
    # shellcheck disable=SC1091
    . "$SANDBOX/env"
    t0=$(date +%s)
    bash demo/load.sh --scale "$IXT_SCALE" --db idxdemo >"$LOGDIR/load.log" 2>&1 \
        || { echo "not ok - demo workload failed to load"; tail -20 "$LOGDIR/load.log"; failed=$((failed + 1)); }
    bash demo/drive.sh --db idxdemo --once >"$LOGDIR/drive.log" 2>&1 \
        || { echo "not ok - demo driver failed"; tail -20 "$LOGDIR/drive.log"; failed=$((failed + 1)); }
    { bash demo/analytics/load.sh --scale "$IXT_SCALE" --db idxtpch && bash demo/analytics/drive.sh --db idxtpch; } \
        >"$LOGDIR/analytics.log" 2>&1 \
        || { echo "not ok - analytic workload failed"; tail -20 "$LOGDIR/analytics.log"; failed=$((failed + 1)); }
    { bash demo/saas/load.sh --scale "$IXT_SCALE" --db idxsaas && bash demo/saas/drive.sh --db idxsaas; } \
        >"$LOGDIR/saas.log" 2>&1 \
        || { echo "not ok - project tracker workload failed"; tail -20 "$LOGDIR/saas.log"; failed=$((failed + 1)); }
    echo "demo workload loaded and replayed at scale $IXT_SCALE in $(( $(date +%s) - t0 )) s"
    export PGDATABASE=idxdemo

    echo "== integration tests"
    for t in "$BUILD"/tests/integration/test_*; do
        [ -x "$t" ] && run_tap "integration/$(basename "$t")" ${IXT_WRAP:-} "$t"
    done
    for t in tests/integration/test_*.sh; do
        [ -f "$t" ] && run_tap "integration/$(basename "$t")" bash "$t"
    done

    echo "== safety tests (the database afterwards)"
    for t in "$BUILD"/tests/safety/test_*; do
        [ -x "$t" ] && run_tap "safety/$(basename "$t")" ${IXT_WRAP:-} "$t"
    done
    for t in tests/safety/test_*.sh; do
        [ -f "$t" ] && run_tap "safety/$(basename "$t")" bash "$t"
    done

    echo "== terminal tests (tmux)"
    for t in tests/tui/test_*.sh; do
        [ -f "$t" ] && run_tap "tui/$(basename "$t")" bash "$t"
    done
else
    echo "not ok - the sandbox server did not start"
    failed=$((failed + 1))
fi
summary

