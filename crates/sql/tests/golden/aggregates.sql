-- Aggregates: count/sum/avg/min/max/bool_and/bool_or/string_agg/array_agg, DISTINCT and
-- ORDER BY inside a call, FILTER, GROUP BY expressions and ordinals, HAVING, empty input,
-- NULL handling, result types, and the grouping errors.
create table t (id int primary key, grp text, v int, f float8, n numeric, ok boolean);
insert into t values
  (1, 'a', 1, 1.5, 1.10, true), (2, 'a', 2, null, 2.20, true), (3, 'b', null, 3.5, null, false),
  (4, 'b', 4, 4.5, 4.40, null), (5, 'c', 5, 5.5, 5.50, true), (6, 'a', 2, 2.5, 2.20, false);
select count(*), count(v), count(distinct v), sum(v), avg(v), min(v), max(v) from t;
select sum(f), avg(f), min(f), max(f), sum(n), avg(n), min(n), max(n) from t;
select bool_and(ok), bool_or(ok), every(ok) from t;
select grp, count(*), sum(v), bool_and(ok) from t group by grp order by grp;
-- Result types: sum(int) is bigint, avg(int) numeric, count bigint.
select pg_typeof(sum(v)), pg_typeof(avg(v)), pg_typeof(count(*)), pg_typeof(sum(n)), pg_typeof(sum(f)) from t;
select sum(x) from (values (2147483647), (1)) as s(x);
-- string_agg and array_agg, with DISTINCT and ORDER BY.
select string_agg(grp, ',') from (select grp from t order by id) s;
select string_agg(grp, '-' order by grp desc) from t;
select string_agg(distinct grp, ',' order by grp) from t;
select array_agg(v order by id) from t;
select array_agg(distinct v order by v) from t;
select grp, array_agg(id order by id desc) from t group by grp order by grp;
-- FILTER.
select count(*) filter (where v > 1) as big, sum(v) filter (where ok) as ok_sum from t;
select grp, count(*) filter (where ok is not true) from t group by grp order by grp;
-- Empty input: count is 0, the others NULL; with GROUP BY, no rows at all.
select count(*), count(v), sum(v), avg(v), max(v), bool_and(ok), string_agg(grp, ','), array_agg(v) from t where false;
select grp, count(*) from t where false group by grp;
-- GROUP BY expressions, ordinals, output names; HAVING.
select v % 2 as parity, count(*) from t where v is not null group by v % 2 order by 1;
select upper(grp), count(*) from t group by 1 order by 1;
select grp as g, max(v) from t group by g order by g;
select grp, sum(v) from t group by grp having sum(v) > 3 order by grp;
select grp from t group by grp having count(*) = 1;
select count(*) from t having count(*) > 100;
select 1 as one from t having true;
-- NULL is one group.
select v, count(*) from t group by v order by v nulls first;
-- Aggregates of expressions, and expressions of aggregates.
select sum(v * 2) + 1, max(length(grp)), round(avg(v), 2) from t;
select count(distinct (grp, v)) from t;
-- Errors.
select grp, count(*) from t;
select id, grp from t group by grp;
select count(*) from t where count(*) > 1;
select sum(grp) from t;
select max(count(*)) from t;
select grp from t group by 7;
