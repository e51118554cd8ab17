-- Row-level security by tenant.  The application connects as app_user and
-- sets app.tenant_id per transaction; the planner adds the policy predicate
-- to every statement it runs.
\ir app_user.sql

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['users', 'workflows', 'webhooks', 'runs', 'run_steps',
                             'run_logs', 'webhook_deliveries', 'delivery_attempts', 'events']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING '
                       '(tenant_id = current_setting(''app.tenant_id'')::int)', t);
    END LOOP;
END $$;
