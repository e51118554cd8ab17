\set t random_exponential(1, 200, 8)
\set h random(1, 5000)
SELECT set_config('app.tenant_id', :t::text, false);
SELECT id, workflow_id, secret FROM webhooks WHERE tenant_id = :t AND slug = 'hook-' || :h AND active;
