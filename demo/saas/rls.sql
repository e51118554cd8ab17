-- Row-level security by organisation.  The application connects as
-- app_user and sets app.tenant_id (its organisation) per transaction.
\ir ../app_user.sql

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['users', 'projects', 'tasks', 'comments', 'activity', 'invoices']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY org_isolation ON %I USING '
                       '(org_id = current_setting(''app.tenant_id'')::int)', t);
    END LOOP;
END $$;
