#!/usr/bin/env bash
# The slow-query screen refreshing every second over 5,000 distinct
# statements: idxtune's CPU and memory, and the bytes it writes to the
# terminal per idle refresh (what crosses a slow SSH link).
set -u
psql -qAt -c "CREATE TABLE IF NOT EXISTS bench_many (a int)" >/dev/null
# IN lists of different lengths are distinct pg_stat_statements entries.
psql -qAt -c "SELECT pg_stat_statements_reset()" >/dev/null
for ((i = 1; i <= 5000; i += 250)); do
    {
        for ((k = i; k < i + 250 && k <= 5000; k++)); do
            printf 'SELECT count(*) FROM bench_many WHERE a IN (%s);\n' "$(seq -s, 1 "$k")"
        done
    } | psql -qAt >/dev/null
done
n=$(psql -qAt -c "SELECT count(*) FROM pg_stat_statements WHERE query LIKE '%bench_many%'")
echo "statements_in_pg_stat_statements $n"

tx() { tmux -L "$TMUX_SOCK" "$@"; }
out=$(mktemp)
tx new-session -d -s bench -x 120 -y 40 "$IXT_PROG -r 1"
sleep 3
pid=$(pgrep -f "^$IXT_PROG -r 1" | head -1)
read -r u0 s0 < <(awk '{print $14, $15}' "/proc/$pid/stat")
tx pipe-pane -o -t bench "cat >> $out"
sleep 20
tx pipe-pane -t bench
read -r u1 s1 < <(awk '{print $14, $15}' "/proc/$pid/stat")
hz=$(getconf CLK_TCK)
echo "refresh_cpu_pct $(awk -v t=$(( (u1 + s1) - (u0 + s0) )) -v hz="$hz" 'BEGIN { printf "%.2f", 100 * t / hz / 20 }')"
echo "refresh_rss_kb $(awk '/VmRSS/ {print $2}' "/proc/$pid/status")"
echo "refresh_peak_rss_kb $(awk '/VmHWM/ {print $2}' "/proc/$pid/status")"
echo "terminal_bytes_per_refresh $(( $(stat -c %s "$out") / 20 ))"
tx kill-session -t bench
rm -f "$out"
