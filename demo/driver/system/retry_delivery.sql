\set d random(1, :ndel)
UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = now() + interval '5 minutes' WHERE id = :d AND status = 'failed';
