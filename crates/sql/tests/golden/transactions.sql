-- Transaction control: BEGIN/COMMIT/ROLLBACK (and START TRANSACTION, END, ABORT),
-- savepoints (ROLLBACK TO, RELEASE, nesting, reuse of a name), the failed-block state
-- (25P02) and recovering from it with ROLLBACK TO, SET TRANSACTION and SHOW
-- transaction_isolation, read-only transactions refusing writes (25006), and the warnings
-- for COMMIT or BEGIN in the wrong state.
create table t (id int primary key, v text);
begin;
insert into t values (1, 'a');
commit;
start transaction;
insert into t values (2, 'b');
rollback;
select * from t order by id;
begin;
insert into t values (3, 'c');
end;
begin;
insert into t values (4, 'd');
abort;
select id from t order by id;
-- COMMIT and ROLLBACK outside a block warn; BEGIN inside one warns.
commit;
rollback;
begin;
begin;
commit;
-- Savepoints.
begin;
insert into t values (10, 'x');
savepoint s1;
insert into t values (11, 'y');
savepoint s2;
insert into t values (12, 'z');
rollback to savepoint s2;
select id from t where id >= 10 order by id;
rollback to s1;
select id from t where id >= 10 order by id;
insert into t values (13, 'w');
release savepoint s1;
rollback to s1;
commit;
select id from t where id >= 10 order by id;
savepoint outside;
-- An error inside a block: everything is refused until ROLLBACK (or ROLLBACK TO).
begin;
insert into t values (20, 'p');
savepoint before_bad;
insert into t values (20, 'dup');
select 1;
rollback to before_bad;
select count(*) from t where id = 20;
commit;
begin;
select 1 / 0;
commit;
select count(*) from t where id = 20;
-- A savepoint name can be reused; ROLLBACK TO goes to the newest.
begin;
savepoint a;
insert into t values (30, 'one');
savepoint a;
insert into t values (31, 'two');
rollback to a;
release a;
select id from t where id >= 30;
commit;
-- ROLLBACK TO keeps settings changed after the savepoint (PostgreSQL restores them).
begin;
savepoint s;
set extra_float_digits = 3;
rollback to s;
show extra_float_digits;
rollback;
show extra_float_digits;
-- Isolation level and read-only transactions.
show transaction_isolation;
begin isolation level serializable;
show transaction_isolation;
commit;
begin;
set transaction isolation level repeatable read;
show transaction_isolation;
select 1;
set transaction isolation level serializable;
commit;
show default_transaction_isolation;
begin read only;
show transaction_read_only;
select count(*) from t;
insert into t values (40, 'no');
rollback;
begin;
set transaction read only;
update t set v = 'no';
rollback;
start transaction read write;
insert into t values (40, 'yes');
commit;
set default_transaction_read_only = on;
delete from t;
create table t2 (x int);
set default_transaction_read_only = off;
select count(*) from t;
set transaction isolation level read committed;
