-- TRUNCATE: empties tables (one or several), keeps their definition and indexes, works in
-- a transaction block and rolls back with it, and RESTART IDENTITY resets owned sequences.
create table t (id serial primary key, v text unique);
insert into t (v) values ('a'), ('b'), ('c');
truncate t;
select count(*) from t;
insert into t (v) values ('a');
select * from t;
truncate table t restart identity;
insert into t (v) values ('x');
select * from t;
create table u (x int);
insert into u values (1), (2);
truncate t, u;
select (select count(*) from t) as t, (select count(*) from u) as u;
begin;
insert into u values (5);
commit;
begin;
truncate u;
select count(*) from u;
rollback;
select count(*) from u;
truncate nosuch;
