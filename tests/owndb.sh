# Sourced by the shell tests that work in a database of their own:
# ". tests/owndb.sh NAME" sets $db to NAME, dropped first and on exit, and
# $dir to a temporary directory, removed on exit.  Notices stay quiet.
dir=$(mktemp -d)
db=$1
trap 'rm -rf "$dir"; dropdb --force --if-exists "$db" 2>/dev/null' EXIT
export PGOPTIONS="-c client_min_messages=warning"
dropdb --force --if-exists "$db" 2>/dev/null
