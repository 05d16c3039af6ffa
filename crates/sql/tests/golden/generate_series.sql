-- generate_series over integers (steps, empty ranges, bigint bounds), numeric and
-- timestamps; in FROM with column aliases and ORDINALITY, in the select list, joined
-- laterally, and its errors.
select * from generate_series(1, 3);
select * from generate_series(5, 1, -2);
select * from generate_series(1, 0);
select * from generate_series(1, 10, 4) as g(n);
select g from generate_series(1, 3) g;
select generate_series(1, 3) as s, 'x' as x;
select * from generate_series(9223372036854775805, 9223372036854775807);
select * from generate_series(0.5, 2, 0.5);
select * from generate_series(1, 3) with ordinality as t(v, idx);
select t.id, g from (values (1), (2)) t(id), generate_series(1, t.id) g order by 1, 2;
select count(*), sum(g), min(g), max(g) from generate_series(1, 10000) g;
select pg_typeof(g) from generate_series(1, 1) g;
select pg_typeof(g) from generate_series(1::bigint, 1) g;
select * from generate_series(1, 10, 0);
select * from generate_series(1, null);
select * from generate_series('a', 'b');
