-- Deterministic data; psql variable scale (1 = 600k tasks, 1.2M comments,
-- 2M activity rows).
\set ON_ERROR_STOP on
SELECT setseed(0.42);
SELECT greatest(20, (2000 * :scale)::int) AS n_orgs, greatest(500, (60000 * :scale)::int) AS n_users,
       greatest(100, (12000 * :scale)::int) AS n_projects, greatest(5000, (600000 * :scale)::int) AS n_tasks,
       greatest(10000, (1200000 * :scale)::int) AS n_comments,
       greatest(20000, (2000000 * :scale)::int) AS n_activity \gset
INSERT INTO orgs SELECT g, 'org ' || g, (ARRAY['free','team','business','enterprise'])[1 + g % 4],
       timestamptz '2023-01-01' + g * interval '7 hours'
FROM generate_series(1, :n_orgs) g;
-- a few large organisations, a long tail of small ones
INSERT INTO users SELECT g, 1 + (g::bigint * g) % :n_orgs, 'user' || g || '@example.com', 'User ' || g,
       (ARRAY['owner','admin','member','member','member','guest'])[1 + g % 6],
       now() - (g % 200) * interval '1 day', CASE WHEN g % 20 = 0 THEN now() - interval '30 days' END
FROM generate_series(1, :n_users) g;
INSERT INTO projects SELECT g, u.org_id, u.id, 'project ' || g, g % 5 = 0,
       timestamptz '2024-01-01' + g * interval '1 hour'
FROM generate_series(1, :n_projects) g JOIN users u ON u.id = 1 + (g * 7) % :n_users;
INSERT INTO tasks SELECT g, p.org_id, p.id, 1 + (g::bigint * 13) % :n_users,
       CASE WHEN g % 10 < 6 THEN 'done' WHEN g % 10 < 8 THEN 'todo' WHEN g % 10 < 9 THEN 'doing' ELSE 'review' END,
       g % 4, (ARRAY['fix','add','update','remove','review'])[1 + g % 5] || ' item ' || g,
       CASE WHEN g % 7 = 0 THEN '{"bug": true}' WHEN g % 11 = 0 THEN '{"feature": true}' ELSE '{}' END::jsonb,
       CASE WHEN g % 3 = 0 THEN now() + ((g % 60) - 30) * interval '1 day' END,
       now() - (:n_tasks - g) * interval '40 seconds',
       now() - (:n_tasks - g) * interval '20 seconds',
       CASE WHEN g % 10 < 6 THEN now() - (:n_tasks - g) * interval '10 seconds' END
FROM generate_series(1, :n_tasks) g JOIN projects p ON p.id = 1 + (g * 31) % :n_projects;
INSERT INTO comments SELECT g, t.org_id, t.id, 1 + (g::bigint * 17) % :n_users, 'comment ' || g,
       now() - (:n_comments - g) * interval '15 seconds'
FROM generate_series(1, :n_comments) g JOIN tasks t ON t.id = 1 + (g::bigint * 7919) % :n_tasks;
INSERT INTO activity SELECT g, 1 + (g::bigint * g) % :n_orgs, 1 + (g * 3) % :n_users,
       (ARRAY['task','task','comment','project'])[1 + g % 4], 1 + (g * 7) % :n_tasks,
       (ARRAY['created','updated','updated','closed','commented','moved'])[1 + g % 6],
       now() - (:n_activity - g) * interval '4 seconds'
FROM generate_series(1, :n_activity) g;
INSERT INTO invoices SELECT g, 1 + g % :n_orgs,
       (ARRAY['paid','paid','paid','open','overdue','void'])[1 + g % 6], 1000 + (g * 37) % 100000,
       date '2024-01-01' + (g % 700), CASE WHEN g % 6 < 3 THEN date '2024-01-10' + (g % 700) END
FROM generate_series(1, :n_orgs * 24) g;
