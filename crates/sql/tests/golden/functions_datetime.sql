-- Date and time functions: now() and friends being stable within a transaction,
-- to_char/to_date/to_timestamp formatting, age, justify_*, make_*, date_bin, isfinite,
-- extract of every common field, and generate_series over time.
begin;
select now() = current_timestamp, now() = transaction_timestamp(), statement_timestamp() >= now(), clock_timestamp() >= now();
select pg_sleep(0.01);
select now() = current_timestamp;
commit;
select to_char(timestamp '2024-02-09 08:05:03', 'YYYY-MM-DD HH24:MI:SS'), to_char(timestamp '2024-02-09 20:05:03', 'HH12:MI AM Dy Mon DD');
select to_char(date '2024-02-09', 'FMMonth FMDDth YYYY'), to_char(123.456, '999.99'), to_char(5, '000'), to_char(1234567.8, 'FM9,999,999.00');
select to_date('09/02/2024', 'DD/MM/YYYY'), to_timestamp('2024-02-09 10:11', 'YYYY-MM-DD HH24:MI'), to_timestamp(1700000000);
select age(timestamp '2024-03-31', timestamp '2024-02-29'), age(date '2000-01-01', date '2024-06-15');
select justify_days(interval '35 days'), justify_hours(interval '27 hours'), justify_interval(interval '1 mon -1 hour');
select make_date(2024, 1, 31), make_time(10, 11, 12.5), make_timestamp(2024, 1, 31, 10, 11, 12), make_interval(1, 2, 0, 3);
select date_bin('15 minutes', timestamp '2024-01-01 10:37', timestamp '2024-01-01'), isfinite(date 'infinity'), isfinite(now());
select extract(quarter from date '2024-05-01'), extract(week from date '2024-01-01'), extract(doy from date '2024-12-31'),
  extract(isodow from date '2024-01-07'), extract(century from date '2024-01-01'), extract(microseconds from time '00:00:01.5');
select date_part('epoch', interval '1 day'), extract(epoch from interval '1 month'), extract(julian from date '2024-01-01');
select * from generate_series(timestamp '2024-01-01', timestamp '2024-01-02', interval '8 hours');
select * from generate_series('2024-01-31'::date, '2024-05-01', '1 month');
select make_date(2024, 2, 30);
select to_date('2024-13-01', 'YYYY-MM-DD');
