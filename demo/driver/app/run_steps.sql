\set t random_exponential(1, 200, 8)
\set r random(1, :nruns)
SELECT set_config('app.tenant_id', :t::text, false);
SELECT position, name, status, started_at, finished_at FROM run_steps WHERE run_id = :r ORDER BY position;
