-- TPC-H Q6: forecasting revenue change
select sum(l_extendedprice * l_discount) as revenue
from lineitem
where l_shipdate >= $1::date and l_shipdate < $2::date + $3::interval year
  and l_discount between $4::numeric - $5::numeric and $6::numeric + $7::numeric and l_quantity < $8
