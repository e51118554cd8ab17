\set t random_exponential(1, 200, 8)
SELECT set_config('app.tenant_id', :t::text, false);
SELECT id, workflow_id, finished_at FROM runs WHERE tenant_id = :t AND status = 'failed' AND finished_at > now() - interval '7 days' ORDER BY finished_at DESC LIMIT 50;
