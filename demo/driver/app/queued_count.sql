\set t random_exponential(1, 200, 8)
SELECT set_config('app.tenant_id', :t::text, false);
SELECT count(*) FROM runs WHERE tenant_id = :t AND status = 'queued';
