-- UNION, INTERSECT and EXCEPT, with and without ALL: duplicates, NULLs compare equal,
-- column names come from the left side, types are unified, ORDER BY and LIMIT apply to the
-- whole result, parentheses and precedence (INTERSECT binds tighter).
create table a (x int);
create table b (x int);
insert into a values (1), (2), (2), (3), (null), (null);
insert into b values (2), (3), (3), (4), (null);
select x from a union select x from b order by x;
select x from a union all select x from b order by x;
select x from a intersect select x from b order by x;
select x from a intersect all select x from b order by x;
select x from a except select x from b order by x;
select x from a except all select x from b order by x;
select x from b except all select x from a order by x;
-- Names from the left, types unified, ORDER BY by name or ordinal, LIMIT on the whole.
select 1 as one, 'a' as letter union select 2, 'b' order by one desc;
select 1 union select 2.5 order by 1;
select pg_typeof(v) from (select 1 as v union all select 2::bigint) s limit 1;
select x from a union select x from b order by 1 desc nulls last limit 2;
-- Precedence and parentheses.
select 1 union select 2 intersect select 2 order by 1;
(select 1 union select 2) intersect select 2;
select 1 except select 1 except select 2;
-- Errors.
select 1, 2 union select 1;
select 1 union select 'a';
select 1 union select true;
select x from a union select x from b order by y;
