\set d random(1, :ndel)
INSERT INTO delivery_attempts (id, delivery_id, tenant_id, webhook_id, attempt, attempted_at, response_code, duration_ms)
SELECT nextval('attempts_id_seq'), id, tenant_id, webhook_id, attempts, now(), 503, 1200 FROM webhook_deliveries WHERE id = :d;
