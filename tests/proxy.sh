# Sourced by the tests (and benchmarks) that reach the server through a TCP
# proxy: start_proxy SCRIPT ARGS... runs the python proxy SCRIPT on a free
# port of 127.0.0.1 in front of $PGPORT (SCRIPT PORT PGPORT ARGS...) and
# returns once it listens.  $proxy_port is its port, $proxy_pid its
# process, for the caller's trap; proxied CMD runs CMD through it.
start_proxy() {
    local script=$1
    shift
    proxy_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    python3 "$script" "$proxy_port" "$PGPORT" "$@" &
    proxy_pid=$!
    for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$proxy_port") 2>/dev/null && return; sleep 0.1; done
}
proxied() { PGHOST=127.0.0.1 PGPORT=$proxy_port PGSSLMODE=disable PGGSSENCMODE=disable "$@"; }
