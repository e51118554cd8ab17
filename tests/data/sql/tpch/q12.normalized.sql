-- TPC-H Q12: shipping modes and order priority
select l_shipmode,
       sum(case when o_orderpriority = $1 or o_orderpriority = $2 then $3 else $4 end)
           as high_line_count,
       sum(case when o_orderpriority <> $5 and o_orderpriority <> $6 then $7 else $8 end)
           as low_line_count
from orders, lineitem
where o_orderkey = l_orderkey and l_shipmode in ($9, $10) and l_commitdate < l_receiptdate
  and l_shipdate < l_commitdate and l_receiptdate >= date $11
  and l_receiptdate < date $12 + interval $13 year
group by l_shipmode
order by l_shipmode
