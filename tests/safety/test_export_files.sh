#!/usr/bin/env bash
# The files `idxtune export` writes: a new file gets 0666 less the umask,
# a replaced one (--force) keeps its mode, -o, --rollback and --session must
# be three different files (whatever the spelling of the path), and a
# symbolic link is never written through or replaced.
. "$(dirname "$0")/lib.sh"
dir=$(mktemp -d /tmp/ixt-files.XXXXXX)
trap 'rm -rf "$dir"' EXIT
cat >"$dir/s.json" <<'JSON'
{"idxtune_session": 1, "connection": "me@h:5432/db", "server_version": "15.0",
 "accepted": [{"name": "t_a_idx", "schema": "public", "table": "t", "method": "btree",
               "definition": "CREATE INDEX ON t (a)", "size_bytes": 8192, "write_rate": -1,
               "evidence": {"statement": "SELECT 1", "queryid": 0, "cost_before": 2, "cost_after": 1,
                            "measured": false, "median_ms_before": 0, "median_ms_after": 0, "build_ms": 0}}],
 "rejected": []}
JSON
mode() { stat -c %a "$1"; }
export_to() { "$IXT_PROG" export --session "$dir/s.json" "$@" 2>"$dir/err"; }

for m in 077:600 022:644 002:664; do
    rm -f "$dir/up.sql" "$dir/down.sql"
    (umask "${m%%:*}" && export_to -o "$dir/up.sql" --rollback "$dir/down.sql")
    [ "$(mode "$dir/up.sql")" = "${m#*:}" ] && [ "$(mode "$dir/down.sql")" = "${m#*:}" ]
    ok $? "umask ${m%%:*}: the files are ${m#*:} ($(mode "$dir/up.sql"))"
done

echo old >"$dir/up.sql"
chmod 600 "$dir/up.sql"
(umask 022 && export_to -o "$dir/up.sql" --force)
[ "$(mode "$dir/up.sql")" = 600 ] && grep -q "CREATE INDEX" "$dir/up.sql"
ok $? "--force replaces a 0600 file and keeps it 0600 ($(mode "$dir/up.sql"))"
ls "$dir" | grep -q tmp; [ $? = 1 ]; ok $? "no temporary file is left behind"

rm -f "$dir/up.sql"
mkdir "$dir/sub" && ln -s "$dir/sub" "$dir/link"
for same in "$dir/up.sql" "$dir/./up.sql" "$dir/sub/../up.sql"; do
    export_to -o "$dir/up.sql" --rollback "$same"
    rc=$?
    [ "$rc" = 2 ] && grep -q "three different files" "$dir/err" && [ ! -e "$dir/up.sql" ]
    ok $? "--rollback $same is -o: refused (exit $rc)" "$(cat "$dir/err")"
done
export_to -o "$dir/sub/up.sql" --rollback "$dir/link/up.sql"
[ $? = 2 ] && [ ! -e "$dir/sub/up.sql" ]; ok $? "--rollback through a linked directory is -o: refused"
cp "$dir/s.json" "$dir/keep.json"
export_to -o "$dir/s.json" --force
[ $? = 2 ] && cmp -s "$dir/s.json" "$dir/keep.json"; ok $? "-o the session file itself: refused, the session intact"

echo precious >"$dir/target"
ln -s "$dir/target" "$dir/up.sql"
export_to -o "$dir/up.sql" --force
rc=$?
[ "$rc" = 1 ] && grep -q "symbolic link" "$dir/err" && [ -L "$dir/up.sql" ] && [ "$(cat "$dir/target")" = precious ]
ok $? "-o a symbolic link: refused, the link and its target untouched (exit $rc)" "$(cat "$dir/err")"
rm "$dir/up.sql"
ln -s "$dir/nowhere" "$dir/up.sql"
export_to -o "$dir/up.sql"
[ $? = 1 ] && [ -L "$dir/up.sql" ] && [ ! -e "$dir/nowhere" ]
ok $? "-o a dangling symbolic link: refused, nothing created"
safety_finish
