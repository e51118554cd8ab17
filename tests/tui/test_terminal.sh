#!/usr/bin/env bash
# Terminal craft: resize and the smallest size, NO_COLOR, ASCII mode, theme
# switching and a broken theme file.
. "$(dirname "$0")/lib.sh"

start r 200x60 -d idxdemo
check r "Slow queries \([0-9]+\)" "starts at 200x60"
# in a scratch directory: a file name typed by mistake lands outside the tree
root=$(cd "$(dirname "$0")/../.." && pwd)
cwd=$(readlink "/proc/$(tx display-message -p -t r '#{pane_pid}')/cwd")
[ -n "$cwd" ] && [ "$cwd" != "$root" ] && [ "${cwd#"$root"/}" = "$cwd" ]
ok $? "idxtune runs outside the source tree (in $cwd)"
tx resize-window -t r -x 80 -y 24
check r "Help.*Quit" "resized to 80x24: key bar still shown"
check r "Slow queries" "resized to 80x24: list still shown"
[ "$(screen r | wc -L)" -le 80 ]; ok $? "nothing drawn past 80 columns" r
tx resize-window -t r -x 60 -y 20
check r "terminal too small: 60x20, idxtune needs 80x24" "a smaller terminal says what it needs"
tx resize-window -t r -x 200 -y 60
check r "PG [0-9]+\.[0-9]+ \| HypoPG" "back to 200x60: status line redrawn"
check_not r "terminal too small" "the small-terminal message is gone"
keys r q
check r "EXITED 0" "quits after resizing"

# NO_COLOR: no colour escape sequences in the drawn screen, selection by reverse video
T_ENV="NO_COLOR=1" start c 100x30 -d idxdemo
check c "Slow queries" "NO_COLOR starts"
tx capture-pane -e -p -t c > "${TMPDIR:-/tmp}/ixt-nocolor.txt"
! grep -qE $'\e\\[[0-9;]*(3[0-7]|4[0-7]|38;5|48;5)[;m]' "${TMPDIR:-/tmp}/ixt-nocolor.txt"; ok $? "NO_COLOR: no colours on screen" c
grep -qE $'\e\\[[0-9;]*7m' "${TMPDIR:-/tmp}/ixt-nocolor.txt"; ok $? "NO_COLOR: selection in reverse video" c
keys c q

# with colour the same screen has colours
start k 100x30 -d idxdemo
check k "Slow queries" "colour UI starts"
tx capture-pane -e -p -t k | grep -qE $'\e\\[[0-9;]*(3[0-9]|4[0-9])[;m]'; ok $? "colours on screen by default" k
keys k T
check k "theme: " "T switches the theme live"
keys k q

# ASCII mode: forced, and automatic when the locale is not UTF-8
start a 100x30 -d idxdemo --ascii
check a "Total(v)" "--ascii: ASCII sort arrow"
check_not a "▼|…" "--ascii: no UTF-8 drawing characters"
keys a q
T_LANG=C start l 100x30 -d idxdemo
check l "Total(v)" "C locale: ASCII automatically"
keys l q

# a broken theme file names the file and line and falls back
mkdir -p "${TMPDIR:-/tmp}/ixt-themes/idxtune/themes"
printf 'name = broken\ntitle = black on cyan\nselected = purpel on black\n' \
    > "${TMPDIR:-/tmp}/ixt-themes/idxtune/themes/broken.theme"
T_ENV="XDG_CONFIG_HOME=${TMPDIR:-/tmp}/ixt-themes" start b 120x30 -d idxdemo --theme broken
check b "broken.theme:3: unknown colour 'purpel'" "a broken theme names the file and line"
check b "Slow queries" "and idxtune keeps running with the built-in theme"
keys b q
check b "EXITED 0" "quits normally"
rm -rf "${TMPDIR:-/tmp}/ixt-themes"
finish
