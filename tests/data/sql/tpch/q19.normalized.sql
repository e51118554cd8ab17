-- TPC-H Q19: discounted revenue
select sum(l_extendedprice * ($1 - l_discount)) as revenue
from lineitem, part
where (p_partkey = l_partkey and p_brand = $2
       and p_container in ($3, $4, $5, $6)
       and l_quantity >= $7 and l_quantity <= $8 + $9 and p_size between $10 and $11
       and l_shipmode in ($12, $13) and l_shipinstruct = $14)
   or (p_partkey = l_partkey and p_brand = $15
       and p_container in ($16, $17, $18, $19)
       and l_quantity >= $20 and l_quantity <= $21 + $22 and p_size between $23 and $24
       and l_shipmode in ($25, $26) and l_shipinstruct = $27)
   or (p_partkey = l_partkey and p_brand = $28
       and p_container in ($29, $30, $31, $32)
       and l_quantity >= $33 and l_quantity <= $34 + $35 and p_size between $36 and $37
       and l_shipmode in ($38, $39) and l_shipinstruct = $40)
