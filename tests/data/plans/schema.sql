CREATE EXTENSION IF NOT EXISTS hypopg;
CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL, country text NOT NULL);
INSERT INTO users SELECT g, 'user_' || g, (ARRAY['fr','de','us','jp','br'])[1 + g % 5] FROM generate_series(1, 5000) g;
CREATE TABLE runs (id bigint PRIMARY KEY, user_id int NOT NULL REFERENCES users(id), status text NOT NULL,
                   kind text NOT NULL, created_at timestamptz NOT NULL);
-- kind and status are correlated on purpose (the planner multiplies their selectivities)
INSERT INTO runs SELECT g, 1 + (g * 7919) % 5000,
       CASE WHEN g % 100 = 0 THEN 'failed' WHEN g % 50 = 0 THEN 'cancelled' ELSE 'done' END,
       CASE WHEN g % 100 = 0 THEN 'nightly' WHEN g % 50 = 0 THEN 'manual' ELSE 'ci' END,
       timestamptz '2024-01-01' + g * interval '1 minute'
  FROM generate_series(1, 200000) g;
CREATE INDEX runs_user_id_idx ON runs (user_id);
CREATE TABLE run_logs (id bigserial PRIMARY KEY, run_id bigint NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                       seq int NOT NULL, msg text NOT NULL);
INSERT INTO run_logs (run_id, seq, msg) SELECT 1 + g % 200000, g / 200000, 'step ' || (g % 17) || ' ok'
  FROM generate_series(1, 1200000) g;
VACUUM ANALYZE;
