//! Date and time arithmetic operators: `date ± integer`, `date - date`, `date + time`,
//! `date/timestamp/timestamptz ± interval` (months and days on the calendar, in the session
//! time zone for timestamptz), `timestamp - timestamp`, `time ± interval`, and interval
//! arithmetic (`+`, `-`, unary `-`, `* float8`, `/ float8`) with PostgreSQL's cascading of
//! fractional months and days.

use crate::error::{sqlstate, Result, SqlError};
use crate::functions::util::{date, float, int4, interval, time, timestamp};
use crate::functions::FnContext;
use crate::types::datetime::{
    add_interval, date_is_finite, date_out_of_range, date_to_timestamp, interval_out_of_range, is_valid_date,
    negate_interval, sub_interval, timestamp_is_finite, timestamp_out_of_range, SECS_PER_DAY, USECS_PER_DAY,
    USECS_PER_SEC,
};
use crate::types::{Interval, Value};

fn add_days(d: i32, n: i32) -> Result<Value> {
    if !date_is_finite(d) {
        return Ok(Value::Date(d));
    }
    match d.checked_add(n) {
        Some(r) if is_valid_date(r) => Ok(Value::Date(r)),
        _ => Err(date_out_of_range()),
    }
}

/// `date + integer`.
pub(crate) fn date_pl_int(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    add_days(date(args, 0)?, int4(args, 1)?)
}

/// `integer + date`.
pub(crate) fn int_pl_date(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    add_days(date(args, 1)?, int4(args, 0)?)
}

/// `date - integer`.
pub(crate) fn date_mi_int(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let n = int4(args, 1)?.checked_neg().ok_or_else(date_out_of_range)?;
    add_days(date(args, 0)?, n)
}

/// `date - date` → integer days.
pub(crate) fn date_mi_date(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let (a, b) = (date(args, 0)?, date(args, 1)?);
    if !date_is_finite(a) || !date_is_finite(b) {
        return Err(SqlError::new(sqlstate::DATETIME_FIELD_OVERFLOW, "cannot subtract infinite dates"));
    }
    a.checked_sub(b).map(Value::Int4).ok_or_else(date_out_of_range)
}

fn date_time(d: i32, t: i64) -> Result<Value> {
    let ts = date_to_timestamp(d)?;
    if !timestamp_is_finite(ts) {
        return Ok(Value::Timestamp(ts));
    }
    Ok(Value::Timestamp(ts.checked_add(t).ok_or_else(timestamp_out_of_range)?))
}

/// `date + time` → timestamp.
pub(crate) fn date_pl_time(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    date_time(date(args, 0)?, time(args, 1)?)
}

/// `time + date` → timestamp.
pub(crate) fn time_pl_date(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    date_time(date(args, 1)?, time(args, 0)?)
}

/// `date + interval` → timestamp.
pub(crate) fn date_pl_interval(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let ts = date_to_timestamp(date(args, 0)?)?;
    add_interval(ts, &interval(args, 1)?, None).map(Value::Timestamp)
}

/// `interval + date` → timestamp.
pub(crate) fn interval_pl_date(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let ts = date_to_timestamp(date(args, 1)?)?;
    add_interval(ts, &interval(args, 0)?, None).map(Value::Timestamp)
}

/// `date - interval` → timestamp.
pub(crate) fn date_mi_interval(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let ts = date_to_timestamp(date(args, 0)?)?;
    sub_interval(ts, &interval(args, 1)?, None).map(Value::Timestamp)
}

fn wrap_time(t: i128) -> Value {
    Value::Time(t.rem_euclid(i128::from(USECS_PER_DAY)) as i64)
}

/// `time + interval` (only the time part of the interval counts; wraps around midnight).
pub(crate) fn time_pl_interval(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    Ok(wrap_time(i128::from(time(args, 0)?) + i128::from(interval(args, 1)?.micros)))
}

/// `interval + time`.
pub(crate) fn interval_pl_time(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    Ok(wrap_time(i128::from(time(args, 1)?) + i128::from(interval(args, 0)?.micros)))
}

/// `time - interval`.
pub(crate) fn time_mi_interval(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    Ok(wrap_time(i128::from(time(args, 0)?) - i128::from(interval(args, 1)?.micros)))
}

/// `time - time` → interval.
pub(crate) fn time_mi_time(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    Ok(Value::Interval(Interval { months: 0, days: 0, micros: time(args, 0)? - time(args, 1)? }))
}

/// `timestamp + interval`.
pub(crate) fn ts_pl_interval(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    add_interval(timestamp(args, 0)?, &interval(args, 1)?, None).map(Value::Timestamp)
}

/// `interval + timestamp`.
pub(crate) fn interval_pl_ts(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    add_interval(timestamp(args, 1)?, &interval(args, 0)?, None).map(Value::Timestamp)
}

/// `timestamp - interval`.
pub(crate) fn ts_mi_interval(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    sub_interval(timestamp(args, 0)?, &interval(args, 1)?, None).map(Value::Timestamp)
}

/// `timestamptz + interval` (calendar arithmetic in the session time zone).
pub(crate) fn tstz_pl_interval(args: &[Value], ctx: &FnContext<'_>) -> Result<Value> {
    add_interval(timestamp(args, 0)?, &interval(args, 1)?, Some(&ctx.text.tz)).map(Value::TimestampTz)
}

/// `interval + timestamptz`.
pub(crate) fn interval_pl_tstz(args: &[Value], ctx: &FnContext<'_>) -> Result<Value> {
    add_interval(timestamp(args, 1)?, &interval(args, 0)?, Some(&ctx.text.tz)).map(Value::TimestampTz)
}

/// `timestamptz - interval`.
pub(crate) fn tstz_mi_interval(args: &[Value], ctx: &FnContext<'_>) -> Result<Value> {
    sub_interval(timestamp(args, 0)?, &interval(args, 1)?, Some(&ctx.text.tz)).map(Value::TimestampTz)
}

/// PostgreSQL's `interval_justify_hours`: whole 24-hour periods of the time become days.
pub(crate) fn justify_hours(iv: Interval) -> Result<Interval> {
    let mut r = iv;
    let whole = r.micros / USECS_PER_DAY;
    r.micros -= whole * USECS_PER_DAY;
    r.days = i32::try_from(i64::from(r.days) + whole).map_err(|_| interval_out_of_range())?;
    if r.days > 0 && r.micros < 0 {
        r.micros += USECS_PER_DAY;
        r.days -= 1;
    } else if r.days < 0 && r.micros > 0 {
        r.micros -= USECS_PER_DAY;
        r.days += 1;
    }
    Ok(r)
}

/// PostgreSQL's `interval_justify_days`: whole 30-day periods become months.
pub(crate) fn justify_days(iv: Interval) -> Result<Interval> {
    let mut r = iv;
    let whole = r.days / 30;
    r.days -= whole * 30;
    r.months = r.months.checked_add(whole).ok_or_else(interval_out_of_range)?;
    if r.months > 0 && r.days < 0 {
        r.days += 30;
        r.months -= 1;
    } else if r.months < 0 && r.days > 0 {
        r.days -= 30;
        r.months += 1;
    }
    Ok(r)
}

/// PostgreSQL's `interval_justify_interval`: both, with consistent signs.
pub(crate) fn justify_interval(iv: Interval) -> Result<Interval> {
    let mut r = iv;
    let whole_days = r.micros / USECS_PER_DAY;
    r.micros -= whole_days * USECS_PER_DAY;
    let days = i64::from(r.days) + whole_days;
    let whole_months = days / 30;
    r.days = (days - whole_months * 30) as i32;
    r.months = i32::try_from(i64::from(r.months) + whole_months).map_err(|_| interval_out_of_range())?;
    if r.months > 0 && (r.days < 0 || (r.days == 0 && r.micros < 0)) {
        r.days += 30;
        r.months -= 1;
    } else if r.months < 0 && (r.days > 0 || (r.days == 0 && r.micros > 0)) {
        r.days -= 30;
        r.months += 1;
    }
    if r.days > 0 && r.micros < 0 {
        r.micros += USECS_PER_DAY;
        r.days -= 1;
    } else if r.days < 0 && r.micros > 0 {
        r.micros -= USECS_PER_DAY;
        r.days += 1;
    }
    Ok(r)
}

/// `timestamp - timestamp` (and timestamptz): an interval of days and time (justified hours).
pub(crate) fn ts_mi_ts(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let (a, b) = (timestamp(args, 0)?, timestamp(args, 1)?);
    if !timestamp_is_finite(a) || !timestamp_is_finite(b) {
        return Err(SqlError::new(sqlstate::DATETIME_FIELD_OVERFLOW, "cannot subtract infinite timestamps"));
    }
    let micros = a.checked_sub(b).ok_or_else(interval_out_of_range)?;
    justify_hours(Interval { months: 0, days: 0, micros }).map(Value::Interval)
}

/// `interval + interval`, field by field.
pub(crate) fn interval_add(a: Interval, b: Interval) -> Result<Interval> {
    Ok(Interval {
        months: a.months.checked_add(b.months).ok_or_else(interval_out_of_range)?,
        days: a.days.checked_add(b.days).ok_or_else(interval_out_of_range)?,
        micros: a.micros.checked_add(b.micros).ok_or_else(interval_out_of_range)?,
    })
}

/// `interval + interval`.
pub(crate) fn interval_pl(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    interval_add(interval(args, 0)?, interval(args, 1)?).map(Value::Interval)
}

/// `interval - interval`.
pub(crate) fn interval_mi(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    interval_add(interval(args, 0)?, negate_interval(&interval(args, 1)?)?).map(Value::Interval)
}

/// `- interval`.
pub(crate) fn interval_neg(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    negate_interval(&interval(args, 0)?).map(Value::Interval)
}

/// `+ interval`.
pub(crate) fn interval_ident(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    interval(args, 0).map(Value::Interval)
}

/// `TSROUND`: rounds to microsecond precision in seconds.
fn tsround(x: f64) -> f64 {
    (x * 1e6).round_ties_even() / 1e6
}

fn to_i32(x: f64) -> Result<i32> {
    if x.is_finite() && x <= f64::from(i32::MAX) && x >= f64::from(i32::MIN) {
        Ok(x as i32)
    } else {
        Err(interval_out_of_range())
    }
}

/// PostgreSQL's `interval_mul` and `interval_div`: each field is scaled by `op` (multiply or
/// divide by `factor`); whole months and days stay, fractions cascade down (a month is 30
/// days, a day 24 hours).
fn interval_apply(span: Interval, factor: f64, op: fn(f64, f64) -> f64) -> Result<Interval> {
    let months_f = op(f64::from(span.months), factor);
    let days_f = op(f64::from(span.days), factor);
    let months = to_i32(months_f)?;
    let mut days = to_i32(days_f)?;
    let month_remainder_days = tsround((months_f - f64::from(months)) * 30.0);
    let mut sec_remainder =
        tsround((days_f - f64::from(days) + month_remainder_days - month_remainder_days.trunc()) * SECS_PER_DAY as f64);
    if sec_remainder.abs() >= SECS_PER_DAY as f64 {
        let whole = (sec_remainder / SECS_PER_DAY as f64).trunc();
        days = days.checked_add(to_i32(whole)?).ok_or_else(interval_out_of_range)?;
        sec_remainder -= whole * SECS_PER_DAY as f64;
    }
    days = days.checked_add(to_i32(month_remainder_days.trunc())?).ok_or_else(interval_out_of_range)?;
    let micros_f = (op(span.micros as f64, factor) + sec_remainder * USECS_PER_SEC as f64).round_ties_even();
    if !micros_f.is_finite() || !(-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&micros_f) {
        return Err(interval_out_of_range());
    }
    Ok(Interval { months, days, micros: micros_f as i64 })
}

/// `interval * factor`.
pub(crate) fn interval_scale(span: Interval, factor: f64) -> Result<Interval> {
    interval_apply(span, factor, |x, f| x * f)
}

/// `interval / factor` (22012 for zero).
pub(crate) fn interval_divide(span: Interval, factor: f64) -> Result<Interval> {
    if factor == 0.0 {
        return Err(SqlError::division_by_zero());
    }
    interval_apply(span, factor, |x, f| x / f)
}

/// `interval * float8`.
pub(crate) fn interval_mul(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    interval_scale(interval(args, 0)?, float(args, 1)?).map(Value::Interval)
}

/// `float8 * interval`.
pub(crate) fn mul_interval(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    interval_scale(interval(args, 1)?, float(args, 0)?).map(Value::Interval)
}

/// `interval / float8`.
pub(crate) fn interval_div(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    interval_divide(interval(args, 0)?, float(args, 1)?).map(Value::Interval)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::util::testing::{utc, with_ctx};
    use crate::types::datetime::{fields_to_timestamp, ymd_to_date, DateTimeFields, USECS_PER_HOUR};

    fn iv(months: i32, days: i32, micros: i64) -> Interval {
        Interval { months, days, micros }
    }

    fn ts(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> i64 {
        fields_to_timestamp(&DateTimeFields { year: y, month: mo, day: d, hour: h, minute: mi, second: 0, micros: 0 })
            .unwrap()
    }

    fn d(y: i32, m: u32, day: u32) -> i32 {
        ymd_to_date(y, m, day).unwrap()
    }

    #[test]
    fn date_arithmetic() {
        utc(|ctx| {
            let r = date_pl_int(&[Value::Date(d(2024, 2, 28)), Value::Int4(2)], ctx).unwrap();
            assert!(matches!(r, Value::Date(x) if x == d(2024, 3, 1)));
            let r = date_mi_date(&[Value::Date(d(2024, 3, 1)), Value::Date(d(2024, 1, 1))], ctx).unwrap();
            assert!(matches!(r, Value::Int4(60)));
            let r = date_pl_interval(&[Value::Date(d(2024, 1, 31)), Value::Interval(iv(1, 0, 0))], ctx).unwrap();
            assert!(matches!(r, Value::Timestamp(x) if x == ts(2024, 2, 29, 0, 0)));
            let r = date_pl_time(&[Value::Date(d(2024, 1, 1)), Value::Time(10 * USECS_PER_HOUR)], ctx).unwrap();
            assert!(matches!(r, Value::Timestamp(x) if x == ts(2024, 1, 1, 10, 0)));
            let r = time_pl_date(&[Value::Time(10 * USECS_PER_HOUR), Value::Date(d(2024, 1, 1))], ctx).unwrap();
            assert!(matches!(r, Value::Timestamp(x) if x == ts(2024, 1, 1, 10, 0)));
            assert!(date_mi_date(&[Value::Date(i32::MAX), Value::Date(0)], ctx).is_err());
            assert!(matches!(date_pl_int(&[Value::Date(i32::MAX), Value::Int4(1)], ctx), Ok(Value::Date(i32::MAX))));
        });
    }

    #[test]
    fn timestamp_arithmetic() {
        utc(|ctx| {
            let r = ts_mi_ts(&[Value::Timestamp(ts(2024, 1, 2, 12, 0)), Value::Timestamp(ts(2024, 1, 1, 0, 0))], ctx);
            assert!(matches!(r, Ok(Value::Interval(i)) if i == iv(0, 1, 12 * USECS_PER_HOUR)));
            let r = ts_mi_ts(&[Value::Timestamp(ts(2024, 1, 1, 0, 0)), Value::Timestamp(ts(2024, 1, 2, 12, 0))], ctx);
            assert!(matches!(r, Ok(Value::Interval(i)) if i == iv(0, -1, -12 * USECS_PER_HOUR)));
            let r = ts_pl_interval(
                &[Value::Timestamp(ts(2024, 1, 31, 10, 0)), Value::Interval(iv(1, 1, 3_600_000_000))],
                ctx,
            );
            assert!(matches!(r, Ok(Value::Timestamp(x)) if x == ts(2024, 3, 1, 11, 0)));
            let r = time_pl_interval(
                &[Value::Time(23 * USECS_PER_HOUR), Value::Interval(iv(0, 0, 2 * USECS_PER_HOUR))],
                ctx,
            );
            assert!(matches!(r, Ok(Value::Time(x)) if x == USECS_PER_HOUR));
            let r =
                time_mi_interval(&[Value::Time(USECS_PER_HOUR), Value::Interval(iv(0, 0, 2 * USECS_PER_HOUR))], ctx);
            assert!(matches!(r, Ok(Value::Time(x)) if x == 23 * USECS_PER_HOUR));
        });
        // A day across the spring-forward change is 23 hours in the session zone.
        with_ctx(chrono_tz::America::New_York, |ctx| {
            let start = ts(2024, 3, 9, 17, 0); // 12:00 EST in UTC
            let r = tstz_pl_interval(&[Value::TimestampTz(start), Value::Interval(iv(0, 1, 0))], ctx);
            assert!(matches!(r, Ok(Value::TimestampTz(x)) if x == start + 23 * USECS_PER_HOUR));
        });
    }

    #[test]
    fn interval_arithmetic() {
        assert_eq!(interval_scale(iv(1, 0, 0), 0.5).unwrap(), iv(0, 15, 0));
        assert_eq!(interval_scale(iv(0, 1, 0), 1.5).unwrap(), iv(0, 1, 12 * USECS_PER_HOUR));
        assert_eq!(interval_scale(iv(0, 0, 3_600_000_000), 2.0).unwrap(), iv(0, 0, 7_200_000_000));
        assert_eq!(interval_divide(iv(1, 0, 0), 3.0).unwrap(), iv(0, 10, 0));
        assert_eq!(interval_divide(iv(0, 1, 0), 2.0).unwrap(), iv(0, 0, 12 * USECS_PER_HOUR));
        assert_eq!(interval_divide(iv(0, 1, 0), 0.0).unwrap_err().code, "22012");
        assert_eq!(interval_scale(iv(i32::MAX, 0, 0), 2.0).unwrap_err().message, "interval out of range");
        assert_eq!(justify_hours(iv(0, 0, 27 * USECS_PER_HOUR)).unwrap(), iv(0, 1, 3 * USECS_PER_HOUR));
        assert_eq!(justify_days(iv(0, 35, 0)).unwrap(), iv(1, 5, 0));
        assert_eq!(justify_interval(iv(1, -33, 0)).unwrap(), iv(0, -3, 0));
        assert_eq!(justify_interval(iv(1, 0, -USECS_PER_HOUR)).unwrap(), iv(0, 29, 23 * USECS_PER_HOUR));
        assert_eq!(justify_interval(iv(0, 0, -(25 * USECS_PER_HOUR))).unwrap(), iv(0, -1, -USECS_PER_HOUR));
        assert_eq!(interval_add(iv(1, 2, 3), iv(1, 1, 1)).unwrap(), iv(2, 3, 4));
    }
}
