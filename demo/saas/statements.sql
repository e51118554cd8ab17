-- The project tracker's statements, as its application sends them.
-- board: a project's open tasks, most urgent first
SELECT id, title, status, priority, due_at FROM tasks WHERE project_id = 42 AND status <> 'done' ORDER BY priority DESC, due_at LIMIT 50;
-- my work
SELECT id, title, due_at FROM tasks WHERE assignee_id = 321 AND status IN ('todo', 'doing') ORDER BY due_at NULLS LAST LIMIT 20;
SELECT count(*) FROM tasks WHERE org_id = 17 AND status = 'todo';
SELECT status, count(*) FROM tasks WHERE project_id = 42 GROUP BY status;
-- overdue, per organisation
SELECT id, title, due_at FROM tasks WHERE org_id = 17 AND closed_at IS NULL AND due_at < now() ORDER BY due_at LIMIT 100;
SELECT id, title, updated_at FROM tasks WHERE org_id = 17 AND updated_at > now() - interval '1 hour' ORDER BY updated_at DESC LIMIT 100;
SELECT id FROM tasks WHERE project_id = 42 AND closed_at >= now() - interval '7 days' ORDER BY closed_at DESC;
SELECT id, title FROM tasks WHERE org_id = 17 AND labels @> '{"bug": true}' LIMIT 50;
SELECT EXISTS (SELECT 1 FROM tasks WHERE project_id = 42 AND assignee_id = 321 AND status <> 'done');
-- a task's thread
SELECT c.id, c.body, c.created_at, u.name FROM comments c JOIN users u ON u.id = c.author_id WHERE c.task_id = 4242 ORDER BY c.created_at;
SELECT count(*) FROM comments WHERE author_id = 321 AND created_at > now() - interval '30 days';
-- the activity feed
SELECT id, entity, entity_id, action, at FROM activity WHERE org_id = 17 ORDER BY at DESC LIMIT 50;
SELECT action, count(*) FROM activity WHERE at >= now() - interval '1 day' GROUP BY action;
SELECT id, actor_id, action, at FROM activity WHERE entity = 'task' AND entity_id = 4242 ORDER BY at DESC;
-- people and projects
SELECT id, name, role FROM users WHERE org_id = 17 AND deleted_at IS NULL ORDER BY name;
SELECT id, org_id FROM users WHERE lower(email) = 'user321@example.com';
SELECT id, email FROM users WHERE org_id = 17 AND last_seen_at < now() - interval '90 days' AND deleted_at IS NULL;
SELECT id, name FROM projects WHERE org_id = 17 AND NOT archived ORDER BY created_at DESC;
SELECT p.id, p.name, count(t.id) FROM projects p LEFT JOIN tasks t ON t.project_id = p.id AND t.status <> 'done' WHERE p.org_id = 17 GROUP BY p.id, p.name;
-- billing
SELECT id, amount_cents, issued_at FROM invoices WHERE org_id = 17 AND status = 'open' ORDER BY issued_at;
SELECT sum(amount_cents) FROM invoices WHERE status = 'paid' AND paid_at >= date '2025-06-01';
SELECT o.plan, count(*) FROM orgs o JOIN invoices i ON i.org_id = o.id WHERE i.status = 'overdue' GROUP BY o.plan;
-- writes
UPDATE tasks SET status = 'done', closed_at = now(), updated_at = now() WHERE id = 4242;
UPDATE tasks SET assignee_id = 322, updated_at = now() WHERE id = 4243;
INSERT INTO comments (id, org_id, task_id, author_id, body, created_at) VALUES (99000001, 17, 4242, 321, 'looks good', now());
INSERT INTO activity (id, org_id, actor_id, entity, entity_id, action, at) VALUES (99000001, 17, 321, 'task', 4242, 'updated', now());
