DELETE FROM events WHERE id IN (SELECT id FROM events WHERE created_at < now() - interval '89 days' ORDER BY created_at LIMIT 50);
