-- Errors as a client sees them: syntax errors (42601) with their position, unknown
-- relations (42P01), columns (42703), functions and operators (42883), ambiguous columns
-- (42702), division by zero (22012), constraint violations (23505, 23502, 23514), type
-- errors (42804, 22P02), and features Tandem does not have (0A000, naming the feature).
selec 1;
select 1 2;
select 1 +;
select * from t where;
select 1, from t;
create table t (id int primary key, v int not null, c int check (c > 0), u text unique);
insert into t values (1, 1, 1, 'a');
select * from nosuch;
select * from public.nosuch;
select nosuch from t;
select t.nosuch from t;
select x.id from t;
select nosuchfn(1);
select abs('a', 'b');
select 1 + 'a'::text;
select true + 1;
select id from t, t as t2;
select 1 / 0, 1;
select 1.0 / 0;
select 1 % 0;
insert into t values (1, 1, 1, 'b');
insert into t values (2, null, 1, 'b');
insert into t values (2, 1, 0, 'b');
insert into t values (2, 1, 1, 'a');
update t set v = null;
select * from t where v;
select * from t where 'x';
select 'x'::int;
select 'x' + 1;
select sum(id) over (order by id rows between 1 preceding and current row) from t;
create trigger trg before insert on t for each row execute function f();
select * from t for update of t;
listen channel;
