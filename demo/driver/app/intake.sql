\set t random_exponential(1, 200, 8)
\set w random(1, 2000)
\set h random(1, 5000)
\set o random(1, 100000)
SELECT set_config('app.tenant_id', :t::text, false);
INSERT INTO runs (id, tenant_id, workflow_id, webhook_id, status, run_at, queued_at, created_at, input)
VALUES (nextval('runs_id_seq'), :t, :w, :h, 'queued', now(), now(), now(), jsonb_build_object('order_id', 'ord-' || :o));
