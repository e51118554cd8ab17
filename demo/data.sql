-- Deterministic demo data with skew: a few tenants own most rows.
-- psql variables: scale (1 = about five million rows in all).
\set ON_ERROR_STOP on
SET client_min_messages = warning;

-- A uniform number in [0, 1) from a row number: the same data on every load.
CREATE FUNCTION demo_u(g bigint, salt int) RETURNS float8
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT (hashint8(g * 7919 + salt) & 2147483647)::float8 / 2147483648 $$;
-- Tenant 1 gets about 17% of the rows, the first ten about 40%.
CREATE FUNCTION demo_tenant(g bigint, salt int) RETURNS int
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT 1 + floor(200 * power(demo_u(g, salt), 3))::int $$;

SELECT greatest(1000, (20000 * :scale)::int) AS n_users,
       greatest(10000, (1000000 * :scale)::int) AS n_runs,
       greatest(5000, (400000 * :scale)::int) AS n_deliveries,
       greatest(5000, (1000000 * :scale)::int) AS n_events \gset
CREATE TEMP TABLE demo_base AS SELECT date_trunc('second', now()) AS base;

INSERT INTO tenants
SELECT g, 'tenant-' || g, (ARRAY['free', 'team', 'business', 'enterprise'])[1 + g % 4],
       (SELECT base FROM demo_base) - make_interval(days => 400 - g)
FROM generate_series(1, 200) g;

INSERT INTO users
SELECT g, demo_tenant(g, 1), 'User' || g || '@Tenant' || demo_tenant(g, 1) || '.example.com',
       'user ' || g, (ARRAY['admin', 'editor', 'viewer'])[1 + g % 3],
       (SELECT base FROM demo_base) - make_interval(secs => demo_u(g, 2) * 300 * 86400)
FROM generate_series(1, :n_users) g;

INSERT INTO workflows
SELECT g, demo_tenant(g, 3), 'workflow ' || g, g % 10 <> 0,
       (SELECT base FROM demo_base) - make_interval(days => 200 + g % 100)
FROM generate_series(1, 2000) g;

INSERT INTO workflow_versions
SELECT (w - 1) * 3 + v, w, v, jsonb_build_object('steps', v + 2, 'timeout_s', 300),
       (SELECT base FROM demo_base) - make_interval(days => 100 - v * 20)
FROM generate_series(1, 2000) w, generate_series(1, 3) v;

INSERT INTO webhooks
SELECT g, w.tenant_id, w.id, 'hook-' || g, md5('secret' || g), g % 20 <> 0,
       (SELECT base FROM demo_base) - make_interval(days => 150)
FROM generate_series(1, 5000) g JOIN workflows w ON w.id = 1 + (g - 1) % 2000;

-- Runs: mostly finished, a small queue, a few running (some stuck for hours).
INSERT INTO runs
SELECT g, w.tenant_id, w.id, 1 + (g % 5000),
       s.status, 0, t.run_at, t.run_at - interval '1 second',
       CASE WHEN s.status = 'queued' THEN NULL
            WHEN s.status = 'running' THEN (SELECT base FROM demo_base) - make_interval(secs => demo_u(g, 7) * 6 * 3600)
            ELSE t.run_at + interval '1 second' END,
       CASE WHEN s.status IN ('queued', 'running') THEN NULL
            ELSE t.run_at + make_interval(secs => 2 + demo_u(g, 8) * 600) END,
       t.run_at - interval '1 second',
       jsonb_build_object('order_id', 'ord-' || (g % 100000), 'source', 'webhook')
FROM generate_series(1, :n_runs) g
JOIN workflows w ON w.id = 1 + floor(2000 * power(demo_u(g, 4), 2))::int
CROSS JOIN LATERAL (SELECT CASE WHEN demo_u(g, 5) < 0.015 THEN 'queued'
                                WHEN demo_u(g, 5) < 0.025 THEN 'running'
                                WHEN demo_u(g, 5) < 0.08 THEN 'failed'
                                WHEN demo_u(g, 5) < 0.10 THEN 'cancelled'
                                ELSE 'succeeded' END AS status) s
CROSS JOIN LATERAL (SELECT CASE WHEN s.status = 'queued'
                                THEN (SELECT base FROM demo_base) + make_interval(secs => (demo_u(g, 6) - 0.7) * 3600)
                                ELSE (SELECT base FROM demo_base) - make_interval(secs => demo_u(g, 6) * 90 * 86400)
                           END AS run_at) t;
SELECT setval('runs_id_seq', :n_runs);

INSERT INTO run_steps
SELECT r.id * 2 + p, r.id, r.tenant_id, p, 'step ' || p,
       CASE WHEN r.status = 'failed' AND p = 1 THEN 'failed' ELSE 'succeeded' END,
       r.started_at, r.finished_at
FROM runs r, generate_series(0, (r.id % 2)::int) p;

INSERT INTO run_logs
SELECT r.id * 6 + s, r.id, r.tenant_id, s, r.run_at + make_interval(secs => s),
       (ARRAY['info', 'info', 'info', 'warn', 'error'])[1 + (r.id + s) % 5],
       format('step %s of run %s (workflow %s, tenant %s) finished: http 200 in %s ms, '
              'payload %s bytes, retries 0, worker pool-%s', s, r.id, r.workflow_id,
              r.tenant_id, 10 + (r.id * 7 + s) % 900, 100 + (r.id * 13) % 5000, r.id % 16)
FROM runs r, generate_series(0, (r.id % 5)::int) s;
SELECT setval('run_logs_id_seq', (SELECT max(id) FROM run_logs));

INSERT INTO webhook_deliveries
SELECT g, h.tenant_id, h.id, 1 + (g * 7) % :n_runs, d.status,
       CASE d.status WHEN 'delivered' THEN 1 WHEN 'dead' THEN 8 ELSE 1 + g % 5 END,
       CASE WHEN d.status IN ('failed', 'pending')
            THEN (SELECT base FROM demo_base) + make_interval(secs => (demo_u(g, 10) - 0.5) * 7200) END,
       CASE d.status WHEN 'delivered' THEN 200 WHEN 'failed' THEN 503 END,
       (SELECT base FROM demo_base) - make_interval(secs => demo_u(g, 11) * 60 * 86400)
FROM generate_series(1, :n_deliveries) g
JOIN webhooks h ON h.id = 1 + floor(5000 * power(demo_u(g, 9), 2))::int
CROSS JOIN LATERAL (SELECT CASE WHEN demo_u(g, 12) < 0.08 THEN 'failed'
                                WHEN demo_u(g, 12) < 0.13 THEN 'pending'
                                WHEN demo_u(g, 12) < 0.15 THEN 'dead'
                                ELSE 'delivered' END AS status) d;
SELECT setval('deliveries_id_seq', :n_deliveries);

-- each delivery's attempts, a few minutes apart from its creation on
INSERT INTO delivery_attempts
SELECT row_number() OVER (), d.id, d.tenant_id, d.webhook_id, a,
       least(d.created_at + make_interval(mins => 5 * (a - 1)), (SELECT base FROM demo_base)),
       CASE WHEN a = d.attempts AND d.status = 'delivered' THEN 200 WHEN a % 3 = 0 THEN NULL ELSE 503 END,
       20 + (d.id * 31 + a) % 3000
FROM webhook_deliveries d, generate_series(1, d.attempts) a;
SELECT setval('attempts_id_seq', (SELECT max(id) FROM delivery_attempts));

INSERT INTO events
SELECT g, demo_tenant(g, 13), k.kind,
       (SELECT base FROM demo_base) - make_interval(secs => demo_u(g, 14) * 90 * 86400),
       jsonb_build_object('order_id', 'ord-' || (g % 200000), 'kind', k.kind,
                          'customer_id', 1 + (g % 50000), 'amount', (g % 10000) / 100.0,
                          'currency', (ARRAY['EUR', 'USD', 'GBP'])[1 + g % 3],
                          'lines', jsonb_build_array(jsonb_build_object('sku', 'sku-' || g % 997, 'qty', 1 + g % 4),
                                                     jsonb_build_object('sku', 'sku-' || g % 991, 'qty', 1)),
                          'source', jsonb_build_object('ip', '10.0.' || g % 250 || '.' || g % 199,
                                                       'agent', 'shop-client/2.' || g % 40))
FROM generate_series(1, :n_events) g
CROSS JOIN LATERAL (SELECT (ARRAY['order.created', 'order.paid', 'invoice.sent', 'invoice.paid',
                                  'refund.created', 'customer.updated', 'shipment.sent',
                                  'shipment.delivered'])[1 + g % 8] AS kind) k;
SELECT setval('events_id_seq', :n_events);
