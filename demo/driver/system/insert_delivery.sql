\set h random(1, 5000)
\set r random(1, :nruns)
INSERT INTO webhook_deliveries (id, tenant_id, webhook_id, run_id, status, attempts, next_attempt_at, created_at)
SELECT nextval('deliveries_id_seq'), tenant_id, id, :r, 'pending', 0, now(), now() FROM webhooks WHERE id = :h;
