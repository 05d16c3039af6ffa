-- real, double precision and numeric(p,s): literal typing, display, rounding on store and
-- cast (half away from zero for numeric), precision overflow, special values (NaN,
-- Infinity), division, and mixing with integers.
select 1.5, pg_typeof(1.5), 1e3, pg_typeof(1e3), 0.1 + 0.2;
select 0.1::float8 + 0.2::float8, 1.0::float4 / 3, 1.0::float8 / 3, 1e300::float8 * 10;
select 'NaN'::float8, 'Infinity'::float8, '-inf'::float8, 'NaN'::float8 = 'NaN'::float8, 'NaN'::float8 > 'Infinity'::float8;
-- numeric has no NaN or infinities in Tandem, and holds about 28 significant digits.
select 'nan'::numeric;
select 123456789012345678901234567890.123 * 10;
select 1e308::float8 * 10;
select '1e400'::float8;
select 3.0::float8 / 0;
select 1.23456789012345678::float8, 100000000000000000000::float8, 1.5e-10::float8;
select 1.23456789::real, 123456789::real;
-- numeric(p, s) rounds to its scale and checks its precision.
select 1.005::numeric(10,2), 1.015::numeric(10,2), -1.005::numeric(10,2), 2.5::numeric(5,0);
select 123.456::numeric(5,2);
select 99.995::numeric(4,2);
select 12345.6::numeric(4,0);
select 0.0001::numeric(3,3), 1::numeric(3,3);
create table n (a numeric(6,2), b numeric, c numeric(3));
insert into n values (1.005, 1.005, 1.5), (-9999.994, 1e-20, 999);
insert into n values (10000, 0, 0);
insert into n values (0, 0, 1000);
select * from n order by a;
-- numeric arithmetic keeps precision; division picks a scale.
select 1::numeric / 3, 10::numeric / 4, 2::numeric ^ 0.5, 1.10 + 2.205, 1.5 * 1.5, 7.0 % 2.5;
select 12345678901234567890.123 * 10, round(2.5), round(-2.5), round(1.2345, 2), trunc(1.999, 1);
select 1 / 0.0;
select 5 / 2.0, pg_typeof(5 / 2.0), pg_typeof(1 + 1.5), pg_typeof(1.5 + 1::float8), pg_typeof(1::float4 + 1);
select '1.5x'::numeric;
select 'abc'::float8;
select 1.5::numeric(2, 3);
select 1::numeric(1001);
