-- TPC-H Q15: top supplier (the view written as a common table expression)
with revenue0 (supplier_no, total_revenue) as (
    select l_suppkey, sum(l_extendedprice * ($1 - l_discount))
    from lineitem
    where l_shipdate >= $2::date and l_shipdate < $3::date + $4::interval month
    group by l_suppkey)
select s_suppkey, s_name, s_address, s_phone, total_revenue
from supplier, revenue0
where s_suppkey = supplier_no and total_revenue = (select max(total_revenue) from revenue0)
order by s_suppkey
