#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests and the demo.
#
#   tests/sandbox.sh start DIR   initdb + start; writes DIR/env (PGHOST, PGPORT, ...)
#   tests/sandbox.sh stop DIR    stop the server and remove DIR
#
# The server runs as the `postgres` user when started by root (initdb refuses
# root), keeps its data in DIR, listens on a unix socket in DIR and on
# 127.0.0.1 at a free port, and preloads pg_stat_statements and pg_qualstats.  Nothing else on
# the machine is touched.
set -euo pipefail

pg_bindir() {
    local d
    for d in /usr/lib/postgresql/15/bin $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        [ -x "$d/initdb" ] && { echo "$d"; return; }
    done
    echo "sandbox: no PostgreSQL server binaries found (apt-get install postgresql-15)" >&2
    exit 1
}

as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
    local p
    for p in $(shuf -i 20000-60000 -n 50); do
        if ! (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then echo "$p"; return; fi
    done
    echo "sandbox: no free port found" >&2; exit 1
}

start() {
    local dir=$1 bin port
    bin=$(pg_bindir)
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    chmod 700 "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    port=$(free_port)
    cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
shared_preload_libraries = 'pg_stat_statements, pg_qualstats'
pg_qualstats.sample_rate = 1
pg_stat_statements.track = all
pg_stat_statements.max = 10000
track_io_timing = on
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 256MB
maintenance_work_mem = 256MB
max_wal_size = 4GB
logging_collector = off
CONF
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null \
        || { cat "$dir/server.log" >&2; exit 1; }
    cat >"$dir/env" <<ENV
export PGHOST='$dir'
export PGPORT='$port'
export PGUSER=postgres
export PGDATABASE=postgres
export IXT_PG_BINDIR='$bin'
ENV
    echo "$dir"
}

stop() {
    local dir=$1 bin
    [ -d "$dir" ] || return 0
    bin=$(pg_bindir)
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
}

case "${1:-}" in
    start) start "${2:?directory}";;
    stop) stop "${2:?directory}";;
    *) echo "usage: $0 start|stop DIR" >&2; exit 2;;
esac
