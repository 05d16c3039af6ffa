-- Subqueries: scalar (one value, none, too many), IN and NOT IN (with NULLs on either
-- side), EXISTS, correlated subqueries in the select list and WHERE, ANY/SOME/ALL, and
-- subqueries in FROM.
create table t (id int primary key, grp int, v int);
insert into t values (1, 1, 10), (2, 1, 20), (3, 2, 30), (4, null, 40);
create table s (x int);
insert into s values (1), (2), (null);
select (select max(v) from t) as mx, (select v from t where id = 99) as none;
select (select v from t);
select id from t where v = (select max(v) from t);
select id from t where grp in (select x from s) order by id;
select id from t where grp not in (select x from s);
select id from t where grp not in (select x from s where x is not null) order by id;
select id from t where id not in (1, 2, null);
select 3 in (select x from s), 1 in (select x from s), 3 not in (select x from s);
select null::int in (select x from s where false), null::int not in (select x from s where false);
-- EXISTS and correlation.
select id from t where exists (select 1 from s where s.x = t.grp) order by id;
select id from t where not exists (select 1 from s where s.x = t.grp) order by id;
select id, (select count(*) from t t2 where t2.grp = t.grp) as same_grp from t order by id;
select id, v from t where v > (select avg(v) from t t2 where t2.grp = t.grp) order by id;
-- ANY, SOME, ALL.
select id from t where v > all (select v from t where grp = 1) order by id;
select id from t where v = any (select v * 10 from t) order by id;
select id from t where v < some (select 25) order by id;
select 5 > all (select x from s), 5 > any (select x from s), 0 > all (select x from s);
select 1 = any (array[1, 2]), 3 = all (array[3, 3]), 3 = all (array[3, null]);
-- Subqueries in FROM and the select list.
select g, total from (select grp as g, sum(v) as total from t group by grp) sub order by g nulls first;
select * from (select 1) as one;
select * from (select id from t) where id = 1;
select (select x from s where x = t.id) from t order by id;
-- Errors.
select (select 1, 2);
select id from t where id in (select 1, 2);
