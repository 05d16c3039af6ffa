-- Expressions: CASE (searched and simple), COALESCE, NULLIF, GREATEST/LEAST, LIKE/ILIKE with
-- ESCAPE, SIMILAR TO, BETWEEN [SYMMETRIC], IN lists, IS [NOT] DISTINCT FROM, IS TRUE/UNKNOWN,
-- three-valued AND/OR/NOT, and operator precedence.
select case when 1 > 2 then 'a' when 2 > 1 then 'b' else 'c' end;
select case 3 when 1 then 'one' when 3 then 'three' end, case 4 when 1 then 'one' end;
select case when null then 1 else 2 end;
select case when true then 1 else 2.5 end;
select coalesce(null, null, 3, 4), coalesce(null::text, 'x'), coalesce(null, null);
select nullif(1, 1), nullif(1, 2), nullif('a', 'b');
select greatest(1, 5, 3), least(1, 5, 3), greatest(1, null, 3), least('b', 'a');
select case when x = 0 then 0 else 10 / x end from (values (0), (5)) v(x);
-- LIKE, ILIKE, ESCAPE, SIMILAR TO.
select 'abc' like 'a%', 'abc' like 'a_c', 'abc' like 'A%', 'abc' ilike 'A%', 'abc' not like '%c';
select 'a%c' like 'a\%c', 'abc' like 'a\%c', 'a%c' like 'a#%c' escape '#', 'a_c' like 'a!_c' escape '!';
select 'abc' ~~ 'a%', 'abc' !~~ 'a%', 'ABC' ~~* 'a%';
select 'abc' similar to 'a(b|x)c', 'abc' similar to 'a%', 'abc' similar to 'b%', 'abc' not similar to '%(x|y)%';
select 'a.c' similar to 'a#.c' escape '#', 'abc' similar to 'a#.c' escape '#';
select null like 'a', 'a' like null;
select 'abc' like 'a%' escape 'xy';
-- BETWEEN.
select 5 between 1 and 10, 5 between 10 and 1, 5 not between 1 and 4;
select 5 between symmetric 10 and 1;
select 'b' between 'a' and 'c', null between 1 and 2, 1 between null and 0;
-- IN lists.
select 1 in (1, 2), 3 in (1, 2), 3 in (1, null), 3 not in (1, null), 1 not in (1, null);
select 'x' in ('x', 'y'), 1.5 in (1, 2), 2 in (1.0, 2.0);
-- IS [NOT] DISTINCT FROM, IS TRUE/FALSE/UNKNOWN, IS NULL.
select 1 is distinct from null, null is distinct from null, null is not distinct from null, 1 is not distinct from 1;
select true is true, null is true, null is not true, false is false, null is unknown, true is not unknown;
select null is null, 1 is not null, null::int is not null;
-- Three-valued logic.
select a, b, a and b as "and", a or b as "or", not a as "not a"
from (values (true), (false), (null)) x(a), (values (true), (false), (null)) y(b)
order by a nulls last, b nulls last;
-- Precedence.
select 2 + 3 * 4, (2 + 3) * 4, -2 ^ 2, 2 ^ 3 ^ 2, 7 % 3 * 2, not true or true, true or false and false;
select 'a' || 'b' = 'ab', 1 + 1 = 2;
-- Errors.
select case when 1 then 1 end;
select case when true then 1 else 'x' end;
select 1 and true;
select not 5;
select coalesce(1, 'x');
select 'abc' like 1;
