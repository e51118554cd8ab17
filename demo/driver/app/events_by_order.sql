\set t random_exponential(1, 200, 8)
\set o random(1, 200000)
SELECT set_config('app.tenant_id', :t::text, false);
SELECT id, kind, created_at FROM events WHERE payload->>'order_id' = 'ord-' || :o;
