-- Dates and times: date, time, timestamp, timestamptz and interval input and output,
-- arithmetic between them, comparisons across types, time zones (SET TIME ZONE, AT TIME
-- ZONE), extract/date_part/date_trunc, special values, and bad input.
select '2024-02-29'::date, '2024-02-29 13:45:06.789'::timestamp, '13:45:06'::time, '1 day 02:03:04'::interval;
select date '2024-03-01' - date '2024-02-01', date '2024-01-31' + 1, date '2024-01-31' - 1, pg_typeof(date '2024-01-31' + 1);
select date '2024-01-31' + interval '1 month', timestamp '2024-01-31 10:00' + interval '1 month 1 day 1 hour';
select timestamp '2024-03-01 00:00' - timestamp '2024-02-28 12:00', time '10:00' + interval '3 hours', time '23:00' + interval '2 hours';
select interval '1 day' * 3, interval '1 hour' / 2, interval '90 minutes', interval '1 year 13 months', -interval '1 day';
select interval '25 hours' = interval '1 day 1 hour', interval '30 days' = interval '1 month', interval '1 day' > interval '23 hours';
select date '2024-01-01' = timestamp '2024-01-01 00:00', date '2024-01-01' < timestamp '2024-01-01 00:00:01';
select '2024-13-01'::date;
select '2024-02-30'::date;
select 'yesterday-ish'::timestamp;
select '25:00'::time;
select 'infinity'::timestamp, '-infinity'::date, 'infinity'::timestamp > now()::timestamp;
select '2024-01-01'::date + time '12:30', '4713-01-01 BC'::date, '0001-01-01'::date - 1;
-- Time zones.
show timezone;
select '2024-06-01 12:00:00+02'::timestamptz, '2024-06-01 12:00:00'::timestamptz;
set time zone 'America/New_York';
select '2024-06-01 12:00:00+02'::timestamptz, '2024-01-01 12:00:00+00'::timestamptz;
select '2024-06-01 12:00'::timestamp::timestamptz, '2024-06-01 12:00+00'::timestamptz::timestamp;
select timestamptz '2024-06-01 12:00+00' at time zone 'Asia/Tokyo', timestamp '2024-06-01 12:00' at time zone 'UTC';
select '2024-03-10 01:30'::timestamptz + interval '1 hour', '2024-03-10 01:30'::timestamptz + interval '1 day';
set time zone 'UTC+3';
select '2024-06-01 12:00:00+00'::timestamptz;
set time zone '+3';
select '2024-06-01 12:00:00+00'::timestamptz;
set time zone '+05:30';
set time zone 'UTC';
select '2024-06-01 12:00:00+00'::timestamptz;
set time zone 'Nowhere/City';
-- extract, date_part, date_trunc.
select extract(year from date '2024-02-29'), extract(month from timestamp '2024-02-29 10:11:12'), extract(dow from date '2024-02-29'), extract(epoch from timestamptz '1970-01-02 00:00+00');
select extract(hour from interval '1 day 5 hours'), extract(day from interval '40 days'), date_part('minute', time '10:42');
select pg_typeof(extract(year from date '2024-01-01')), pg_typeof(date_part('year', date '2024-01-01'));
select date_trunc('month', timestamp '2024-02-29 10:11:12'), date_trunc('hour', timestamptz '2024-02-29 10:11:12+00'), date_trunc('week', date '2024-02-29');
select extract(nosuch from date '2024-01-01');
-- Casts between them.
select '2024-02-29 10:11:12'::timestamp::date, '2024-02-29'::date::timestamp, '2024-02-29 10:11:12'::timestamp::time;
select now() - now(), current_date = now()::date, pg_typeof(current_timestamp), pg_typeof(localtimestamp);
select make_date(2024, 2, 29), make_interval(days => 3, hours => 1), make_interval(1, 2), to_timestamp(0), age(timestamp '2024-03-01', timestamp '2023-01-15');
select date '2024-01-01' + 1.5;
