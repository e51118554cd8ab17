-- TPC-H Q14: promotion effect
select $1 * sum(case when p_type like $2 then l_extendedprice * ($3 - l_discount) else $4 end)
       / sum(l_extendedprice * ($5 - l_discount)) as promo_revenue
from lineitem, part
where l_partkey = p_partkey and l_shipdate >= date $6
  and l_shipdate < date $7 + interval $8 month
