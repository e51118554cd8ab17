BEGIN;
SELECT id, workflow_id FROM runs WHERE status = 'queued' AND run_at <= now() ORDER BY run_at LIMIT 10 FOR UPDATE SKIP LOCKED;
UPDATE runs SET status = 'running', started_at = now(), attempts = attempts + 1
 WHERE id IN (SELECT id FROM runs WHERE status = 'queued' AND run_at <= now() ORDER BY run_at LIMIT 10 FOR UPDATE SKIP LOCKED);
COMMIT;
