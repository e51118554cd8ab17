#!/usr/bin/env bash
# make install under a prefix the build never saw: the installed idxtune,
# started from another directory, finds the themes in its own
# PREFIX/share/idxtune; make uninstall takes everything back out.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TMP=$(mktemp -d /tmp/idxtune-install-test.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
PREFIX=$TMP/opt/ixt
# a make of our own, not a job of the make that runs the suite
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES

make --no-print-directory -C "$ROOT" install BUILD="${IXT_BUILD:-build}" PREFIX="$PREFIX" >"$TMP/make.log" 2>&1
ok $? "make install PREFIX=$PREFIX"
[ -x "$PREFIX/bin/idxtune" ] && [ -f "$PREFIX/share/idxtune/themes/light.theme" ] \
    && [ -f "$PREFIX/share/man/man1/idxtune.1" ]
ok $? "binary, themes and man page installed"

# no ./themes here and no user themes: only the installed ones can be found
mkdir -p "$TMP/xdg"
IXT_PROG=$PREFIX/bin/idxtune T_CWD=$TMP T_ENV="XDG_CONFIG_HOME=$TMP/xdg" start inst 120x30 -d idxdemo --theme high-contrast
check inst "Slow queries" "the installed idxtune starts from another directory"
check_not inst "not found|built-in theme" "--theme high-contrast loads from PREFIX/share/idxtune/themes"
keys inst T
check inst "theme: light" "T cycles to light, another installed theme"
keys inst q
check inst "EXITED 0" "quits normally"

make --no-print-directory -C "$ROOT" uninstall BUILD="${IXT_BUILD:-build}" PREFIX="$PREFIX" >>"$TMP/make.log" 2>&1
[ -z "$(find "$PREFIX" -type f)" ]
ok $? "make uninstall removes every installed file"
finish
