\set t random_exponential(1, 200, 8)
\set r random(1, :nruns)
\set s random(0, 2)
SELECT set_config('app.tenant_id', :t::text, false);
SELECT seq, ts, level, message FROM run_logs WHERE run_id = :r AND seq > :s ORDER BY seq LIMIT 100;
