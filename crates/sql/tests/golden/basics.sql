-- Tables, rows, and the statements every client uses first.
create table t (id int primary key, name text not null, v numeric(10,2) default 1.5);
insert into t values (1, 'a', 2.25), (2, 'b', default), (3, 'c', null);
select * from t order by id;
select count(*), sum(v), max(name) from t;
update t set v = v * 2 where id = 1;
select id, v from t where id = 1;
delete from t where id = 3;
select * from t order by id;
-- A duplicate key, a missing NOT NULL value, a wrong column count.
insert into t values (1, 'dup');
insert into t (id) values (5);
insert into t (id, name) values (5);
insert into t values (6, 'x', 1, 2);
select name, count(*) from t group by name order by 1;
-- An explicit block sees its own writes; ROLLBACK discards them.
begin;
insert into t values (10, 'x');
select count(*) from t;
rollback;
select count(*) from t;
-- After an error a block ignores statements until ROLLBACK.
begin;
select 1/0;
select 1;
rollback;
select 1 + 1 as two, 'a' || 'b', now() is not null;
create index t_name on t (name);
select * from t where name = 'b';
create table u (a serial primary key, b text);
insert into u (b) values ('x'), ('y') returning a, b;
select t.id, u.b from t join u on t.id = u.a order by 1;
select * from t where id in (select a from u) order by id;
with c as (select id from t) select count(*) from c;
select x from generate_series(1, 5) as x where x % 2 = 1;
show timezone;
set timezone = 'Europe/Paris';
select '2024-01-01 12:00:00+00'::timestamptz;
