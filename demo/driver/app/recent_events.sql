\set t random_exponential(1, 200, 8)
SELECT set_config('app.tenant_id', :t::text, false);
SELECT id, kind, created_at FROM events WHERE tenant_id = :t AND created_at > now() - interval '1 hour' ORDER BY created_at DESC LIMIT 100;
