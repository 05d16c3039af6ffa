-- ORDER BY: ascending and descending, NULLS FIRST/LAST (and their defaults), several keys,
-- expressions, output names and ordinals, columns not in the select list; LIMIT, OFFSET and
-- FETCH FIRST; and their errors.
create table t (id int primary key, name text, score int);
insert into t values (1, 'ann', 90), (2, 'bob', null), (3, 'cat', 75), (4, 'dan', 90), (5, 'eve', null);
select id, score from t order by score;
select id, score from t order by score desc;
select id, score from t order by score nulls first;
select id, score from t order by score desc nulls last, id desc;
select id, score from t order by score asc nulls first, id;
select name from t order by length(name) desc, name;
select id, score as s from t order by s, id;
select id, name from t order by 2 desc;
select name from t order by id desc;
select name from t order by score is null, id;
-- LIMIT, OFFSET, FETCH FIRST.
select id from t order by id limit 2;
select id from t order by id limit 2 offset 2;
select id from t order by id offset 3;
select id from t order by id offset 10;
select id from t order by id limit 0;
select id from t order by id limit null;
select id from t order by id limit all;
select id from t order by id fetch first 3 rows only;
select id from t order by id fetch first row only;
select id from t order by id offset 1 rows fetch next 2 rows only;
select id from t order by id limit (select count(*) from t) - 3;
-- Text order is by code point (the C collation).
create table words (w text);
insert into words values ('b'), ('B'), ('a'), ('A'), ('_'), ('aa'), ('');
select w from words order by w;
-- DISTINCT with ORDER BY.
select distinct score from t order by score;
select distinct on (score) score, id from t order by score, id desc;
-- Errors.
select id from t order by 5;
select id from t order by nosuch;
select id from t limit -1;
select id from t offset -1;
select id from t limit 'x';
select distinct name from t order by score;
