#!/usr/bin/env bash
# `make test-versions`: the server-side tests (tests/run.sh with
# IXT_SERVER_BINDIR) against PostgreSQL 14, 16, 17 and 18 from
# tests/versions/fetch.sh; `make test` covers Debian's 15.  Tests that need
# HypoPG (no build of it for these servers) are reported skipped.  Where the
# npm registry cannot be reached and nothing is cached, a version is skipped
# with the reason and the run does not fail.  Last line:
# "N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/../.."
BUILD=${IXT_BUILD:-build}
passed=0 failed=0 skipped=0 summary=""
for v in ${IXT_PG_VERSIONS:-14 16 17 18}; do
    t0=$(date +%s)
    if ! bindir=$(bash tests/versions/fetch.sh "$v" "$BUILD/pg" 2>"$BUILD/pg-fetch.err"); then
        reason=$(tail -1 "$BUILD/pg-fetch.err")
        summary+=$(printf '\nPostgreSQL %-3s skipped: %s' "$v" "$reason")
        echo "== PostgreSQL $v: skipped: $reason"
        continue
    fi
    echo "== PostgreSQL $v ($bindir)"
    IXT_SERVER_BINDIR=$bindir bash tests/run.sh | tee "$BUILD/pg-$v.log"
    last=$(tail -1 "$BUILD/pg-$v.log")
    read -r p f s < <(echo "$last" | sed -E 's/^([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?$/\1 \2 \4/')
    [[ $p =~ ^[0-9]+$ && $f =~ ^[0-9]+$ ]] || { p=0; f=1; }
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + ${s:-0}))
    summary+=$(printf '\nPostgreSQL %-3s %3d passed, %d failed, %d skipped in %d s' "$v" "$p" "$f" "${s:-0}" $(( $(date +%s) - t0 )))
done
echo "$summary"
echo
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
