\set t random_exponential(1, 200, 8)
\set u random(1, :nusers)
SELECT set_config('app.tenant_id', :t::text, false);
SELECT id, tenant_id, name FROM users WHERE lower(email) = lower('user' || :u || '@tenant' || :t || '.example.com');
