\set t random_exponential(1, 200, 8)
\set r random(1, :nruns)
\set s random(5, 1000)
SELECT set_config('app.tenant_id', :t::text, false);
INSERT INTO run_logs (id, run_id, tenant_id, seq, ts, level, message)
VALUES (nextval('run_logs_id_seq'), :r, :t, :s, now(), 'info', 'progress ' || :s);
