#!/usr/bin/env bash
# The core's modules form layers: module A depends on module B when
# src/A.c or include/idxtune/A.h includes "idxtune/B.h".  No module may
# include the header of a module that depends on it, so the graph must be
# acyclic (tsort finds any loop).  The core never includes the UI or
# curses.  In ui/, views never open each other: a view returns a request
# and app.c, which owns navigation, acts on it; so no ui/view_*.c includes
# another view's header or calls another view's view_*_open/_new.  TAP
# output.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
N=0
FAILED=0
ok() {
    N=$((N + 1))
    if [ "$1" = 0 ]; then echo "ok $N - $2"; else echo "not ok $N - $2"; FAILED=1; fi
    [ "$1" = 0 ] || [ -z "${3:-}" ] || printf '%s\n' "$3" | sed 's/^/# /'
}

# "A B" per edge; a module with no edge still appears as "A A"
edges() {
    for c in src/*.c; do
        m=$(basename "$c" .c)
        echo "$m $m"
        for f in "$c" "include/idxtune/$m.h"; do
            [ -f "$f" ] || continue
            sed -n 's|^#include "idxtune/\([a-z_0-9]*\)\.h".*|\1|p' "$f" | while read -r dep; do
                [ "$dep" = "$m" ] || echo "$m $dep"
            done
        done
    done
}

e=$(edges)
loops=$(printf '%s\n' "$e" | tsort 2>&1 >/dev/null)
ok $? "the include graph of src/ has no loop" "$loops
$(printf '%s\n' "$e" | awk '$1 != $2' | sort -u)"

# every header a module includes belongs to a module of src/
missing=$(printf '%s\n' "$e" | awk '{print $2}' | sort -u | while read -r m; do
    [ -f "src/$m.c" ] || echo "idxtune/$m.h has no src/$m.c"; done)
[ -z "$missing" ]
ok $? "every core header belongs to a module" "$missing"

up=$(grep -nE '#include ["<](curses|ncurses|ncursesw/|app\.h|views\.h|draw\.h|cli\.h|batch\.h)' src/*.c include/idxtune/*.h)
[ -z "$up" ]
ok $? "the core includes neither curses nor the UI" "$up"

# ui/views.c is what the screens share: it opens none of them
crossed=$(for c in ui/view_*.c ui/views.c; do
    own=$(basename "$c" .c)
    sed -n 's|^#include "\(view_[a-z_0-9]*\)\.h".*|\1|p' "$c" | while read -r h; do
        [ "$h" = "$own" ] || echo "$c includes $h.h"
    done
    grep -noE '\bview_[a-z_0-9]+_(open|new)[a-z_]*[[:space:]]*\(' "$c" | while IFS=: read -r line call; do
        callee=$(printf '%s' "$call" | sed -E 's/_(open|new).*//')
        [ "$callee" = "$own" ] || echo "$c:$line calls ${call%%(*}"
    done
done)
[ -z "$crossed" ]
ok $? "views return requests to app.c instead of opening each other" "$crossed"

exit $FAILED
