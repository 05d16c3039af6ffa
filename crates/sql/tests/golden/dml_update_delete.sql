-- UPDATE and DELETE: expressions over the old row, several columns at once, WHERE with
-- subqueries, UPDATE ... FROM and DELETE ... USING, RETURNING, and updating key columns.
create table acct (id int primary key, owner text, balance numeric(10,2), active boolean default true);
insert into acct values (1, 'ann', 100), (2, 'bob', 50.5), (3, 'cat', 0), (4, 'dan', 75);
update acct set balance = balance * 1.1 where balance > 60;
select * from acct order by id;
update acct set balance = balance - 10, owner = upper(owner) where id = 2 returning id, owner, balance;
update acct set active = false where id in (select id from acct where balance = 0);
update acct set balance = (select max(balance) from acct) where id = 3 returning *;
update acct set balance = 0 where false;
update acct set owner = owner;
-- Setting the primary key moves the row; a collision is an error.
update acct set id = 10 where id = 1;
update acct set id = 2 where id = 10;
select id, owner from acct order by id;
-- UPDATE ... FROM another table.
create table bonus (id int primary key, amount numeric);
insert into bonus values (2, 5), (4, 25), (99, 1);
update acct a set balance = a.balance + b.amount from bonus b where a.id = b.id returning a.id, a.balance;
update acct set owner = owner || '!' from bonus where bonus.id = acct.id and bonus.amount > 100;
-- DELETE ... USING another table.
create table banned (owner text);
insert into banned values ('cat'), ('nobody');
delete from acct using banned where acct.owner = banned.owner returning acct.id, banned.owner;
-- DELETE with RETURNING and subqueries.
delete from acct where not active returning id, owner;
delete from acct where balance < (select avg(balance) from acct) returning *;
delete from acct where id not in (select id from bonus);
select * from acct order by id;
delete from acct;
select count(*) from acct;
-- Errors.
update acct set nosuch = 1;
update acct set balance = 'abc';
update acct set id = null;
delete from nosuch;
update acct set id = 1, id = 2;
