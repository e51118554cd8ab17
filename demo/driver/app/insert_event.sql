\set t random_exponential(1, 200, 8)
\set o random(1, 200000)
\set c random(1, 50000)
SELECT set_config('app.tenant_id', :t::text, false);
INSERT INTO events (id, tenant_id, kind, created_at, payload)
VALUES (nextval('events_id_seq'), :t, 'order.created', now(), jsonb_build_object('order_id', 'ord-' || :o, 'customer_id', :c));
