#!/usr/bin/env bash
# The build on machines unlike the dev box: no dpkg, a library missing,
# pkg-config missing, libpg_query found by a .pc file, and `make deps` as
# root and not.  Mostly `make -n` (the library check runs under -n too);
# one real build into a temporary BUILD directory.  TAP output.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TMP=$(mktemp -d /tmp/idxtune-build-test.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
# a make of our own, not a job of the make that runs the suite
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
N=0
FAILED=0

ok() {
    N=$((N + 1))
    if [ "$1" = 0 ]; then
        echo "ok $N - $2"
    else
        echo "not ok $N - $2"
        FAILED=1
        [ -f "$TMP/out" ] && sed 's/^/# | /' "$TMP/out" | tail -20
    fi
}

# fakebin DIR TOOL...: a PATH directory with every /usr/bin tool except
# dpkg, apt and the tools named (removed, or replaced by scripts below).
fakebin() {
    local dir=$1; shift
    mkdir -p "$dir"
    ln -s /usr/bin/* "$dir"/ 2>/dev/null
    rm -f "$dir"/dpkg* "$dir"/apt*
    local t
    for t in "$@"; do rm -f "$dir/$t"; done
}

# m PATH [VAR=VALUE...] ARGS...: make in the source tree, output in $TMP/out.
m() {
    local path=$1; shift
    env PATH="$path" make --no-print-directory -C "$ROOT" BUILD="$TMP/b" "$@" >"$TMP/out" 2>&1
}
has() { grep -qE -- "$1" "$TMP/out"; }

# --- no dpkg: a plain build never asks for it ---
fakebin "$TMP/nodpkg"
m "$TMP/nodpkg" -n
ok $? "no dpkg: make -n succeeds"
has ' -c src/util\.c' && ! has 'dpkg|apt-get'
ok $? "no dpkg: compiles, and the plan has no dpkg or apt-get"
m "$TMP/nodpkg" deps
ok $? "no dpkg: make deps does not fail"
has 'no dpkg here; install the equivalents of: .*libjansson-dev.*tmux'
ok $? "no dpkg: make deps names the packages to get another way"

# --- a library missing: named with its Debian package, before any compile ---
mkdir -p "$TMP/pc"
for d in $(pkg-config --variable pc_path pkg-config | tr : ' '); do
    [ -d "$d" ] && ln -sf "$d"/*.pc "$TMP/pc"/ 2>/dev/null
done
rm -f "$TMP/pc/jansson.pc"
PKG_CONFIG_LIBDIR=$TMP/pc m "$TMP/nodpkg" -n
ok $((! $?)) "jansson missing: make fails"
has "library 'jansson' not found by pkg-config \(Debian package libjansson-dev" && ! has "'libpq'|'ncursesw'"
ok $? "jansson missing: the message names jansson and libjansson-dev only"
! has ' -c src/'
ok $? "jansson missing: nothing is compiled"
PKG_CONFIG_LIBDIR=$TMP/nowhere m "$TMP/nodpkg" -n
has "'libpq'.*libpq-dev" && has "'ncursesw'.*libncurses-dev" && has "'jansson'.*libjansson-dev"
ok $? "no .pc files at all: every library is named"

fakebin "$TMP/nopc" pkg-config
m "$TMP/nopc" -n
ok $((! $?)) "pkg-config missing: make fails"
has 'pkg-config not found \(Debian package pkg-config'
ok $? "pkg-config missing: says so"

# --- libpg_query: a .pc file when there is one, else the documented fallback ---
m "$TMP/nodpkg" -n PG_QUERY_LIBS=-l:libpg_query_absent.a
ok $((! $?)) "libpg_query missing: make fails"
has "library 'libpg_query' not found.*libpg-query-dev.*PG_QUERY_LIBS" && ! has ' -c src/'
ok $? "libpg_query missing: named with its package and PG_QUERY_CFLAGS/LIBS, nothing compiled"
mkdir -p "$TMP/pgq"
printf 'Name: libpg_query\nDescription: test\nVersion: 15\nCflags: -I%s/pgq-marker\nLibs: -l:libpg_query.a\n' \
    "$TMP" >"$TMP/pgq/libpg_query.pc"
PKG_CONFIG_PATH=$TMP/pgq m "$TMP/nodpkg" -n
has "-I$TMP/pgq-marker .* -c src/util\.c"
ok $? "libpg_query.pc: its flags are used"
m "$TMP/nodpkg" -n PG_QUERY_CFLAGS=-I/opt/pgq/include
has "-I/opt/pgq/include .* -c src/util\.c"
ok $? "PG_QUERY_CFLAGS overrides the fallback"

# --- make deps: apt-get as root, the exact command otherwise ---
fakebin "$TMP/deb" id
cat >"$TMP/deb/dpkg-query" <<'EOF'
#!/bin/sh
# every package installed except tmux
for p in "$@"; do
    case $p in -*|tmux) ;; *) echo "$p install ok installed" ;; esac
done
EOF
printf '#!/bin/sh\necho "apt-get $*" >>"%s/apt.log"\n' "$TMP" >"$TMP/deb/apt-get"
printf '#!/bin/sh\necho "${FAKE_UID:-0}"\n' >"$TMP/deb/id"
chmod +x "$TMP/deb/dpkg-query" "$TMP/deb/apt-get" "$TMP/deb/id"
m "$TMP/deb" -n
! has 'dpkg|apt-get'
ok $? "plain make as root: no package installation in the plan"
FAKE_UID=0 m "$TMP/deb" deps
ok $? "make deps as root: succeeds"
grep -qE '^apt-get install .* tmux$' "$TMP/apt.log" 2>/dev/null
ok $? "make deps as root: apt-get installs just what is missing"
rm -f "$TMP/apt.log"
FAKE_UID=1000 m "$TMP/deb" deps
ok $((! $?)) "make deps as a user: fails"
has 'run:  sudo apt-get install -y tmux' && [ ! -f "$TMP/apt.log" ]
ok $? "make deps as a user: prints the exact command, installs nothing"

# --- one real build, no dpkg on the PATH (-O0: the build is the test), in
# a directory no make deps above has touched ---
m "$TMP/nodpkg" -j2 CFLAGS=-O0 BUILD="$TMP/real"
ok $? "no dpkg: a real build succeeds"
"$TMP/real/idxtune" --version >"$TMP/out" 2>&1 && has '0\.[0-9]+\.[0-9]+'
ok $? "and the binary runs"
exit "$FAILED"
