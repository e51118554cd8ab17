# Sourced by the tests of bulk writes: a table events loaded in bulk
# inside pg_stat_statements' window, and the reads an index on account
# helps.  Each prints SQL for psql.
reset="SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = current_database()), 0);"
reads() { for i in 1 2 3; do echo "SELECT count(*) FROM events WHERE account = $i;"; done; }
# the extensions, the table, the window started anew, a load of 200000 rows
load_events() {
    cat <<SQL
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
CREATE EXTENSION IF NOT EXISTS hypopg;
CREATE TABLE events (id bigint, account int, at timestamptz, body text);
$reset
INSERT INTO events SELECT g, g % 5000, now() - g * interval '1 s', 'x' FROM generate_series(1, 200000) g;
ANALYZE events;
SQL
}
