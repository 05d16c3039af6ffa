-- CREATE TABLE and DROP TABLE: IF [NOT] EXISTS, primary keys (single, composite, none),
-- NOT NULL, defaults (constants, expressions, now()), UNIQUE, CHECK, storage parameters,
-- schemas, and the errors for each.
create table t1 (id int primary key, name text);
create table t1 (id int);
create table if not exists t1 (id int);
insert into t1 values (1, 'one');
select * from t1;
-- A composite primary key: each column is NOT NULL, the pair is unique.
create table pairs (a int, b text, v int, primary key (a, b));
insert into pairs values (1, 'x', 10), (1, 'y', 20), (2, 'x', 30);
insert into pairs values (1, 'x', 99);
insert into pairs values (null, 'z', 0);
select * from pairs order by a, b;
-- A table without a primary key keeps duplicate rows.
create table bag (x int, y text);
insert into bag values (1, 'a'), (1, 'a'), (null, null);
select * from bag order by x, y;
select count(*) from bag;
-- Two primary keys.
create table twopk (a int primary key, b int primary key);
create table twopk (a int primary key, b int, primary key (b));
-- NOT NULL and defaults.
create table d (
  id int not null,
  n int default 42,
  s text default 'hello' not null,
  e int default (2 + 3) * 4,
  ts timestamptz default now(),
  b boolean default true
);
insert into d (id) values (1);
insert into d (id, n, s) values (2, null, 'x');
insert into d values (3, default, default, default, default, default);
select id, n, s, e, ts is not null as has_ts, b from d order by id;
insert into d (id, s) values (4, null);
insert into d (n) values (5);
-- UNIQUE columns allow several NULLs.
create table u (id int primary key, email text unique, code int, unique (code));
insert into u values (1, 'a@x', 1), (2, null, 2), (3, null, 3);
insert into u values (4, 'a@x', 4);
insert into u values (5, 'b@x', 1);
select * from u order by id;
-- CHECK constraints, named and not; NULL passes a check.
create table c (
  id int primary key,
  qty int check (qty >= 0),
  price numeric constraint positive_price check (price > 0),
  lo int, hi int, check (lo <= hi)
);
insert into c values (1, 5, 1.5, 1, 2);
insert into c values (2, -1, 1, 1, 2);
insert into c values (3, 1, 0, 1, 2);
insert into c values (4, 1, 1, 3, 2);
insert into c values (5, null, null, null, 2);
update c set qty = -5 where id = 1;
select * from c order by id;
-- Storage parameters are accepted.
create table f (id int primary key) with (fillfactor = 100);
insert into f values (1);
select * from f;
-- Schemas.
create schema s1;
create schema s1;
create schema if not exists s1;
create table s1.t (id int primary key, v text);
insert into s1.t values (1, 'in s1');
select * from s1.t;
select * from t;
create table nosuch.t (id int);
drop schema s1;
drop table s1.t;
drop schema s1;
-- Column and type errors.
create table bad1 (a int, a text);
create table bad2 (a nosuchtype);
create table bad3 (a int, primary key (nosuch));
create table bad4 (a int, check (nosuch > 0));
-- DROP TABLE.
drop table t1;
select * from t1;
drop table t1;
drop table if exists t1;
drop table pairs, bag;
select count(*) from pairs;
