-- Views: created over tables, joins and aggregates; they show current data, can be
-- replaced and dropped, and refuse writes and being dropped as tables.
create table t (id int primary key, grp text, v int);
insert into t values (1, 'a', 10), (2, 'a', 20), (3, 'b', 30);
create view big as select id, v from t where v >= 20;
select * from big order by id;
insert into t values (4, 'b', 40);
select * from big order by id;
create view sums as select grp, sum(v) as total, count(*) as n from t group by grp;
select * from sums order by grp;
select s.grp, s.total, b.id from sums s join big b on b.v = s.total order by 1;
create view big as select 1;
create or replace view big as select id, v, v * 2 as dbl from t where v >= 20;
select * from big order by id;
create view named (a, b) as select id, grp from t;
select * from named where a = 1;
-- A view over a view.
create view bigger as select id from big where dbl > 50;
select * from bigger order by id;
-- Views are not tables.
insert into big values (9, 9);
drop table big;
drop view bigger;
drop view big;
drop view big;
drop view if exists big;
drop view t;
select * from named order by a;
