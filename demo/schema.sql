-- The demo: a webhook-first workflow engine.  Webhooks start durable
-- workflow runs; runs write steps and logs; outgoing deliveries retry with
-- back-off; every tenant-scoped table has row-level security by tenant.
-- Primary and foreign keys only (constraints.sql adds the foreign keys after
-- the data is loaded): finding the missing indexes is the tuner's job.

CREATE TABLE tenants (
    id          int PRIMARY KEY,
    name        text NOT NULL,
    plan        text NOT NULL,
    created_at  timestamptz NOT NULL
);

CREATE TABLE users (
    id          int PRIMARY KEY,
    tenant_id   int NOT NULL,
    email       text NOT NULL,
    name        text NOT NULL,
    role        text NOT NULL,
    created_at  timestamptz NOT NULL
);

CREATE TABLE workflows (
    id          int PRIMARY KEY,
    tenant_id   int NOT NULL,
    name        text NOT NULL,
    active      boolean NOT NULL,
    created_at  timestamptz NOT NULL
);

CREATE TABLE workflow_versions (
    id          int PRIMARY KEY,
    workflow_id int NOT NULL,
    version     int NOT NULL,
    definition  jsonb NOT NULL,
    created_at  timestamptz NOT NULL
);

CREATE TABLE webhooks (
    id          int PRIMARY KEY,
    tenant_id   int NOT NULL,
    workflow_id int NOT NULL,
    slug        text NOT NULL,
    secret      text NOT NULL,
    active      boolean NOT NULL,
    created_at  timestamptz NOT NULL
);

CREATE TABLE runs (
    id          bigint PRIMARY KEY,
    tenant_id   int NOT NULL,
    workflow_id int NOT NULL,
    webhook_id  int,
    status      text NOT NULL,          -- queued, running, succeeded, failed, cancelled
    attempts    int NOT NULL DEFAULT 0,
    run_at      timestamptz NOT NULL,
    queued_at   timestamptz NOT NULL,
    started_at  timestamptz,
    finished_at timestamptz,
    created_at  timestamptz NOT NULL,
    input       jsonb
);

CREATE TABLE run_steps (
    id          bigint PRIMARY KEY,
    run_id      bigint NOT NULL,
    tenant_id   int NOT NULL,
    position    int NOT NULL,
    name        text NOT NULL,
    status      text NOT NULL,
    started_at  timestamptz,
    finished_at timestamptz
);

CREATE TABLE run_logs (
    id          bigint PRIMARY KEY,
    run_id      bigint NOT NULL,
    tenant_id   int NOT NULL,
    seq         int NOT NULL,
    ts          timestamptz NOT NULL,
    level       text NOT NULL,
    message     text NOT NULL
);

CREATE TABLE webhook_deliveries (
    id              bigint PRIMARY KEY,
    tenant_id       int NOT NULL,
    webhook_id      int NOT NULL,
    run_id          bigint,
    status          text NOT NULL,      -- pending, delivered, failed, dead
    attempts        int NOT NULL,
    next_attempt_at timestamptz,
    response_code   int,
    created_at      timestamptz NOT NULL
);

-- Every delivery attempt, partitioned by month (old months are detached and
-- dropped by retention): the partitions from three months back to next month.
CREATE TABLE delivery_attempts (
    id            bigint NOT NULL,
    delivery_id   bigint NOT NULL,
    tenant_id     int NOT NULL,
    webhook_id    int NOT NULL,
    attempt       int NOT NULL,
    attempted_at  timestamptz NOT NULL,
    response_code int,
    duration_ms   int NOT NULL,
    PRIMARY KEY (id, attempted_at)
) PARTITION BY RANGE (attempted_at);
DO $$
DECLARE m timestamptz;
BEGIN
    FOR i IN -3..1 LOOP
        m := date_trunc('month', now()) + make_interval(months => i);
        EXECUTE format('CREATE TABLE %I PARTITION OF delivery_attempts FOR VALUES FROM (%L) TO (%L)',
                       'delivery_attempts_' || to_char(m, 'YYYY_MM'), m, m + interval '1 month');
    END LOOP;
END $$;

CREATE TABLE events (
    id          bigint PRIMARY KEY,
    tenant_id   int NOT NULL,
    kind        text NOT NULL,
    created_at  timestamptz NOT NULL,
    payload     jsonb NOT NULL
);

CREATE SEQUENCE runs_id_seq;
CREATE SEQUENCE run_logs_id_seq;
CREATE SEQUENCE deliveries_id_seq;
CREATE SEQUENCE events_id_seq;
CREATE SEQUENCE attempts_id_seq;
