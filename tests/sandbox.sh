#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests and the demo.
#
#   tests/sandbox.sh start [--bindir BIN] DIR   initdb + start; writes DIR/env (PGHOST, PGPORT, ...)
#   tests/sandbox.sh ctl DIR ARGS...            pg_ctl on DIR's cluster (stop/start in tests)
#   tests/sandbox.sh standby PRIMARY_DIR DIR    a hot standby of PRIMARY_DIR's cluster
#                                               (pg_basebackup -R -c fast); writes DIR/env
#   tests/sandbox.sh stop DIR                   stop the server and remove DIR
#
# BIN is the server's bin directory (default: Debian's PostgreSQL 15, else the
# newest installed); a relocatable build with its own lib/ next to bin/ (see
# tests/versions/fetch.sh) runs with that lib/ on LD_LIBRARY_PATH.
# The server runs as the `postgres` user when started by root (initdb refuses
# root), keeps its data in DIR, listens on a unix socket in DIR and on
# 127.0.0.1 at a free port, and preloads pg_stat_statements, and pg_qualstats
# where the build has it.  Nothing else on the machine is touched.
# IXT_PGSS_MAX sets pg_stat_statements.max (default 10000; the scale bench
# holds 50,000 statements).
set -euo pipefail

pg_bindir() {
    local d
    for d in /usr/lib/postgresql/15/bin $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        [ -x "$d/initdb" ] && { echo "$d"; return; }
    done
    echo "sandbox: no PostgreSQL server binaries found (apt-get install postgresql-15)" >&2
    exit 1
}

# Runs a server program of BINDIR as the cluster's owner.
as_owner() {
    local lib=$BINDIR/../lib
    # a relocatable build (modules in lib/postgresql) links its own lib/
    [ -d "$lib/postgresql" ] && set -- env LD_LIBRARY_PATH="$(realpath "$lib")" "$@"
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
    local dir=$1 bin=$BINDIR port so preload=pg_stat_statements
    mkdir -p "$dir"
    echo "$bin" >"$dir/bindir"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    chmod 700 "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    port=$(free_port)
    # Debian keeps modules in ../lib, the relocatable builds in ../lib/postgresql.
    for so in "$bin"/../lib/pg_qualstats.so "$bin"/../lib/postgresql/pg_qualstats.so; do
        [ -e "$so" ] && preload="$preload, pg_qualstats"
    done
    cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
shared_preload_libraries = '$preload'
pg_stat_statements.track = all
pg_stat_statements.max = ${IXT_PGSS_MAX:-10000}
track_io_timing = on
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 256MB
maintenance_work_mem = 256MB
max_wal_size = 4GB
logging_collector = off
CONF
    [[ $preload == *pg_qualstats* ]] && echo "pg_qualstats.sample_rate = 1" >>"$dir/data/postgresql.conf"
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null \
        || { cat "$dir/server.log" >&2; exit 1; }
    write_env "$dir" "$port" "$bin"
}

write_env() {
    cat >"$1/env" <<ENV
export PGHOST='$1'
export PGPORT='$2'
export PGUSER=postgres
export PGDATABASE=postgres
export IXT_PG_BINDIR='$3'
ENV
    echo "$1"
}

# A hot standby streaming from the sandbox in pdir: a base backup with the
# primary's settings, its own port and socket directory.
# pg_basebackup for a server of major version MAJOR: the server build's
# own, else an installed one of the same or a newer version (a build
# without client programs); exit status 3 when there is none.
basebackup_bin() {
    local major=$1 d
    [ -x "$BINDIR/pg_basebackup" ] && { echo "$BINDIR/pg_basebackup"; return; }
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        [ "$(basename "$(dirname "$d")")" -ge "$major" ] && [ -x "$d/pg_basebackup" ] && { echo "$d/pg_basebackup"; return; }
    done
    echo "no pg_basebackup for PostgreSQL $major (this server build has none)" >&2
    return 3
}

standby() {
    local pdir=$1 dir=$2 port pport
    BINDIR=$(cat "$pdir/bindir")
    pport=$(sed -n "s/^export PGPORT='\(.*\)'$/\1/p" "$pdir/env")
    mkdir -p "$dir"
    echo "$BINDIR" >"$dir/bindir"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    chmod 700 "$dir"
    local bb
    bb=$(basebackup_bin "$(cat "$pdir/data/PG_VERSION")") || exit 3
    BINDIR=$(dirname "$bb") as_owner "$bb" -h "$pdir" -p "$pport" -U postgres -D "$dir/data" -R -c fast \
        >"$dir/basebackup.log" 2>&1 || { cat "$dir/basebackup.log" >&2; exit 1; }
    port=$(free_port)
    cat >>"$dir/data/postgresql.conf" <<CONF
port = $port
unix_socket_directories = '$dir'
hot_standby = on
CONF
    as_owner "$BINDIR/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null \
        || { cat "$dir/server.log" >&2; exit 1; }
    write_env "$dir" "$port" "$BINDIR"
}

ctl() {
    local dir=$1; shift
    BINDIR=$(cat "$dir/bindir")
    as_owner "$BINDIR/pg_ctl" -D "$dir/data" "$@"
}

stop() {
    local dir=$1
    [ -d "$dir" ] || return 0
    if [ -f "$dir/data/postmaster.pid" ] && [ -f "$dir/bindir" ]; then
        ctl "$dir" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
}

BINDIR=
cmd=${1:-}; shift || true
if [ "$cmd" = start ] && [ "${1:-}" = --bindir ]; then
    BINDIR=$(realpath "${2:?bin directory}"); shift 2
    [ -x "$BINDIR/initdb" ] || { echo "sandbox: no initdb in $BINDIR" >&2; exit 1; }
fi
case "$cmd" in
    start) BINDIR=${BINDIR:-$(pg_bindir)}; start "${1:?directory}";;
    ctl) ctl "${1:?directory}" "${@:2}";;
    standby) standby "${1:?primary directory}" "${2:?directory}";;
    stop) stop "${1:?directory}";;
    *) echo "usage: $0 start [--bindir BIN] DIR | standby PRIMARY_DIR DIR | ctl DIR ARGS... | stop DIR" >&2; exit 2;;
esac
