-- TPC-H Q8: national market share
select o_year, sum(case when nation = $1 then volume else $2 end) / sum(volume) as mkt_share
from (
    select extract('epoch' from o_orderdate) as o_year, l_extendedprice * ($3 - l_discount) as volume,
           n2.n_name as nation
    from part, supplier, lineitem, orders, customer, nation n1, nation n2, region
    where p_partkey = l_partkey and s_suppkey = l_suppkey and l_orderkey = o_orderkey
      and o_custkey = c_custkey and c_nationkey = n1.n_nationkey and n1.n_regionkey = r_regionkey
      and r_name = $4 and s_nationkey = n2.n_nationkey
      and o_orderdate between $5::date and $6::date
      and p_type = $7
) as all_nations
group by o_year
order by o_year
