# Sourced by the shell tests: "ok STATUS NAME [DIAGNOSTIC]" prints a TAP
# line, "ok N - NAME" when STATUS is 0, else "not ok N - NAME" with the
# diagnostic's lines as comments; the test ends with "exit $fails".
n=0
fails=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fails=1; [ -n "${3:-}" ] && printf '%s\n' "$3" | sed 's/^/# /'; fi; }
