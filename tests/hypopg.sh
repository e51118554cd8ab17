# Sourced by the shell tests that need HypoPG (hypothetical indexes): on a
# server without it (the other PostgreSQL versions of tests/versions) the
# test reports itself skipped, with the reason, in TAP.
if [ "$(psql -qAtX -c "SELECT count(*) FROM pg_available_extensions WHERE name = 'hypopg'")" = 0 ]; then
    echo "1..0 # SKIP needs HypoPG (hypothetical indexes), not available on PostgreSQL $(psql -qAtX -c 'SHOW server_version')"
    exit 0
fi
