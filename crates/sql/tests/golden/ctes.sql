-- Common table expressions: several CTEs, one referring to another, a CTE read twice,
-- column lists, CTEs shadowing tables, recursive CTEs (counting, walking a tree), and
-- data-modifying statements in WITH.
create table t (id int primary key, parent int, name text);
insert into t values (1, null, 'root'), (2, 1, 'a'), (3, 1, 'b'), (4, 2, 'a1'), (5, 4, 'a1x');
with c as (select id, name from t where parent = 1) select * from c order by id;
with c1 as (select id from t where id > 1), c2 as (select id * 10 as tens from c1) select * from c2 order by tens;
with c (n, label) as (select id, name from t) select n, label from c where n = 3;
with c as (select count(*) as n from t) select a.n + b.n from c a, c b;
with t as (select 42 as id) select * from t;
-- Recursive CTEs.
with recursive nums (n) as (select 1 union all select n + 1 from nums where n < 5) select * from nums;
with recursive sub as (
  select id, name, 0 as depth from t where id = 1
  union all
  select t.id, t.name, sub.depth + 1 from t join sub on t.parent = sub.id
) select * from sub order by depth, id;
with recursive dedup (n) as (select 1 union select n % 3 + 1 from dedup) select * from dedup order by n;
-- WITH around data-modifying statements.
with moved as (delete from t where id = 5 returning id, name) select * from moved;
with ins as (insert into t values (6, 1, 'c') returning id) select count(*) from ins;
select count(*) from t;
-- Errors.
with c as (select 1) select * from c, nosuch;
with c as (select 1), c as (select 2) select * from c;
with c (a, b) as (select 1) select * from c;
