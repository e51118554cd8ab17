#!/usr/bin/env bash
# advise and the foreign-key lookups a DELETE makes the server run, in a
# database of its own: one per parent row removed, a scan of the child
# table each when no index of it leads with the key.  The advice names
# the lookup, what fires it and how often, counts it apart from the
# statements given, and proposes the child's index; once that index
# exists, no lookup is advised.
set -u
cd "$(dirname "$0")/../.."
. tests/hypopg.sh
echo "1..5"
. "$(dirname "$0")/../tap.sh"
. tests/owndb.sh idxfk
sql() { psql -X -q -d "$db" -v ON_ERROR_STOP=1 >"$dir/setup" 2>&1; }
createdb "$db" && sql <<'EOF'
CREATE EXTENSION hypopg;
CREATE TABLE carts (id bigint PRIMARY KEY, updated_at timestamptz NOT NULL);
CREATE TABLE cart_items (id bigint PRIMARY KEY, cart_id bigint NOT NULL REFERENCES carts ON DELETE CASCADE,
                         sku text);
INSERT INTO carts SELECT g, timestamptz '2026-01-01' + g * interval '1 minute' FROM generate_series(1, 20000) g;
INSERT INTO cart_items SELECT g, 1 + g % 20000, 'sku' || g FROM generate_series(1, 100000) g;
ANALYZE carts, cart_items;
EOF
ok $? "carts and their items, no index on cart_items (cart_id)" "$(cat "$dir/setup")"
echo "DELETE FROM carts WHERE updated_at < timestamptz '2026-01-01 04:00';" >"$dir/w.sql"

"$IXT_PROG" -d "$db" advise --queries "$dir/w.sql" --format json >"$dir/out" 2>"$dir/err"
python3 -c "import json, sys
d = json.load(open(sys.argv[1]))
assert d['statements'] == 1 and d['foreign_key_lookups'] == 1, (d['statements'], d['foreign_key_lookups'])
ix = [x for x in d['indexes'] if x['definition'] == 'CREATE INDEX ON cart_items USING btree (cart_id)']
assert ix, [x['definition'] for x in d['indexes']]
h = [x for x in ix[0]['helps'] if x['lookup_for']]
assert len(h) == 1 and h[0]['lookup_for'].startswith('DELETE FROM carts'), ix[0]['helps']
assert h[0]['statement'].startswith('SELECT 1 FROM ONLY cart_items x WHERE x.cart_id = \$1::bigint'), h[0]
assert 'cart_items_cart_id_fkey' in h[0]['statement'], h[0]
# as often as the DELETE removes rows (240 planned), far cheaper with the index
assert 100 <= h[0]['weight'] <= 1000 and h[0]['cost_after'] < h[0]['cost_before'] / 10, h[0]
" "$dir/out" 2>"$dir/py"
ok $? "the lookup each deleted cart fires is advised, with its index" "$(cat "$dir/err" "$dir/py" "$dir/out")"

"$IXT_PROG" -d "$db" advise --queries "$dir/w.sql" >"$dir/text" 2>"$dir/err"
grep -q "^Advice for .*: 1 statements and 1 foreign-key lookup they make the server run," "$dir/text" &&
    grep -q "x[0-9]*  SELECT 1 FROM ONLY cart_items x WHERE x.cart_id" "$dir/text"
ok $? "the text says so, with how often" "$(cat "$dir/err" "$dir/text")"

psql -X -q -d "$db" -c "CREATE INDEX ON cart_items (cart_id)" >"$dir/setup" 2>&1
ok $? "cart_items (cart_id) made" "$(cat "$dir/setup")"
"$IXT_PROG" -d "$db" advise --queries "$dir/w.sql" --format json >"$dir/out" 2>"$dir/err"
python3 -c "import json, sys
d = json.load(open(sys.argv[1]))
assert d['statements'] == 1 and d['foreign_key_lookups'] == 0, d
assert all('cart_items' not in x['definition'] for x in d['indexes']), d['indexes']
" "$dir/out" 2>"$dir/py"
ok $? "once the key has its index, no lookup is advised" "$(cat "$dir/err" "$dir/py" "$dir/out")"
exit $fails
