-- ALTER TABLE over a table that already holds rows: add, drop and rename columns, rename
-- the table, add a primary key, UNIQUE and CHECK constraints, drop constraints, set and
-- drop defaults and NOT NULL, and the errors when existing rows break the new rule.
create table t (id int, name text);
insert into t values (1, 'a'), (2, 'b'), (3, null);
-- Adding a column fills existing rows with its default (or NULL).
alter table t add column n int;
alter table t add column m int default 7;
alter table t add column if not exists m int;
alter table t add column m int;
select * from t order by id;
alter table t add column k int not null;
alter table t add column k int not null default 0;
select id, k from t order by id;
-- Drop and rename.
alter table t drop column n;
alter table t drop column n;
alter table t drop column if exists n;
alter table t rename column m to mm;
alter table t rename column nosuch to x;
alter table t rename column mm to name;
select * from t order by id;
alter table t rename to t2;
select count(*) from t;
select count(*) from t2;
alter table t2 rename to t;
-- A primary key over existing rows must find them unique and not null.
alter table t add primary key (name);
alter table t add primary key (id);
insert into t (id) values (1);
alter table t add primary key (name);
-- UNIQUE and CHECK constraints check existing rows.
alter table t add constraint name_u unique (name);
update t set name = 'c' where id = 3;
alter table t add constraint name_u unique (name);
insert into t (id, name) values (9, 'a');
alter table t add constraint k_pos check (k > 0);
alter table t add constraint id_small check (id < 100);
insert into t (id, name) values (100, 'z');
alter table t drop constraint id_small;
insert into t (id, name) values (100, 'z');
alter table t drop constraint nosuch;
alter table t drop constraint if exists nosuch;
-- Defaults and NOT NULL.
alter table t alter column name set default 'dflt';
insert into t (id) values (10);
alter table t alter column name drop default;
insert into t (id) values (11);
alter table t alter column name set not null;
delete from t where id = 11;
alter table t alter column name set not null;
insert into t (id) values (12);
alter table t alter column name drop not null;
insert into t (id) values (12);
select * from t order by id;
-- Errors naming what is missing.
alter table nosuch add column x int;
alter table if exists nosuch add column x int;
alter table t drop column nosuch;
alter table t add column id int;
