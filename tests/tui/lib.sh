# Terminal test helpers: idxtune runs in a private tmux server, keys are
# typed with send-keys and the screen is read with capture-pane, as a person
# would use it.  Each check prints a TAP line.
TMUX_SOCK=${IXT_TMUX_SOCK:-idxtune-test}
T_N=0
T_FAILED=0

tx() { tmux -L "$TMUX_SOCK" "$@"; }

# idxtune runs in a scratch directory of its own, removed at the end, never
# in the tree: a key gone astray into a file prompt writes there.  Its
# ./themes is the tree's (idxtune also looks for themes relative to its
# working directory).  Files a test passes are given by absolute paths.
# T_CWD=DIR runs idxtune in DIR instead.
T_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
T_DIR=
trap '[ -n "$T_DIR" ] && rm -rf "$T_DIR"' EXIT

# start NAME COLSxROWS ARGS...: runs idxtune in a new session.
start() {
    local name=$1 size=$2; shift 2
    if [ -z "$T_DIR" ]; then
        T_DIR=$(mktemp -d /tmp/idxtune-tui.XXXXXX) && ln -s "$T_ROOT/themes" "$T_DIR/themes" || return 1
    fi
    tx kill-session -t "$name" 2>/dev/null
    tx new-session -d -s "$name" -c "${T_CWD:-$T_DIR}" -x "${size%x*}" -y "${size#*x}" \
        "env LANG=${T_LANG:-C.UTF-8} TERM=${T_TERM:-xterm-256color} ${T_ENV:-} $IXT_PROG $*; echo EXITED \$?; sleep 30"
}

screen() { tx capture-pane -p -t "$1"; }
keys() { local s=$1; shift; tx send-keys -t "$s" "$@"; }
# Literal text, one key at a time as typed.
type_text() { tx send-keys -t "$1" -l "$2"; }

# wait_for SESSION REGEX [SECONDS]: true once the screen matches.
wait_for() {
    local s=$1 re=$2 limit=${3:-10} i
    for ((i = 0; i < limit * 10; i++)); do
        screen "$s" | grep -qE -- "$re" && return 0
        sleep 0.1
    done
    return 1
}

ok() {
    T_N=$((T_N + 1))
    if [ "$1" = 0 ]; then
        echo "ok $T_N - $2"
    else
        echo "not ok $T_N - $2"
        T_FAILED=1
        if [ -n "${3:-}" ]; then
            echo "# screen of $3:"
            screen "$3" | sed 's/^/# | /'
        fi
    fi
}

# check SESSION REGEX DESCRIPTION [SECONDS]
check() {
    wait_for "$1" "$2" "${4:-10}"
    ok $? "$3" "$1"
}

# check_not SESSION REGEX DESCRIPTION: the screen does not match now.
check_not() {
    sleep 0.3
    ! screen "$1" | grep -qE -- "$2"
    ok $? "$3" "$1"
}

# stall_lab DB: stops idxtune's lab backend (SIGSTOP) once it is idle, as
# a slow link or a busy server would hold it; resume_lab lets it go.  The
# screen must keep answering meanwhile.
STALLED_PID=
stall_lab() {
    local i
    for ((i = 0; i < 100; i++)); do
        STALLED_PID=$(psql -qAtX -d "$1" -c "SELECT pid FROM pg_stat_activity WHERE application_name = 'idxtune/lab'
                      AND datname = current_database() AND state = 'idle' ORDER BY backend_start DESC LIMIT 1")
        [ -n "$STALLED_PID" ] && kill -STOP "$STALLED_PID" && return 0
        sleep 0.1
    done
    return 1
}
resume_lab() {
    [ -n "$STALLED_PID" ] && kill -CONT "$STALLED_PID"
    STALLED_PID=
}

finish() {
    resume_lab
    tx kill-server 2>/dev/null
    [ -n "$T_DIR" ] && rm -rf "$T_DIR"
    T_DIR=
    return "$T_FAILED"
}
