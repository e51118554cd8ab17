# Sourced by the tests of --node: a small primary of its own (the suite's
# server binaries) with a hot standby, database idxnodes with a table t
# analyzed on the primary.  Sets P S (their directories), SPORT PPORT, and
# node_env DIR (runs as that server) and the cleanup on exit.
SANDBOX_SH=$(dirname "${BASH_SOURCE[0]}")/sandbox.sh
P=$(mktemp -u /tmp/ixt-nodes-p.XXXXXX)
S=$(mktemp -u /tmp/ixt-nodes-s.XXXXXX)
trap 'bash "$SANDBOX_SH" stop "$S"; bash "$SANDBOX_SH" stop "$P"' EXIT
node_env() { . "$1/env"; export PGDATABASE=idxnodes; }
bash "$SANDBOX_SH" start --bindir "$(cat "$IXT_SANDBOX/bindir")" "$P" >/dev/null || { echo "Bail out! primary"; exit 1; }
( node_env "$P"
  createdb idxnodes || exit 1
  psql -qX -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
CREATE EXTENSION pg_stat_statements;
CREATE TABLE t (id int, v int);
INSERT INTO t SELECT g, g % 100 FROM generate_series(1, 20000) g;
ANALYZE t;
-- the workload starts after the load, as the demo's does: the load's
-- rows are no writes of the advice's window
SELECT pg_stat_statements_reset();
SQL
  if [ "$(psql -qAtX -c "SELECT count(*) FROM pg_available_extensions WHERE name = 'hypopg'")" = 1 ]; then
      psql -qX -c "CREATE EXTENSION hypopg" >/dev/null
  fi ) || { echo "Bail out! primary set-up"; exit 1; }
bash "$SANDBOX_SH" standby "$P" "$S" >/dev/null 2>"$P.err"
case $? in
    0) ;;
    3) echo "1..0 # SKIP a standby needs pg_basebackup: $(cat "$P.err")"; rm -f "$P.err"; exit 0 ;;
    *) cat "$P.err"; rm -f "$P.err"; echo "Bail out! standby"; exit 1 ;;
esac
rm -f "$P.err"
PPORT=$(node_env "$P"; echo "$PGPORT")
SPORT=$(node_env "$S"; echo "$PGPORT")
HAVE_HYPOPG=$(node_env "$P"; psql -qAtX -c "SELECT count(*) FROM pg_extension WHERE extname = 'hypopg'")
# a statement run only on the standby
( node_env "$S"
  for i in 1 2 3; do psql -qAtX -c "SELECT count(*) FROM t WHERE v = 7" >/dev/null; done )
