-- Window functions: row_number, rank, dense_rank, lag, lead and aggregates OVER windows
-- with PARTITION BY and ORDER BY (the default frame: the whole partition without ORDER BY,
-- the rows up to the current one and its peers with it), windows over grouped rows, window
-- values in ORDER BY, and what is not supported.
create table s (id int primary key, dept text, pay int);
insert into s values (1, 'a', 10), (2, 'a', 20), (3, 'a', 20), (4, 'b', 5), (5, 'b', null), (6, 'c', 7);
select id, dept, pay, row_number() over (partition by dept order by pay, id) as rn,
  rank() over (partition by dept order by pay) as rk, dense_rank() over (order by pay) as dr
from s order by id;
select id, sum(pay) over () as total, sum(pay) over (partition by dept) as dept_total,
  sum(pay) over (partition by dept order by pay) as running, count(*) over (order by dept) as upto
from s order by id;
select id, lag(pay) over (order by id), lead(pay, 2) over (order by id), lag(pay, 1, -1) over (partition by dept order by id)
from s order by id;
select dept, sum(pay), rank() over (order by sum(pay) desc nulls last) from s group by dept order by 3, 1;
select id, avg(pay) over (partition by dept) from s where pay is not null order by row_number() over (order by pay desc), id;
select string_agg(id::text, ',') over (order by id) from s order by id;
-- Not supported: frame clauses and the other window functions.
select sum(pay) over (order by id rows between 1 preceding and current row) from s;
select ntile(2) over (order by id) from s;
select id from s where row_number() over () > 1;
