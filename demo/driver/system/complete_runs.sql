UPDATE runs SET status = 'succeeded', finished_at = now()
 WHERE id IN (SELECT id FROM runs WHERE status = 'running' AND started_at < now() - interval '20 seconds' AND started_at > now() - interval '1 hour' ORDER BY started_at LIMIT 10 FOR UPDATE SKIP LOCKED);
