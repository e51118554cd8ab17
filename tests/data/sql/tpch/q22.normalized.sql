-- TPC-H Q22: global sales opportunity
select cntrycode, count(*) as numcust, sum(c_acctbal) as totacctbal
from (
    select substring(c_phone from $1 for $2) as cntrycode, c_acctbal
    from customer
    where substring(c_phone from $3 for $4) in ($5, $6, $7, $8, $9, $10, $11)
      and c_acctbal > (
          select avg(c_acctbal) from customer
          where c_acctbal > $12 and substring(c_phone from $13 for $14) in ($15, $16, $17, $18, $19, $20, $21))
      and not exists (select * from orders where o_custkey = c_custkey)
) as custsale
group by cntrycode
order by cntrycode
