\set t random_exponential(1, 200, 8)
SELECT set_config('app.tenant_id', :t::text, false);
SELECT id, email, role FROM users WHERE tenant_id = :t ORDER BY created_at DESC LIMIT 20;
