\set t random_exponential(1, 200, 8)
\set c random(1, 50000)
SELECT set_config('app.tenant_id', :t::text, false);
SELECT id, kind, created_at FROM events WHERE payload @> jsonb_build_object('customer_id', :c) ORDER BY created_at DESC LIMIT 20;
