\set t random_exponential(1, 200, 8)
\set w random_exponential(1, 2000, 6)
SELECT set_config('app.tenant_id', :t::text, false);
SELECT id, status, created_at, finished_at FROM runs WHERE workflow_id = :w ORDER BY created_at DESC LIMIT 50;
