-- CREATE INDEX and DROP INDEX: unique and not, one and several columns, built over
-- existing rows (a unique index fails to build over duplicates), IF [NOT] EXISTS, and that
-- queries through an index see the same rows as without it.
create table t (id int primary key, a int, b text, c int);
insert into t select g, g % 5, 'b' || (g % 3), g from generate_series(1, 30) g;
create index t_a on t (a);
create index t_a on t (b);
create index if not exists t_a on t (b);
select id from t where a = 2 order by id;
create index t_ab on t (a, b);
select id from t where a = 1 and b = 'b1' order by id;
select count(*) from t where a >= 3;
-- A unique index cannot be built over duplicate values.
create unique index t_a_u on t (a);
create unique index t_c_u on t (c);
insert into t values (31, 0, 'x', 1);
insert into t values (31, 0, 'x', null);
insert into t values (32, 0, 'x', null);
-- A multi-column unique index compares the whole tuple.
create table p (x int, y int);
insert into p values (1, 1), (1, 2), (2, 1);
create unique index p_xy on p (x, y);
insert into p values (2, 2);
insert into p values (1, 2);
-- Indexes follow updates and deletes.
update t set a = 99 where id = 5;
select id from t where a = 99;
select count(*) from t where a = 0;
delete from t where a = 99;
select id from t where a = 99;
-- Names and errors.
create index on t (b);
create index t_bad on t (nosuch);
create index t_bad on nosuch (a);
drop index t_a;
drop index t_a;
drop index if exists t_a;
select count(*) from t where a = 2;
drop index t_ab, t_c_u;
