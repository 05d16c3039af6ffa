-- INSERT: column lists, multi-row VALUES, DEFAULT, INSERT ... SELECT, RETURNING, ON
-- CONFLICT DO NOTHING and DO UPDATE (with EXCLUDED and a WHERE), and assignment coercions.
create table t (id int primary key, name text, n int default 0, note varchar(5));
insert into t values (1, 'a', 1, 'x');
insert into t (name, id) values ('b', 2), ('c', 3);
insert into t (id) values (4) returning *;
insert into t values (5, 'e', default, default) returning id, n + 1 as next, note;
insert into t default values;
select * from t order by id;
-- Assignment coercions: strings into numbers, numbers into text, too-long strings.
insert into t values ('6', 6, '6', 6);
insert into t values (7, 'g', 7.6, 'abc');
insert into t values (8, 'h', 1, 'abcdef');
insert into t values (8, 'h', 1, 'abcd  ');
insert into t values (9, 'i', 'x', null);
select * from t where id >= 6 order by id;
-- INSERT ... SELECT.
create table t2 (id int primary key, name text);
insert into t2 select id, name from t where id <= 3;
insert into t2 (id, name) select id + 100, upper(name) from t where name is not null returning *;
select count(*) from t2;
insert into t2 select * from t2;
-- ON CONFLICT DO NOTHING, with and without a target.
insert into t2 values (1, 'dup') on conflict do nothing;
insert into t2 values (1, 'dup'), (50, 'new') on conflict (id) do nothing returning *;
insert into t2 values (1, 'dup') on conflict (name) do nothing;
-- ON CONFLICT DO UPDATE with EXCLUDED and WHERE.
create table kv (k text primary key, v int, hits int default 1);
insert into kv values ('a', 1), ('b', 2);
insert into kv values ('a', 10) on conflict (k) do update set v = excluded.v, hits = kv.hits + 1 returning *;
insert into kv values ('a', 5), ('c', 3) on conflict (k) do update set v = kv.v + excluded.v;
select * from kv order by k;
insert into kv values ('b', 100) on conflict (k) do update set v = excluded.v where kv.v > 50;
insert into kv values ('c', 100) on conflict (k) do update set v = excluded.v where excluded.v > kv.v returning k, v;
select * from kv order by k;
insert into kv values ('d', 1), ('d', 2) on conflict (k) do update set v = excluded.v;
select * from kv order by k;
-- ON CONFLICT against a unique constraint other than the primary key.
create table u (id int primary key, email text unique, n int);
insert into u values (1, 'a@x', 1);
insert into u values (2, 'a@x', 5) on conflict (email) do update set n = u.n + excluded.n;
select * from u;
insert into u values (1, 'b@x', 9) on conflict (email) do nothing;
-- Errors.
insert into nosuch values (1);
insert into t (nosuch) values (1);
insert into t (id, id) values (1, 2);
insert into t values (10, 'x') returning nosuch;
