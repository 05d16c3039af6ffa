-- Integer types: smallint, integer, bigint; literal typing, arithmetic and its overflow,
-- division and modulo rounding toward zero, casts between them and from text, and bitwise
-- operators.
select 32767::smallint, -32768::smallint, 2147483647, -2147483648, 9223372036854775807, -9223372036854775808;
select pg_typeof(1), pg_typeof(2147483648), pg_typeof(9223372036854775808), pg_typeof(1::int2 + 1::int2);
select 32767::smallint + 1::smallint;
select 2147483647 + 1;
select -2147483648 * -1;
select 9223372036854775807 + 1;
select 2147483647::bigint + 1;
select 32768::smallint;
select 2147483648::int;
select '99999999999999999999'::bigint;
select 7 / 2, -7 / 2, 7 % 3, -7 % 3, 7 % -3;
select 1 / 0;
select 1 % 0;
select -(-2147483647);
select abs(-2147483648);
select '  42  '::int, '+7'::int, '-0'::int;
select '4.5'::int;
select 'x'::int;
select ''::int;
select 4.5::int, 5.5::int, -4.5::int, 2.5::int, 3.49999::int;
select 4.5::float8::int, 5.5::float8::int;
select 12 & 10, 12 | 10, 12 # 10, ~12, 1 << 4, 256 >> 2;
select 10::int2 * 3::int4, pg_typeof(10::int2 * 3::int4), pg_typeof(10::int4 * 3::int8);
select 3 = 3.0, 1 < 1.5, 2::bigint = 2::smallint;
create table t (s smallint, i int, b bigint);
insert into t values (1, 1, 1);
insert into t values (40000, 1, 1);
insert into t values (1, 3000000000, 1);
insert into t values ('12', '34', '56');
insert into t values (1.5, 2.5, 3.5);
select * from t order by s;
update t set s = s * 1000 where s = 12;
update t set s = s * 10000 where s = 12;
select sum(s), sum(i), sum(b), pg_typeof(sum(s)) from t;
