//! Date/time functions: the current time (`now`, `statement_timestamp`, `clock_timestamp`,
//! `current_date`, `localtimestamp`, ...), `age`, the `make_*` constructors, `date_bin`,
//! `justify_*`, `isfinite`, `timezone` (the target of `AT TIME ZONE`) and
//! `to_timestamp(double precision)`.
//!
//! `now()` and friends return the transaction start time from [`FnContext`], so they are
//! stable within a statement; `clock_timestamp()` reads the real clock. `current_time` and
//! `localtime` return `time` (Tandem has no `timetz`).

use crate::error::{sqlstate, Result, SqlError};
use crate::functions::operators::datetime::{justify_days, justify_hours, justify_interval};
use crate::functions::resolve::p;
use crate::functions::scalar::Functions;
use crate::functions::util::{arg, date, float, int4, interval, text, text_value, timestamp};
use crate::functions::FnContext;
use crate::types::datetime::{
    days_in_month, interval_out_of_range, is_valid_timestamp, local_timestamp_to_utc, now_timestamp,
    timestamp_is_finite, timestamp_out_of_range, timestamp_to_fields, tz_abbreviation, utc_to_local, ymd_to_date,
    DateTimeFields, PG_EPOCH_UNIX_SECS, USECS_PER_DAY, USECS_PER_HOUR, USECS_PER_MINUTE, USECS_PER_SEC,
};
use crate::types::text::{lookup_time_zone, zone_abbreviation_offset};
use crate::types::{DataType, Interval, Value};

pub(super) fn register(r: &mut Functions) {
    use DataType::{Bool, Date, Interval as Iv, Text, Time, Timestamp, TimestampTz};
    for name in ["now", "transaction_timestamp", "current_timestamp"] {
        r.add(name, [], TimestampTz.clone(), now).stable();
    }
    r.add("current_timestamp", [p::INT4], TimestampTz.clone(), now).stable();
    r.add("statement_timestamp", [], TimestampTz.clone(), statement_timestamp).stable();
    r.add("clock_timestamp", [], TimestampTz.clone(), clock_timestamp).volatile();
    r.add("timeofday", [], Text, timeofday).volatile();
    r.add("current_date", [], Date, current_date).stable();
    for name in ["current_time", "localtime"] {
        r.add(name, [], Time.clone(), localtime).stable();
        r.add(name, [p::INT4], Time.clone(), localtime).stable();
    }
    r.add("localtimestamp", [], Timestamp.clone(), localtimestamp).stable();
    r.add("localtimestamp", [p::INT4], Timestamp.clone(), localtimestamp).stable();
    r.add("age", [p::TIMESTAMP, p::TIMESTAMP], Iv.clone(), age);
    r.add("age", [p::TIMESTAMP], Iv.clone(), age_now).stable();
    r.add("age", [p::TIMESTAMPTZ, p::TIMESTAMPTZ], Iv.clone(), age).stable();
    r.add("age", [p::TIMESTAMPTZ], Iv.clone(), age_now).stable();
    r.add("make_date", [p::INT4, p::INT4, p::INT4], Date, make_date);
    r.add("make_time", [p::INT4, p::INT4, p::FLOAT8], Time, make_time);
    let ymdhms = [p::INT4, p::INT4, p::INT4, p::INT4, p::INT4, p::FLOAT8];
    r.add("make_timestamp", ymdhms.clone(), Timestamp.clone(), make_timestamp);
    r.add("make_timestamptz", ymdhms.clone(), TimestampTz.clone(), make_timestamptz).stable();
    let mut with_zone = ymdhms.to_vec();
    with_zone.push(p::TEXT);
    r.add("make_timestamptz", with_zone, TimestampTz.clone(), make_timestamptz).stable();
    let iv_params = [p::INT4, p::INT4, p::INT4, p::INT4, p::INT4, p::INT4, p::FLOAT8];
    for n in 0..=iv_params.len() {
        r.add("make_interval", iv_params[..n].to_vec(), Iv.clone(), make_interval);
    }
    r.add("date_bin", [p::INTERVAL, p::TIMESTAMP, p::TIMESTAMP], Timestamp.clone(), date_bin);
    r.add("date_bin", [p::INTERVAL, p::TIMESTAMPTZ, p::TIMESTAMPTZ], TimestampTz.clone(), date_bin);
    r.add("justify_days", [p::INTERVAL], Iv.clone(), |a, _| justify_days(interval(a, 0)?).map(Value::Interval));
    r.add("justify_hours", [p::INTERVAL], Iv.clone(), |a, _| justify_hours(interval(a, 0)?).map(Value::Interval));
    r.add("justify_interval", [p::INTERVAL], Iv.clone(), |a, _| justify_interval(interval(a, 0)?).map(Value::Interval));
    r.add("isfinite", [p::DATE], Bool.clone(), |a, _| {
        Ok(Value::Bool(crate::types::datetime::date_is_finite(date(a, 0)?)))
    });
    r.add("isfinite", [p::TIMESTAMP], Bool.clone(), |a, _| Ok(Value::Bool(timestamp_is_finite(timestamp(a, 0)?))));
    r.add("isfinite", [p::TIMESTAMPTZ], Bool.clone(), |a, _| Ok(Value::Bool(timestamp_is_finite(timestamp(a, 0)?))));
    r.add("isfinite", [p::INTERVAL], Bool, |_, _| Ok(Value::Bool(true)));
    r.add("timezone", [p::TEXT, p::TIMESTAMP], TimestampTz.clone(), timezone_ts);
    r.add("timezone", [p::TEXT, p::TIMESTAMPTZ], Timestamp.clone(), timezone_tstz);
    r.add("timezone", [p::INTERVAL, p::TIMESTAMP], TimestampTz.clone(), timezone_ts);
    r.add("timezone", [p::INTERVAL, p::TIMESTAMPTZ], Timestamp, timezone_tstz);
    r.add("to_timestamp", [p::FLOAT8], TimestampTz, to_timestamp_epoch);
}

/// A time zone for `AT TIME ZONE`: a named zone, or a fixed offset (seconds east of UTC).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Zone {
    /// An IANA zone.
    Named(chrono_tz::Tz),
    /// A fixed offset, seconds east of UTC.
    Fixed(i32),
}

/// A POSIX-style offset (`UTC+5`, `-03:30`, `EST5`): positive means west of UTC.
fn posix_offset(s: &str) -> Option<i32> {
    let rest = s.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    let letters = s.len() - rest.len();
    if letters != 0 && letters < 3 {
        return None;
    }
    let (sign, digits) = match rest.as_bytes().first()? {
        b'+' => (1, &rest[1..]),
        b'-' => (-1, &rest[1..]),
        _ => (1, rest),
    };
    let mut parts = digits.split(':');
    let mut secs = 0i32;
    for (i, unit) in [3600, 60, 1].into_iter().enumerate() {
        match parts.next() {
            Some(p) if !p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit()) => {
                secs += p.parse::<i32>().ok()? * unit;
            }
            None if i > 0 => break,
            _ => return None,
        }
    }
    if parts.next().is_some() || secs > 15 * 3600 + 59 * 60 + 59 {
        return None;
    }
    Some(-sign * secs)
}

/// Resolves a time zone name as `AT TIME ZONE` does: abbreviations (`EST`), then the IANA
/// database (any case), then POSIX offsets (`UTC+5` is five hours west). Errors: 22023.
pub(crate) fn parse_zone(name: &str) -> Result<Zone> {
    let t = name.trim();
    if let Some(off) = zone_abbreviation_offset(t) {
        return Ok(Zone::Fixed(off));
    }
    if let Some(tz) = lookup_time_zone(t) {
        return Ok(Zone::Named(tz));
    }
    posix_offset(t)
        .map(Zone::Fixed)
        .ok_or_else(|| SqlError::new(sqlstate::INVALID_PARAMETER_VALUE, format!("time zone \"{name}\" not recognized")))
}

fn zone_arg(args: &[Value], ctx: &FnContext<'_>) -> Result<Zone> {
    match arg(args, 0)? {
        Value::Interval(iv) => {
            if iv.months != 0 || iv.days != 0 {
                let shown = crate::functions::util::to_text(&Value::Interval(*iv), ctx);
                return Err(SqlError::new(
                    sqlstate::INVALID_PARAMETER_VALUE,
                    format!("interval time zone \"{shown}\" must not include months or days"),
                ));
            }
            Ok(Zone::Fixed((iv.micros / USECS_PER_SEC) as i32))
        }
        _ => parse_zone(text(args, 0)?),
    }
}

fn checked_ts(ts: i64) -> Result<i64> {
    if timestamp_is_finite(ts) && !is_valid_timestamp(ts) {
        Err(timestamp_out_of_range())
    } else {
        Ok(ts)
    }
}

/// The instant of local time `ts` in `zone`.
pub(crate) fn zone_to_utc(zone: Zone, ts: i64) -> Result<i64> {
    if !timestamp_is_finite(ts) {
        return Ok(ts);
    }
    checked_ts(match zone {
        Zone::Named(tz) => local_timestamp_to_utc(&tz, ts),
        Zone::Fixed(east) => ts.saturating_sub(i64::from(east) * USECS_PER_SEC),
    })
}

/// The local time in `zone` of instant `ts`.
pub(crate) fn utc_to_zone(zone: Zone, ts: i64) -> Result<i64> {
    if !timestamp_is_finite(ts) {
        return Ok(ts);
    }
    checked_ts(match zone {
        Zone::Named(tz) => utc_to_local(&tz, ts),
        Zone::Fixed(east) => ts.saturating_add(i64::from(east) * USECS_PER_SEC),
    })
}

/// `timestamp AT TIME ZONE zone` → timestamptz.
fn timezone_ts(args: &[Value], ctx: &FnContext<'_>) -> Result<Value> {
    zone_to_utc(zone_arg(args, ctx)?, timestamp(args, 1)?).map(Value::TimestampTz)
}

/// `timestamptz AT TIME ZONE zone` → timestamp.
fn timezone_tstz(args: &[Value], ctx: &FnContext<'_>) -> Result<Value> {
    utc_to_zone(zone_arg(args, ctx)?, timestamp(args, 1)?).map(Value::Timestamp)
}

/// Rounds microseconds to `precision` fractional digits (`AdjustTimestampForTypmod`).
fn round_precision(us: i64, args: &[Value], what: &str) -> Result<i64> {
    if args.is_empty() || !timestamp_is_finite(us) {
        return Ok(us);
    }
    let p = int4(args, 0)?;
    if p < 0 {
        return Err(SqlError::new(
            sqlstate::INVALID_PARAMETER_VALUE,
            format!("{what}({p}) precision must not be negative"),
        ));
    }
    let scale = 10i64.pow(6 - p.min(6) as u32);
    let off = scale / 2;
    Ok(if us >= 0 { (us + off) / scale * scale } else { -((-us + off) / scale * scale) })
}

fn now(args: &[Value], ctx: &FnContext<'_>) -> Result<Value> {
    round_precision(ctx.txn_timestamp, args, "TIMESTAMP").map(Value::TimestampTz)
}

fn statement_timestamp(_: &[Value], ctx: &FnContext<'_>) -> Result<Value> {
    Ok(Value::TimestampTz(ctx.stmt_timestamp))
}

fn clock_timestamp(_: &[Value], _: &FnContext<'_>) -> Result<Value> {
    Ok(Value::TimestampTz(now_timestamp()))
}

const DAY_ABBR: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTH_ABBR: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

fn timeofday(_: &[Value], ctx: &FnContext<'_>) -> Result<Value> {
    let now = now_timestamp();
    let tz = &ctx.text.tz;
    let f = timestamp_to_fields(utc_to_local(tz, now)).ok_or_else(timestamp_out_of_range)?;
    let jd = crate::types::datetime::date2j(i64::from(f.year), f.month, f.day);
    let dow = crate::types::datetime::iso_day_of_week(jd) as usize - 1;
    Ok(text_value(format!(
        "{} {} {:02} {:02}:{:02}:{:02}.{:06} {} {}",
        DAY_ABBR[dow % 7],
        MONTH_ABBR[(f.month as usize + 11) % 12],
        f.day,
        f.hour,
        f.minute,
        f.second,
        f.micros,
        f.year,
        tz_abbreviation(tz, now)
    )))
}

fn local_now(ctx: &FnContext<'_>) -> i64 {
    utc_to_local(&ctx.text.tz, ctx.txn_timestamp)
}

fn current_date(_: &[Value], ctx: &FnContext<'_>) -> Result<Value> {
    Ok(Value::Date(local_now(ctx).div_euclid(USECS_PER_DAY) as i32))
}

fn localtime(args: &[Value], ctx: &FnContext<'_>) -> Result<Value> {
    let t = round_precision(local_now(ctx).rem_euclid(USECS_PER_DAY), args, "TIME")?;
    Ok(Value::Time(t.rem_euclid(USECS_PER_DAY)))
}

fn localtimestamp(args: &[Value], ctx: &FnContext<'_>) -> Result<Value> {
    round_precision(local_now(ctx), args, "TIMESTAMP").map(Value::Timestamp)
}

/// PostgreSQL's `timestamp_age` on calendar fields: a symbolic difference in years, months,
/// days and time, borrowing month lengths from the earlier timestamp.
fn age_fields(a: &DateTimeFields, b: &DateTimeFields, a_first: bool) -> Result<Interval> {
    let d = |x: u32, y: u32| i64::from(x) - i64::from(y);
    let mut us = d(a.micros, b.micros);
    let mut sec = d(a.second, b.second);
    let mut min = d(a.minute, b.minute);
    let mut hour = d(a.hour, b.hour);
    let mut mday = d(a.day, b.day);
    let mut mon = d(a.month, b.month);
    let mut year = i64::from(a.year) - i64::from(b.year);
    let flip = |v: &mut [&mut i64]| v.iter_mut().for_each(|x| **x = -**x);
    if a_first {
        flip(&mut [&mut us, &mut sec, &mut min, &mut hour, &mut mday, &mut mon, &mut year]);
    }
    while us < 0 {
        us += USECS_PER_SEC;
        sec -= 1;
    }
    while sec < 0 {
        sec += 60;
        min -= 1;
    }
    while min < 0 {
        min += 60;
        hour -= 1;
    }
    while hour < 0 {
        hour += 24;
        mday -= 1;
    }
    let earlier = if a_first { a } else { b };
    while mday < 0 {
        mday += i64::from(days_in_month(earlier.year, earlier.month));
        mon -= 1;
    }
    while mon < 0 {
        mon += 12;
        year -= 1;
    }
    if a_first {
        flip(&mut [&mut us, &mut sec, &mut min, &mut hour, &mut mday, &mut mon, &mut year]);
    }
    let months = year.checked_mul(12).and_then(|m| m.checked_add(mon)).and_then(|m| i32::try_from(m).ok());
    Ok(Interval {
        months: months.ok_or_else(interval_out_of_range)?,
        days: i32::try_from(mday).map_err(|_| interval_out_of_range())?,
        micros: hour * USECS_PER_HOUR + min * USECS_PER_MINUTE + sec * USECS_PER_SEC + us,
    })
}

fn age_of(a: i64, b: i64, tz: Option<&chrono_tz::Tz>) -> Result<Value> {
    let local = |t: i64| match tz {
        Some(tz) => utc_to_local(tz, t),
        None => t,
    };
    let fa = timestamp_to_fields(local(a)).ok_or_else(timestamp_out_of_range)?;
    let fb = timestamp_to_fields(local(b)).ok_or_else(timestamp_out_of_range)?;
    age_fields(&fa, &fb, a < b).map(Value::Interval)
}

fn age(args: &[Value], ctx: &FnContext<'_>) -> Result<Value> {
    let tz = matches!(arg(args, 0)?, Value::TimestampTz(_)).then_some(&ctx.text.tz);
    age_of(timestamp(args, 0)?, timestamp(args, 1)?, tz)
}

fn age_now(args: &[Value], ctx: &FnContext<'_>) -> Result<Value> {
    let midnight = local_now(ctx).div_euclid(USECS_PER_DAY) * USECS_PER_DAY;
    match arg(args, 0)? {
        Value::TimestampTz(t) => age_of(local_timestamp_to_utc(&ctx.text.tz, midnight), *t, Some(&ctx.text.tz)),
        _ => age_of(midnight, timestamp(args, 0)?, None),
    }
}

fn date_field_error(y: i32, m: i32, d: i32) -> SqlError {
    SqlError::new(sqlstate::DATETIME_FIELD_OVERFLOW, format!("date field value out of range: {y}-{m:02}-{d:02}"))
}

/// The date of a `make_date` year (negative years are BC; there is no year 0).
fn make_date_days(y: i32, m: i32, d: i32) -> Result<i32> {
    let astro = match y {
        0 => return Err(date_field_error(y, m, d)),
        y if y < 0 => y + 1,
        y => y,
    };
    let (Ok(mu), Ok(du)) = (u32::try_from(m), u32::try_from(d)) else { return Err(date_field_error(y, m, d)) };
    ymd_to_date(astro, mu, du).ok_or_else(|| date_field_error(y, m, d))
}

/// C's `%g` (six significant digits), for messages that quote a float.
pub(crate) fn fmt_g(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return if x.is_nan() {
            "nan".into()
        } else if x.is_infinite() {
            if x > 0.0 { "inf" } else { "-inf" }.into()
        } else {
            "0".into()
        };
    }
    let exp = x.abs().log10().floor() as i32;
    if !(-4..6).contains(&exp) {
        let m = format!("{:.5e}", x);
        let (mant, e) = m.split_once('e').unwrap_or((&m, "0"));
        let mant = if mant.contains('.') { mant.trim_end_matches('0').trim_end_matches('.') } else { mant };
        let e: i32 = e.parse().unwrap_or(0);
        format!("{mant}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
    } else {
        let s = format!("{:.*}", (5 - exp).max(0) as usize, x);
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    }
}

fn time_micros(h: i32, m: i32, sec: f64) -> Result<i64> {
    let err = || {
        let s = if sec.fract() == 0.0 { format!("{:02}", sec as i64) } else { fmt_g(sec) };
        SqlError::new(sqlstate::DATETIME_FIELD_OVERFLOW, format!("time field value out of range: {h}:{m:02}:{s}"))
    };
    if !(0..=24).contains(&h) || !(0..=59).contains(&m) || !(0.0..=60.0).contains(&sec) || sec.is_nan() {
        return Err(err());
    }
    let us = i64::from(h) * USECS_PER_HOUR + i64::from(m) * USECS_PER_MINUTE + (sec * 1e6).round_ties_even() as i64;
    if us > USECS_PER_DAY {
        return Err(err());
    }
    Ok(us)
}

fn make_date(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    make_date_days(int4(args, 0)?, int4(args, 1)?, int4(args, 2)?).map(Value::Date)
}

fn make_time(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    time_micros(int4(args, 0)?, int4(args, 1)?, float(args, 2)?).map(Value::Time)
}

fn local_from_args(args: &[Value]) -> Result<i64> {
    let days = make_date_days(int4(args, 0)?, int4(args, 1)?, int4(args, 2)?)?;
    let t = time_micros(int4(args, 3)?, int4(args, 4)?, float(args, 5)?)?;
    let ts =
        i64::from(days).checked_mul(USECS_PER_DAY).and_then(|d| d.checked_add(t)).ok_or_else(timestamp_out_of_range)?;
    checked_ts(ts)
}

fn make_timestamp(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    local_from_args(args).map(Value::Timestamp)
}

fn make_timestamptz(args: &[Value], ctx: &FnContext<'_>) -> Result<Value> {
    let local = local_from_args(args)?;
    let zone = if args.len() > 6 { parse_zone(text(args, 6)?)? } else { Zone::Named(ctx.text.tz) };
    zone_to_utc(zone, local).map(Value::TimestampTz)
}

fn make_interval(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let get = |i: usize| -> Result<i64> {
        if args.len() > i {
            Ok(i64::from(int4(args, i)?))
        } else {
            Ok(0)
        }
    };
    let secs = if args.len() > 6 { float(args, 6)? } else { 0.0 };
    let oor = interval_out_of_range;
    let months = get(0)?.checked_mul(12).and_then(|y| y.checked_add(get(1).ok()?)).and_then(|m| i32::try_from(m).ok());
    let days = get(2)?.checked_mul(7).and_then(|w| w.checked_add(get(3).ok()?)).and_then(|d| i32::try_from(d).ok());
    let sec_us = (secs * 1e6).round_ties_even();
    if !sec_us.is_finite() || sec_us.abs() >= 9.2e18 {
        return Err(oor());
    }
    let micros = get(4)?
        .checked_mul(USECS_PER_HOUR)
        .and_then(|h| h.checked_add(get(5).ok()?.checked_mul(USECS_PER_MINUTE)?))
        .and_then(|t| t.checked_add(sec_us as i64));
    Ok(Value::Interval(Interval {
        months: months.ok_or_else(oor)?,
        days: days.ok_or_else(oor)?,
        micros: micros.ok_or_else(oor)?,
    }))
}

fn date_bin(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let stride = interval(args, 0)?;
    let (ts, origin) = (timestamp(args, 1)?, timestamp(args, 2)?);
    let wrap = |t: i64| match arg(args, 1) {
        Ok(Value::TimestampTz(_)) => Value::TimestampTz(t),
        _ => Value::Timestamp(t),
    };
    if !timestamp_is_finite(ts) {
        return Ok(wrap(ts));
    }
    if !timestamp_is_finite(origin) {
        return Err(SqlError::new(sqlstate::DATETIME_FIELD_OVERFLOW, "origin out of range"));
    }
    if stride.months != 0 {
        return Err(SqlError::new(
            sqlstate::FEATURE_NOT_SUPPORTED,
            "timestamps cannot be binned into intervals containing months or years",
        ));
    }
    let stride_us = i64::from(stride.days)
        .checked_mul(USECS_PER_DAY)
        .and_then(|d| d.checked_add(stride.micros))
        .ok_or_else(interval_out_of_range)?;
    if stride_us <= 0 {
        return Err(SqlError::new(sqlstate::DATETIME_FIELD_OVERFLOW, "stride must be greater than zero"));
    }
    let diff = ts.checked_sub(origin).ok_or_else(interval_out_of_range)?;
    let modulo = diff % stride_us;
    let mut result = origin + (diff - modulo);
    if modulo < 0 {
        result = result.checked_sub(stride_us).filter(|r| is_valid_timestamp(*r)).ok_or_else(timestamp_out_of_range)?;
    }
    Ok(wrap(result))
}

fn to_timestamp_epoch(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let secs = float(args, 0)?;
    if secs.is_nan() {
        return Err(SqlError::new(sqlstate::DATETIME_FIELD_OVERFLOW, "timestamp cannot be NaN"));
    }
    if secs.is_infinite() {
        return Ok(Value::TimestampTz(if secs < 0.0 { i64::MIN } else { i64::MAX }));
    }
    let oor =
        || SqlError::new(sqlstate::DATETIME_FIELD_OVERFLOW, format!("timestamp out of range: \"{}\"", fmt_g(secs)));
    let us = ((secs - PG_EPOCH_UNIX_SECS as f64) * 1e6).round_ties_even();
    if !(-2.2e17..9.3e18).contains(&us) {
        return Err(oor());
    }
    let us = us as i64;
    if !is_valid_timestamp(us) {
        return Err(oor());
    }
    Ok(Value::TimestampTz(us))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::scalar::testing::{call_typed as call, call_tz, i, t, text_of};
    use crate::types::datetime::fields_to_timestamp;

    fn ts(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> i64 {
        fields_to_timestamp(&DateTimeFields { year: y, month: mo, day: d, hour: h, minute: mi, second: s, micros: 0 })
            .unwrap()
    }

    fn f(v: f64) -> (Value, DataType) {
        (Value::Float8(v), DataType::Float8)
    }

    fn iv_of(r: Result<Value>) -> Interval {
        match r {
            Ok(Value::Interval(i)) => i,
            other => panic!("{other:?}"),
        }
    }

    fn iv(months: i32, days: i32, micros: i64) -> Interval {
        Interval { months, days, micros }
    }

    #[test]
    fn current_time_functions() {
        let now = match call("now", &[]) {
            Ok(Value::TimestampTz(x)) => x,
            other => panic!("{other:?}"),
        };
        assert_eq!(now, ts(2024, 1, 15, 12, 0, 0));
        assert!(matches!(call("statement_timestamp", &[]), Ok(Value::TimestampTz(x)) if x == now + 1));
        assert!(matches!(call("current_date", &[]), Ok(Value::Date(d)) if Some(d) == ymd_to_date(2024, 1, 15)));
        let r = call_tz(chrono_tz::Asia::Tokyo, "localtimestamp", &[]).unwrap();
        assert!(matches!(r, Value::Timestamp(x) if x == ts(2024, 1, 15, 21, 0, 0)));
        let r = call_tz(chrono_tz::Asia::Tokyo, "localtime", &[]).unwrap();
        assert!(matches!(r, Value::Time(x) if x == 21 * USECS_PER_HOUR));
        let r = call_tz(chrono_tz::Pacific::Auckland, "current_date", &[]).unwrap();
        assert!(matches!(r, Value::Date(d) if Some(d) == ymd_to_date(2024, 1, 16)));
        assert!(matches!(call("clock_timestamp", &[]), Ok(Value::TimestampTz(x)) if x > now));
        assert!(text_of(call("timeofday", &[])).ends_with(" UTC"));
        assert_eq!(super::super::resolve("now", &[]).unwrap().volatility, crate::functions::Volatility::Stable);
        assert_eq!(
            super::super::resolve("clock_timestamp", &[]).unwrap().volatility,
            crate::functions::Volatility::Volatile
        );
    }

    #[test]
    fn ages() {
        let a = (Value::Timestamp(ts(2001, 4, 10, 0, 0, 0)), DataType::Timestamp);
        let b = (Value::Timestamp(ts(1957, 6, 13, 0, 0, 0)), DataType::Timestamp);
        assert_eq!(iv_of(call("age", &[a.clone(), b.clone()])), iv(43 * 12 + 9, 27, 0));
        assert_eq!(iv_of(call("age", &[b, a])), iv(-(43 * 12 + 9), -27, 0));
        let c = (Value::Timestamp(ts(2024, 3, 1, 0, 0, 0)), DataType::Timestamp);
        let d = (Value::Timestamp(ts(2024, 1, 31, 12, 0, 0)), DataType::Timestamp);
        assert_eq!(iv_of(call("age", &[c, d])), iv(1, 0, 12 * USECS_PER_HOUR));
        let e = (Value::Timestamp(ts(2023, 1, 15, 0, 0, 0)), DataType::Timestamp);
        assert_eq!(iv_of(call("age", &[e])), iv(12, 0, 0));
    }

    #[test]
    fn constructors() {
        assert!(
            matches!(call("make_date", &[i(2013), i(7), i(15)]), Ok(Value::Date(d)) if Some(d) == ymd_to_date(2013, 7, 15))
        );
        assert!(
            matches!(call("make_date", &[i(-44), i(3), i(15)]), Ok(Value::Date(d)) if Some(d) == ymd_to_date(-43, 3, 15))
        );
        assert_eq!(
            text_of(call("make_date", &[i(2023), i(2), i(30)])),
            "ERROR 22008: date field value out of range: 2023-02-30"
        );
        assert_eq!(
            text_of(call("make_date", &[i(0), i(2), i(3)])),
            "ERROR 22008: date field value out of range: 0-02-03"
        );
        assert!(
            matches!(call("make_time", &[i(8), i(15), f(23.5)]), Ok(Value::Time(x)) if x == 8 * USECS_PER_HOUR + 15 * USECS_PER_MINUTE + 23_500_000)
        );
        assert_eq!(
            text_of(call("make_time", &[i(25), i(0), f(0.0)])),
            "ERROR 22008: time field value out of range: 25:00:00"
        );
        let r = call("make_timestamp", &[i(2013), i(7), i(15), i(8), i(15), f(23.5)]).unwrap();
        assert!(matches!(r, Value::Timestamp(x) if x == ts(2013, 7, 15, 8, 15, 23) + 500_000));
        let r =
            call_tz(chrono_tz::America::New_York, "make_timestamptz", &[i(2013), i(7), i(15), i(8), i(15), f(23.0)])
                .unwrap();
        assert!(matches!(r, Value::TimestampTz(x) if x == ts(2013, 7, 15, 12, 15, 23)));
        let r = call("make_timestamptz", &[i(2013), i(7), i(15), i(8), i(15), f(23.0), t("Europe/Paris")]).unwrap();
        assert!(matches!(r, Value::TimestampTz(x) if x == ts(2013, 7, 15, 6, 15, 23)));
        assert_eq!(iv_of(call("make_interval", &[i(1), i(2), i(1), i(3)])), iv(14, 10, 0));
        assert_eq!(
            iv_of(call("make_interval", &[i(0), i(0), i(0), i(0), i(1), i(30), f(1.5)])),
            iv(0, 0, USECS_PER_HOUR + 30 * USECS_PER_MINUTE + 1_500_000)
        );
        assert_eq!(iv_of(call("make_interval", &[])), iv(0, 0, 0));
    }

    #[test]
    fn zones_and_bins() {
        let local = (Value::Timestamp(ts(2001, 2, 16, 20, 38, 40)), DataType::Timestamp);
        let r = call("timezone", &[t("America/Denver"), local.clone()]).unwrap();
        assert!(matches!(r, Value::TimestampTz(x) if x == ts(2001, 2, 17, 3, 38, 40)));
        let r = call("timezone", &[t("UTC+5"), local.clone()]).unwrap();
        assert!(matches!(r, Value::TimestampTz(x) if x == ts(2001, 2, 17, 1, 38, 40)));
        let r = call("timezone", &[t("EST"), local.clone()]).unwrap();
        assert!(matches!(r, Value::TimestampTz(x) if x == ts(2001, 2, 17, 1, 38, 40)));
        let inst = (Value::TimestampTz(ts(2001, 2, 17, 1, 38, 40)), DataType::TimestampTz);
        let r = call("timezone", &[t("asia/tokyo"), inst.clone()]).unwrap();
        assert!(matches!(r, Value::Timestamp(x) if x == ts(2001, 2, 17, 10, 38, 40)));
        let two_h = (Value::Interval(iv(0, 0, 2 * USECS_PER_HOUR)), DataType::Interval);
        let r = call("timezone", &[two_h, local.clone()]).unwrap();
        assert!(matches!(r, Value::TimestampTz(x) if x == ts(2001, 2, 16, 18, 38, 40)));
        assert_eq!(
            text_of(call("timezone", &[t("Mars/Olympus"), local.clone()])),
            "ERROR 22023: time zone \"Mars/Olympus\" not recognized"
        );
        let stride = (Value::Interval(iv(0, 0, 15 * USECS_PER_MINUTE)), DataType::Interval);
        let src = (Value::Timestamp(ts(2020, 2, 11, 15, 44, 17)), DataType::Timestamp);
        let origin = (Value::Timestamp(ts(2001, 1, 1, 0, 0, 0)), DataType::Timestamp);
        assert!(
            matches!(call("date_bin", &[stride.clone(), src.clone(), origin]), Ok(Value::Timestamp(x)) if x == ts(2020, 2, 11, 15, 30, 0))
        );
        let late_origin = (Value::Timestamp(ts(2020, 2, 11, 15, 50, 0)), DataType::Timestamp);
        assert!(
            matches!(call("date_bin", &[stride, src.clone(), late_origin.clone()]), Ok(Value::Timestamp(x)) if x == ts(2020, 2, 11, 15, 35, 0))
        );
        let month = (Value::Interval(iv(1, 0, 0)), DataType::Interval);
        assert_eq!(text_of(call("date_bin", &[month, src, late_origin])).split(':').next(), Some("ERROR 0A000"));
    }

    #[test]
    fn misc_datetime() {
        assert!(
            matches!(call("to_timestamp", &[f(1_284_352_323.5)]), Ok(Value::TimestampTz(x)) if x == ts(2010, 9, 13, 4, 32, 3) + 500_000)
        );
        assert_eq!(text_of(call("to_timestamp", &[f(f64::NAN)])), "ERROR 22008: timestamp cannot be NaN");
        assert_eq!(text_of(call("to_timestamp", &[f(1e20)])), "ERROR 22008: timestamp out of range: \"1e+20\"");
        assert!(matches!(call("to_timestamp", &[f(f64::INFINITY)]), Ok(Value::TimestampTz(i64::MAX))));
        assert_eq!(call("isfinite", &[(Value::Date(i32::MAX), DataType::Date)]).unwrap().as_bool(), Some(false));
        assert_eq!(call("isfinite", &[(Value::Timestamp(0), DataType::Timestamp)]).unwrap().as_bool(), Some(true));
        assert_eq!(iv_of(call("justify_days", &[(Value::Interval(iv(0, 35, 0)), DataType::Interval)])), iv(1, 5, 0));
        assert_eq!(fmt_g(1e20), "1e+20");
        assert_eq!(fmt_g(123.5), "123.5");
        assert_eq!(fmt_g(0.0001), "0.0001");
        assert_eq!(fmt_g(1234567.0), "1.23457e+06");
        assert_eq!(posix_offset("-03:30"), Some(12_600));
        assert_eq!(posix_offset("UTC"), None);
    }
}
