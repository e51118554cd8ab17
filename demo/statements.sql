-- The demo workload's statements with example values, one per ';'
-- (for `idxtune advise --queries`, `idxtune explain -f` and the tests).
SELECT id, workflow_id, secret FROM webhooks WHERE tenant_id = 3 AND slug = 'hook-42' AND active;
INSERT INTO runs (id, tenant_id, workflow_id, webhook_id, status, run_at, queued_at, created_at, input)
VALUES (nextval('runs_id_seq'), 3, 17, 42, 'queued', now(), now(), now(), jsonb_build_object('order_id', 'ord-77'));
SELECT id, status, created_at, finished_at FROM runs WHERE workflow_id = 17 ORDER BY created_at DESC LIMIT 50;
SELECT * FROM runs WHERE id = 4242;
SELECT seq, ts, level, message FROM run_logs WHERE run_id = 4242 AND seq > 1 ORDER BY seq LIMIT 100;
INSERT INTO run_logs (id, run_id, tenant_id, seq, ts, level, message)
VALUES (nextval('run_logs_id_seq'), 4242, 3, 77, now(), 'info', 'progress 77');
SELECT status, count(*) FROM runs WHERE tenant_id = 1 AND created_at > now() - interval '24 hours' GROUP BY status;
SELECT id, kind, created_at FROM events WHERE payload->>'order_id' = 'ord-4242';
SELECT id, kind, created_at FROM events WHERE payload @> jsonb_build_object('customer_id', 4242) ORDER BY created_at DESC LIMIT 20;
SELECT id, tenant_id, name FROM users WHERE lower(email) = lower('User42@Tenant1.example.com');
SELECT id, email, role FROM users WHERE tenant_id = 1 ORDER BY created_at DESC LIMIT 20;
SELECT id, kind, created_at FROM events WHERE tenant_id = 1 AND created_at > now() - interval '1 hour' ORDER BY created_at DESC LIMIT 100;
SELECT position, name, status, started_at, finished_at FROM run_steps WHERE run_id = 4242 ORDER BY position;
SELECT definition FROM workflow_versions WHERE workflow_id = 17 ORDER BY version DESC LIMIT 1;
SELECT id, workflow_id, finished_at FROM runs WHERE tenant_id = 1 AND status = 'failed' AND finished_at > now() - interval '7 days' ORDER BY finished_at DESC LIMIT 50;
SELECT count(*) FROM runs WHERE tenant_id = 1 AND status = 'queued';
INSERT INTO events (id, tenant_id, kind, created_at, payload)
VALUES (nextval('events_id_seq'), 3, 'order.created', now(), jsonb_build_object('order_id', 'ord-9', 'customer_id', 9));
SELECT id, workflow_id FROM runs WHERE status = 'queued' AND run_at <= now() ORDER BY run_at LIMIT 10 FOR UPDATE SKIP LOCKED;
UPDATE runs SET status = 'running', started_at = now(), attempts = attempts + 1
 WHERE id IN (SELECT id FROM runs WHERE status = 'queued' AND run_at <= now() ORDER BY run_at LIMIT 10 FOR UPDATE SKIP LOCKED);
UPDATE runs SET status = 'succeeded', finished_at = now()
 WHERE id IN (SELECT id FROM runs WHERE status = 'running' AND started_at < now() - interval '20 seconds' AND started_at > now() - interval '1 hour' ORDER BY started_at LIMIT 10 FOR UPDATE SKIP LOCKED);
SELECT id, tenant_id, workflow_id, started_at FROM runs WHERE status = 'running' AND started_at < now() - interval '1 hour' ORDER BY started_at LIMIT 100;
SELECT id, webhook_id, attempts FROM webhook_deliveries WHERE status = 'failed' AND next_attempt_at <= now() ORDER BY next_attempt_at LIMIT 50;
UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = now() + interval '5 minutes' WHERE id = 4242 AND status = 'failed';
INSERT INTO webhook_deliveries (id, tenant_id, webhook_id, run_id, status, attempts, next_attempt_at, created_at)
SELECT nextval('deliveries_id_seq'), tenant_id, id, 4242, 'pending', 0, now(), now() FROM webhooks WHERE id = 42;
SELECT attempt, attempted_at, response_code, duration_ms FROM delivery_attempts
 WHERE webhook_id = 42 AND attempted_at > now() - interval '7 days' ORDER BY attempted_at DESC LIMIT 50;
INSERT INTO delivery_attempts (id, delivery_id, tenant_id, webhook_id, attempt, attempted_at, response_code, duration_ms)
SELECT nextval('attempts_id_seq'), id, tenant_id, webhook_id, attempts, now(), 503, 1200 FROM webhook_deliveries WHERE id = 4242;
DELETE FROM events WHERE id IN (SELECT id FROM events WHERE created_at < now() - interval '89 days' ORDER BY created_at LIMIT 50);
SELECT t.id, t.name, count(r.id) AS runs_7d FROM tenants t JOIN runs r ON r.tenant_id = t.id
 WHERE r.created_at > now() - interval '7 days' GROUP BY t.id, t.name ORDER BY runs_7d DESC LIMIT 10;
