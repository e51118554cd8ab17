-- TPC-H Q4: order priority checking
select o_orderpriority, count(*) as order_count
from orders
where o_orderdate >= $1::date and o_orderdate < $2::date + $3::interval month
  and exists (select * from lineitem where l_orderkey = o_orderkey and l_commitdate < l_receiptdate)
group by o_orderpriority
order by o_orderpriority
