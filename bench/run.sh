#!/usr/bin/env bash
# Benchmarks: speed and memory, measured here and never asserted in tests.
# Starts its own sandbox server; prints one "name value unit" line per figure.
set -u
cd "$(dirname "$0")/.."
BUILD=${IXT_BUILD:-build}
PROG=$(realpath "${IXT_PROG:-./idxtune}")
SANDBOX=$(mktemp -u /tmp/idxtune-bench.XXXXXX)
TMUX_SOCK=idxtune-bench
cleanup() {
    tmux -L "$TMUX_SOCK" kill-server 2>/dev/null
    bash tests/sandbox.sh stop "$SANDBOX"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# bench_monitors.sh holds 50,000 statements
IXT_PGSS_MAX=${IXT_PGSS_MAX:-60000} bash tests/sandbox.sh start "$SANDBOX" >/dev/null || exit 1
. "$SANDBOX/env"
echo "== demo workload"
t0=$(date +%s.%N)
bash demo/load.sh --scale "${IXT_BENCH_SCALE:-1}" --db idxdemo >/dev/null || exit 1
echo "demo_load_s $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')"
export PGDATABASE=idxdemo
bash demo/drive.sh --db idxdemo --once >/dev/null
bash demo/analytics/load.sh --scale "${IXT_BENCH_SCALE:-1}" --db idxtpch >/dev/null || exit 1
bash demo/analytics/drive.sh --db idxtpch >/dev/null
bash demo/saas/load.sh --scale "${IXT_BENCH_SCALE:-1}" --db idxsaas >/dev/null || exit 1
bash demo/saas/drive.sh --db idxsaas >/dev/null

for b in "$BUILD"/bench/bench_*; do
    [ -x "$b" ] && { echo "== $(basename "$b")"; "$b"; }
done

for b in bench/bench_*.sh; do
    [ -f "$b" ] && { echo "== $(basename "$b")"; IXT_PROG=$PROG TMUX_SOCK=$TMUX_SOCK bash "$b"; }
done
