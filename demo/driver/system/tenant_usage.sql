SELECT t.id, t.name, count(r.id) AS runs_7d FROM tenants t JOIN runs r ON r.tenant_id = t.id
 WHERE r.created_at > now() - interval '7 days' GROUP BY t.id, t.name ORDER BY runs_7d DESC LIMIT 10;
