-- EXPLAIN shows the chosen access paths and join methods with their conditions:
-- primary-key and index point and range lookups use the index, other predicates filter a
-- scan, equi-joins hash or look up by key rather than nesting full scans, and the
-- sort, limit and aggregate steps are shown with their keys.
create table t (id int primary key, a int, b text, c int);
create index t_a on t (a);
create index t_bc on t (b, c);
create table u (uid int primary key, t_id int, note text);
explain select * from t where id = 2;
explain select * from t where id in (1, 2, 3);
explain select * from t where id > 10 and id <= 20;
explain select * from t where id = 2 and c > 5;
explain select * from t where a = 7;
explain select * from t where a between 1 and 5;
explain select * from t where b = 'x' and c < 3;
explain select * from t where c = 1;
explain select * from t where a = 1 or a = 2;
explain select * from t where id = $1;
explain select id, b from t where c is null order by b desc, id limit 5;
explain select * from t join u on u.t_id = t.id;
explain select * from t join u on u.t_id = t.id where t.a = 3;
explain select * from t left join u on u.t_id = t.id and u.note <> 'x';
explain select * from t, u where t.c = u.uid;
explain select * from t cross join u;
explain select t.b, u.note from u join t on t.id = u.t_id where u.uid = 7;
explain select * from t a join t b on a.c = b.c;
explain select count(*) from t, u, t t2 where t.id = u.t_id and t2.a = u.uid;
explain select * from t where a = 1 and exists (select 1 from u where u.t_id = t.id);
explain select a, count(*), max(c) from t group by a having count(*) > 1;
explain select count(*) from t;
explain select distinct b from t;
explain select * from t where id in (select t_id from u);
explain select id from t union select uid from u;
explain update t set c = c + 1 where id = 5;
explain delete from t where a = 3;
explain insert into t values (1, 2, 'x', 3);
