#!/usr/bin/env bash
# `make demo`: a throwaway PostgreSQL with the demo workload replaying in
# the background, and idxtune on it.  Everything is stopped and removed when
# idxtune exits (or on Ctrl-C).
set -euo pipefail
cd "$(dirname "$0")/.."
sandbox=$(mktemp -u /tmp/idxtune-demo.XXXXXX)
driver=
cleanup() {
    set +e
    if [ -n "$driver" ]; then
        kill "$driver" 2>/dev/null
        wait "$driver" 2>/dev/null
    fi
    bash tests/sandbox.sh stop "$sandbox"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
echo "starting a throwaway PostgreSQL in $sandbox ..."
bash tests/sandbox.sh start ${IXT_SERVER_BINDIR:+--bindir "$IXT_SERVER_BINDIR"} "$sandbox" >/dev/null
. "$sandbox/env"
t0=$(date +%s)
echo "loading the demo workload (scale ${IXT_DEMO_SCALE:-1}) ..."
bash demo/load.sh --scale "${IXT_DEMO_SCALE:-1}" --db idxdemo
echo "loaded in $(( $(date +%s) - t0 )) s; replaying it in the background"
bash demo/drive.sh --db idxdemo --once
bash demo/drive.sh --db idxdemo --seconds 86400 --clients 2 &
driver=$!
status=0
./idxtune -d idxdemo "$@" || status=$?
exit "$status"
