SELECT id, webhook_id, attempts FROM webhook_deliveries WHERE status = 'failed' AND next_attempt_at <= now() ORDER BY next_attempt_at LIMIT 50;
