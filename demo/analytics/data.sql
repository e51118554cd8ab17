-- Deterministic data; psql variable scale (1 = 150k orders, 600k line items).
\set ON_ERROR_STOP on
SELECT greatest(1000, (150000 * :scale)::int) AS n_orders, greatest(100, (15000 * :scale)::int) AS n_cust,
       greatest(200, (20000 * :scale)::int) AS n_part, greatest(10, (1000 * :scale)::int) AS n_supp \gset
INSERT INTO region SELECT g, (ARRAY['AFRICA','AMERICA','ASIA','EUROPE','MIDDLE EAST'])[g + 1], 'region ' || g
FROM generate_series(0, 4) g;
INSERT INTO nation SELECT g, 'NATION' || g, g % 5, 'nation ' || g FROM generate_series(0, 24) g;
INSERT INTO supplier SELECT g, 'Supplier#' || g, 'addr ' || g, g % 25, '10-' || g, (g % 10000) - 999.99,
       CASE WHEN g % 97 = 0 THEN 'Customer Complaints noted' ELSE 'supplier ' || g END
FROM generate_series(1, :n_supp) g;
INSERT INTO customer SELECT g, 'Customer#' || g, 'addr ' || g, g % 25, (10 + g % 25) || '-' || g,
       (g % 10000) - 999.99, (ARRAY['AUTOMOBILE','BUILDING','FURNITURE','HOUSEHOLD','MACHINERY'])[1 + g % 5],
       'customer ' || g
FROM generate_series(1, :n_cust) g;
INSERT INTO part SELECT g, 'part ' || (ARRAY['green','forest','red','blue','ivory'])[1 + g % 5] || ' ' || g,
       'Manufacturer#' || (1 + g % 5), 'Brand#' || (1 + g % 5) || (1 + g % 5),
       (ARRAY['STANDARD','SMALL','MEDIUM','LARGE','ECONOMY','PROMO'])[1 + g % 6] || ' BRUSHED ' ||
       (ARRAY['TIN','NICKEL','BRASS','STEEL','COPPER'])[1 + g % 5],
       1 + g % 50, (ARRAY['SM CASE','SM BOX','MED BAG','LG CASE','WRAP PACK'])[1 + g % 5],
       900 + g % 1000, 'part ' || g
FROM generate_series(1, :n_part) g;
INSERT INTO partsupp SELECT p, 1 + (p + s * (:n_supp / 4)) % :n_supp, 1 + (p * s) % 9999, 1 + (p * s) % 1000, 'ps'
FROM generate_series(1, :n_part) p, generate_series(0, 3) s;
INSERT INTO orders SELECT g, 1 + (g * 7) % :n_cust, (ARRAY['O','F','P'])[1 + g % 3], 1000 + g % 100000,
       date '1992-01-01' + (g % 2400), (ARRAY['1-URGENT','2-HIGH','3-MEDIUM','4-NOT SPECIFIED','5-LOW'])[1 + g % 5],
       'Clerk#' || g % 1000, 0, CASE WHEN g % 50 = 0 THEN 'special requests' ELSE 'order ' || g END
FROM generate_series(1, :n_orders) g;
INSERT INTO lineitem SELECT o.o_orderkey, 1 + (o.o_orderkey * l) % :n_part,
       1 + (o.o_orderkey * l * 3) % :n_supp, l, 1 + (o.o_orderkey + l) % 50,
       (1 + (o.o_orderkey + l) % 50) * 9.5, ((o.o_orderkey + l) % 11) / 100.0, ((o.o_orderkey + l) % 9) / 100.0,
       (ARRAY['R','A','N'])[1 + (o.o_orderkey + l) % 3], (ARRAY['O','F'])[1 + l % 2],
       o.o_orderdate + (1 + l * 7), o.o_orderdate + (10 + l * 5), o.o_orderdate + (3 + l * 8),
       (ARRAY['DELIVER IN PERSON','COLLECT COD','NONE','TAKE BACK RETURN'])[1 + l % 4],
       (ARRAY['AIR','MAIL','SHIP','TRUCK','RAIL','REG AIR','FOB'])[1 + (o.o_orderkey + l) % 7], 'li'
FROM orders o, generate_series(1, 4) l;
