\set t random_exponential(1, 200, 8)
\set h random(1, 5000)
SELECT set_config('app.tenant_id', :t::text, false);
SELECT attempt, attempted_at, response_code, duration_ms FROM delivery_attempts
 WHERE webhook_id = :h AND attempted_at > now() - interval '7 days' ORDER BY attempted_at DESC LIMIT 50;
