-- TPC-H Q6: forecasting revenue change
select sum(l_extendedprice * l_discount) as revenue
from lineitem
where l_shipdate >= date $1 and l_shipdate < date $2 + interval $3 year
  and l_discount between $4 - $5 and $6 + $7 and l_quantity < $8
