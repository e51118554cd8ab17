-- Foreign keys, added after loading (one validation scan each is much faster
-- than a check per inserted row).  No secondary indexes.
ALTER TABLE users ADD FOREIGN KEY (tenant_id) REFERENCES tenants;
ALTER TABLE workflows ADD FOREIGN KEY (tenant_id) REFERENCES tenants;
ALTER TABLE workflow_versions ADD FOREIGN KEY (workflow_id) REFERENCES workflows;
ALTER TABLE webhooks ADD FOREIGN KEY (tenant_id) REFERENCES tenants;
ALTER TABLE webhooks ADD FOREIGN KEY (workflow_id) REFERENCES workflows;
ALTER TABLE runs ADD FOREIGN KEY (tenant_id) REFERENCES tenants;
ALTER TABLE runs ADD FOREIGN KEY (workflow_id) REFERENCES workflows;
ALTER TABLE runs ADD FOREIGN KEY (webhook_id) REFERENCES webhooks;
ALTER TABLE run_steps ADD FOREIGN KEY (run_id) REFERENCES runs;
ALTER TABLE run_logs ADD FOREIGN KEY (run_id) REFERENCES runs;
ALTER TABLE webhook_deliveries ADD FOREIGN KEY (tenant_id) REFERENCES tenants;
ALTER TABLE webhook_deliveries ADD FOREIGN KEY (webhook_id) REFERENCES webhooks;
ALTER TABLE webhook_deliveries ADD FOREIGN KEY (run_id) REFERENCES runs;
ALTER TABLE events ADD FOREIGN KEY (tenant_id) REFERENCES tenants;
ALTER TABLE delivery_attempts ADD FOREIGN KEY (tenant_id) REFERENCES tenants;
