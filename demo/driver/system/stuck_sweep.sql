SELECT id, tenant_id, workflow_id, started_at FROM runs WHERE status = 'running' AND started_at < now() - interval '1 hour' ORDER BY started_at LIMIT 100;
