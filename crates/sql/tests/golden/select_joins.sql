-- Joins: inner, left, right, full, cross; ON, USING and NATURAL; self joins; NULLs never
-- match in a join condition; joins of three tables; conditions in ON versus WHERE.
create table emp (id int primary key, name text, dept_id int, boss_id int);
create table dept (dept_id int primary key, dname text);
insert into dept values (1, 'eng'), (2, 'ops'), (3, 'empty');
insert into emp values (1, 'ann', 1, null), (2, 'bob', 1, 1), (3, 'cat', 2, 1), (4, 'dan', null, 2);
select e.name, d.dname from emp e join dept d on e.dept_id = d.dept_id order by e.name;
select e.name, d.dname from emp e inner join dept d on d.dept_id = e.dept_id and d.dname = 'eng' order by 1;
select e.name, d.dname from emp e left join dept d on e.dept_id = d.dept_id order by e.name;
select e.name, d.dname from emp e right join dept d on e.dept_id = d.dept_id order by d.dname, e.name;
select e.name, d.dname from emp e full join dept d on e.dept_id = d.dept_id order by d.dname nulls first, e.name;
select count(*) from emp cross join dept;
select count(*) from emp, dept where emp.dept_id = dept.dept_id;
-- USING merges the column; NATURAL joins on all common names.
select dept_id, name, dname from emp join dept using (dept_id) order by name;
select * from emp natural join dept order by id;
select dept_id, name from emp left join dept using (dept_id) order by name;
select * from emp join dept using (nosuch);
-- Self join.
select e.name, b.name as boss from emp e left join emp b on e.boss_id = b.id order by e.name;
-- Three tables.
create table proj (pid int primary key, dept_id int, title text);
insert into proj values (10, 1, 'db'), (11, 1, 'ui'), (12, 2, 'infra');
select d.dname, p.title, count(e.id) from dept d join proj p on p.dept_id = d.dept_id
  left join emp e on e.dept_id = d.dept_id group by d.dname, p.title order by 1, 2;
-- A condition in ON of an outer join keeps unmatched rows; in WHERE it removes them.
select e.name, d.dname from emp e left join dept d on e.dept_id = d.dept_id and d.dname = 'ops' order by 1;
select e.name, d.dname from emp e left join dept d on e.dept_id = d.dept_id where d.dname = 'ops' order by 1;
select e.name from emp e left join dept d on e.dept_id = d.dept_id where d.dept_id is null;
-- NULL keys never join, not even to each other.
create table l (k int, v text);
create table r (k int, w text);
insert into l values (1, 'l1'), (null, 'lnull'), (2, 'l2');
insert into r values (1, 'r1'), (null, 'rnull'), (3, 'r3');
select l.v, r.w from l join r on l.k = r.k;
select l.v, r.w from l full join r on l.k = r.k order by l.v nulls last, r.w;
select l.v, r.w from l join r on l.k is not distinct from r.k order by 1;
-- Joining subqueries, and ambiguous names.
select x.n, y.n from (select 1 as n) x join (select 1 as n) y on x.n = y.n;
select dept_id from emp join dept on emp.dept_id = dept.dept_id;
select * from emp e join dept e on true;
select * from emp join dept on nosuch = 1;
