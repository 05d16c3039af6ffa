-- Math functions and operators: abs, sign, rounding (round, trunc, ceil, floor) on numeric
-- and float, powers and roots, logarithms, trigonometry, mod/div, gcd/lcm, random, and
-- domain errors.
select abs(-5), abs(-5.5), abs(-5.5::float8), sign(-3), sign(0.0), sign(2.5::float8);
select round(2.5), round(-2.5), round(2.5::float8), round(3.5::float8), round(1.2345, 2), round(1234.5, -2), round(1.5::float8, 1);
select trunc(2.9), trunc(-2.9), trunc(1.2399, 2), ceil(1.1), ceiling(-1.1), floor(-1.1), floor(1.9::float8);
select pg_typeof(round(1.5)), pg_typeof(round(1.5::float8)), pg_typeof(ceil(1)), pg_typeof(abs(-1::int2));
select power(2, 10), power(2.0, 0.5), 2 ^ 10, sqrt(16), sqrt(2::numeric), cbrt(64::float8), |/ 25, ||/ 8;
select exp(1::float8), ln(exp(2::float8)), log(100), log(2, 8), log10(1000::float8), ln(10::numeric);
select pi(), sin(0), cos(0), tan(0), asin(1), acos(1), atan(1), atan2(1, 1), degrees(pi()), radians(180);
select mod(7, 3), mod(-7, 3), mod(7.5, 2), div(7, 2), div(-7, 2), 7 / 2, 7.0 / 2;
select gcd(12, 18), lcm(4, 6), factorial(5), width_bucket(5.5, 0, 10, 5);
select random() >= 0 and random() < 1;
select setseed(0.5);
select greatest(1.5, 2, 0.5), least(1::int2, 2::int8);
-- Domain errors.
select sqrt(-1);
select ln(0);
select log(-1::float8);
select power(0, -1);
select 0.0 ^ -1;
select mod(1, 0);
select factorial(-1);
select asin(2);
select (-8) ^ (1.0 / 3);
select abs(-9223372036854775808);
