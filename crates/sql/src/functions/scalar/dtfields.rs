//! Date/time fields: `date_part` (double precision), `extract` (numeric, as PostgreSQL 14+
//! returns it; the binder maps `EXTRACT(field FROM x)` to `extract('field', x)`) and
//! `date_trunc`, for `date`, `time`, `timestamp`, `timestamptz` (in the session time zone, or
//! a given one) and `interval`.
//!
//! Unit names follow PostgreSQL's tables (`year`, `years`, `y`, `yr`, `mon`, `ms`, `usec`,
//! ... compared on their first 10 characters). Errors: 22023 `unit "x" not recognized for type
//! ...`, 0A000 `unit "x" not supported for type ...`.

use rust_decimal::Decimal;

use crate::error::{sqlstate, Result, SqlError};
use crate::functions::numeric as num;
use crate::functions::resolve::p;
use crate::functions::scalar::Functions;
use crate::functions::util::{arg, bad_arg, text};
use crate::functions::FnContext;
use crate::types::datetime::{
    date2j, date_to_ymd, fields_to_timestamp, iso_day_of_week, j2date, local_timestamp_to_utc, time_to_hmsf,
    timestamp_is_finite, timestamp_out_of_range, timestamp_to_fields, utc_offset_seconds, utc_to_local, DateTimeFields,
    POSTGRES_EPOCH_JDATE, TIMESTAMP_NEG_INFINITY, UNIX_EPOCH_JDATE, USECS_PER_DAY, USECS_PER_HOUR, USECS_PER_MINUTE,
    USECS_PER_SEC,
};
use crate::types::{DataType, Interval, Value};

pub(super) fn register(r: &mut Functions) {
    use DataType::{Float8, Timestamp, TimestampTz};
    let numeric = DataType::Numeric(None);
    for t in [p::TIMESTAMP, p::DATE, p::TIME, p::INTERVAL] {
        r.add("date_part", [p::TEXT, t.clone()], Float8, date_part);
        r.add("extract", [p::TEXT, t], numeric.clone(), extract);
    }
    r.add("date_part", [p::TEXT, p::TIMESTAMPTZ], Float8, date_part).stable();
    r.add("extract", [p::TEXT, p::TIMESTAMPTZ], numeric, extract).stable();
    r.add("date_trunc", [p::TEXT, p::TIMESTAMP], Timestamp, date_trunc);
    r.add("date_trunc", [p::TEXT, p::TIMESTAMPTZ], TimestampTz.clone(), date_trunc).stable();
    r.add("date_trunc", [p::TEXT, p::TIMESTAMPTZ, p::TEXT], TimestampTz, date_trunc_zone).stable();
    r.add("date_trunc", [p::TEXT, p::INTERVAL], DataType::Interval, date_trunc);
}

/// A date/time unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Unit {
    Microseconds,
    Milliseconds,
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Quarter,
    Year,
    Decade,
    Century,
    Millennium,
    Epoch,
    Dow,
    IsoDow,
    Doy,
    IsoYear,
    Julian,
    Timezone,
    TimezoneHour,
    TimezoneMinute,
}

/// Parses a unit name (lower-cased, compared on its first 10 characters as PostgreSQL does).
pub(crate) fn parse_unit(lower: &str) -> Option<Unit> {
    use Unit::*;
    let key: String = lower.chars().take(10).collect();
    Some(match key.as_str() {
        "microsecon" | "us" | "usec" | "usecond" | "useconds" | "usecs" => Microseconds,
        "millisecon" | "ms" | "msec" | "msecond" | "mseconds" | "msecs" => Milliseconds,
        "s" | "sec" | "second" | "seconds" | "secs" => Second,
        "m" | "min" | "mins" | "minute" | "minutes" => Minute,
        "h" | "hour" | "hours" | "hr" | "hrs" => Hour,
        "d" | "day" | "days" => Day,
        "w" | "week" | "weeks" => Week,
        "mon" | "mons" | "month" | "months" => Month,
        "qtr" | "quarter" => Quarter,
        "y" | "year" | "years" | "yr" | "yrs" => Year,
        "dec" | "decade" | "decades" | "decs" => Decade,
        "c" | "cent" | "centuries" | "century" => Century,
        "mil" | "millennia" | "millennium" | "mils" => Millennium,
        "epoch" => Epoch,
        "dow" => Dow,
        "isodow" => IsoDow,
        "doy" => Doy,
        "isoyear" => IsoYear,
        "j" | "jd" | "julian" => Julian,
        "timezone" => Timezone,
        "timezone_h" => TimezoneHour,
        "timezone_m" => TimezoneMinute,
        _ => return None,
    })
}

fn not_recognized(units: &str, ty: &DataType) -> SqlError {
    SqlError::new(sqlstate::INVALID_PARAMETER_VALUE, format!("unit \"{units}\" not recognized for type {ty}"))
}

fn not_supported(units: &str, ty: &DataType) -> SqlError {
    SqlError::new(sqlstate::FEATURE_NOT_SUPPORTED, format!("unit \"{units}\" not supported for type {ty}"))
}

/// A field value: an integer, or an exact numeric with the float PostgreSQL computes for it.
enum Part {
    Int(i64),
    Num(Decimal, f64),
    /// The value at an infinite input: NULL, or ±infinity for monotonic fields.
    Infinite(Option<bool>),
}

fn scaled(v: i128, scale: u32) -> Result<Decimal> {
    Decimal::try_from_i128_with_scale(v, scale).map_err(|_| num::overflow())
}

/// The ISO year and week of a calendar date.
pub(crate) fn iso_week(y: i32, m: u32, d: u32) -> (i64, i64) {
    let jd = date2j(i64::from(y), m, d);
    let thursday = jd - i64::from(iso_day_of_week(jd)) + 4;
    let (iy, _, _) = j2date(thursday);
    ((iy), (thursday - date2j(iy, 1, 1)) / 7 + 1)
}

/// Year-derived fields shared by dates and timestamps.
fn year_part(unit: Unit, y: i32, m: u32, d: u32) -> Option<i64> {
    let y = i64::from(y);
    Some(match unit {
        Unit::Day => i64::from(d),
        Unit::Month => i64::from(m),
        Unit::Quarter => (i64::from(m) - 1) / 3 + 1,
        Unit::Week => iso_week(y as i32, m, d).1,
        Unit::Year => {
            if y > 0 {
                y
            } else {
                y - 1
            }
        }
        Unit::Decade => {
            if y > 0 {
                y / 10
            } else {
                -((8 - (y - 1)) / 10)
            }
        }
        Unit::Century => {
            if y > 0 {
                (y + 99) / 100
            } else {
                -((99 - (y - 1)) / 100)
            }
        }
        Unit::Millennium => {
            if y > 0 {
                (y + 999) / 1000
            } else {
                -((999 - (y - 1)) / 1000)
            }
        }
        Unit::IsoYear => {
            let iy = iso_week(y as i32, m, d).0;
            if iy <= 0 {
                iy - 1
            } else {
                iy
            }
        }
        Unit::Dow => i64::from(iso_day_of_week(date2j(y, m, d)) % 7),
        Unit::IsoDow => i64::from(iso_day_of_week(date2j(y, m, d))),
        Unit::Doy => date2j(y, m, d) - date2j(y, 1, 1) + 1,
        _ => return None,
    })
}

fn monotonic(unit: Unit) -> bool {
    matches!(
        unit,
        Unit::Epoch | Unit::Julian | Unit::Year | Unit::IsoYear | Unit::Decade | Unit::Century | Unit::Millennium
    )
}

/// A field of a (local) timestamp; `tz_east` is the zone offset for timestamptz.
fn timestamp_part(unit: Unit, ts: i64, epoch_us: i64, tz_east: Option<i32>) -> Result<Option<Part>> {
    let Some(f) = timestamp_to_fields(ts) else {
        return Ok(Some(Part::Infinite(monotonic(unit).then_some(ts == TIMESTAMP_NEG_INFINITY))));
    };
    let sec_us = i128::from(f.second) * 1_000_000 + i128::from(f.micros);
    Ok(Some(match unit {
        Unit::Microseconds => Part::Int(sec_us as i64),
        Unit::Milliseconds => {
            Part::Num(scaled(sec_us, 3)?, f64::from(f.second) * 1000.0 + f64::from(f.micros) / 1000.0)
        }
        Unit::Second => Part::Num(scaled(sec_us, 6)?, f64::from(f.second) + f64::from(f.micros) / 1_000_000.0),
        Unit::Minute => Part::Int(i64::from(f.minute)),
        Unit::Hour => Part::Int(i64::from(f.hour)),
        Unit::Epoch => {
            let us = i128::from(epoch_us);
            Part::Num(scaled(us, 6)?, epoch_us as f64 / 1_000_000.0)
        }
        Unit::Julian => {
            let jd = date2j(i64::from(f.year), f.month, f.day);
            let day_us = f.time_micros();
            let frac = num::div(Decimal::from(day_us), Decimal::from(USECS_PER_DAY))?;
            let n = num::add(Decimal::from(jd), frac)?;
            let secs = f64::from(f.hour * 3600 + f.minute * 60 + f.second) + f64::from(f.micros) / 1_000_000.0;
            Part::Num(n, jd as f64 + secs / 86_400.0)
        }
        Unit::Timezone | Unit::TimezoneHour | Unit::TimezoneMinute => {
            let Some(east) = tz_east else { return Ok(None) };
            Part::Int(i64::from(match unit {
                Unit::Timezone => east,
                Unit::TimezoneHour => east / 3600,
                _ => (east / 60) % 60,
            }))
        }
        other => match year_part(other, f.year, f.month, f.day) {
            Some(v) => Part::Int(v),
            None => return Ok(None),
        },
    }))
}

fn date_part_of(unit: Unit, d: i32) -> Result<Option<Part>> {
    let Some((y, m, day)) = date_to_ymd(d) else {
        return Ok(Some(Part::Infinite(monotonic(unit).then_some(d == i32::MIN))));
    };
    Ok(match unit {
        Unit::Epoch => Some(Part::Int((i64::from(d) + i64::from(POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE)) * 86_400)),
        Unit::Julian => Some(Part::Int(date2j(i64::from(y), m, day))),
        other => year_part(other, y, m, day).map(Part::Int),
    })
}

fn time_part(unit: Unit, t: i64) -> Result<Option<Part>> {
    let (h, m, s, us) = time_to_hmsf(t);
    let sec_us = i128::from(s) * 1_000_000 + i128::from(us);
    Ok(Some(match unit {
        Unit::Microseconds => Part::Int(sec_us as i64),
        Unit::Milliseconds => Part::Num(scaled(sec_us, 3)?, f64::from(s) * 1000.0 + f64::from(us) / 1000.0),
        Unit::Second => Part::Num(scaled(sec_us, 6)?, f64::from(s) + f64::from(us) / 1_000_000.0),
        Unit::Minute => Part::Int(i64::from(m)),
        Unit::Hour => Part::Int(i64::from(h)),
        Unit::Epoch => Part::Num(scaled(i128::from(t), 6)?, t as f64 / 1_000_000.0),
        _ => return Ok(None),
    }))
}

fn interval_part(unit: Unit, iv: Interval) -> Result<Option<Part>> {
    let years = i64::from(iv.months / 12);
    let months = i64::from(iv.months % 12);
    let hours = iv.micros / USECS_PER_HOUR;
    let rest = iv.micros % USECS_PER_HOUR;
    let minutes = rest / USECS_PER_MINUTE;
    let sec_us = i128::from(rest % USECS_PER_MINUTE);
    let (secs, usecs) = ((sec_us / 1_000_000) as f64, (sec_us % 1_000_000) as f64);
    Ok(Some(match unit {
        Unit::Microseconds => Part::Int(sec_us as i64),
        Unit::Milliseconds => Part::Num(scaled(sec_us, 3)?, secs * 1000.0 + usecs / 1000.0),
        Unit::Second => Part::Num(scaled(sec_us, 6)?, secs + usecs / 1_000_000.0),
        Unit::Minute => Part::Int(minutes),
        Unit::Hour => Part::Int(hours),
        Unit::Day => Part::Int(i64::from(iv.days)),
        Unit::Month => Part::Int(months),
        Unit::Quarter => Part::Int(months / 3 + 1),
        Unit::Year => Part::Int(years),
        Unit::Decade => Part::Int(years / 10),
        Unit::Century => Part::Int(years / 100),
        Unit::Millennium => Part::Int(years / 1000),
        Unit::Epoch => {
            let day_month_secs =
                i128::from(36_525 * 864 * years) + i128::from(30 * 86_400 * months) + i128::from(iv.days) * 86_400;
            let total = day_month_secs * 1_000_000 + i128::from(iv.micros);
            let float = iv.micros as f64 / 1e6
                + 31_557_600.0 * years as f64
                + 2_592_000.0 * months as f64
                + 86_400.0 * f64::from(iv.days);
            Part::Num(scaled(total, 6)?, float)
        }
        _ => return Ok(None),
    }))
}

/// Computes a field of the first argument's value for `date_part`/`extract`.
fn part(args: &[Value], ctx: &FnContext<'_>, extract: bool) -> Result<Option<Part>> {
    let units = text(args, 0)?.to_lowercase();
    let v = arg(args, 1)?;
    let ty = match v {
        Value::Date(_) if extract => DataType::Date,
        Value::Date(_) => DataType::Timestamp,
        Value::Time(_) => DataType::Time,
        Value::Timestamp(_) => DataType::Timestamp,
        Value::TimestampTz(_) => DataType::TimestampTz,
        Value::Interval(_) => DataType::Interval,
        _ => return Err(bad_arg(1)),
    };
    let unit = parse_unit(&units).ok_or_else(|| not_recognized(&units, &ty))?;
    let r = match v {
        Value::Date(d) if extract => date_part_of(unit, *d)?,
        Value::Date(d) => {
            let ts = crate::types::datetime::date_to_timestamp(*d)?;
            timestamp_part(unit, ts, ts.saturating_add(epoch_offset()), None)?
        }
        Value::Time(t) => time_part(unit, *t)?,
        Value::Timestamp(ts) => timestamp_part(unit, *ts, ts.saturating_add(epoch_offset()), None)?,
        Value::TimestampTz(ts) => {
            let east = utc_offset_seconds(&ctx.text.tz, *ts);
            timestamp_part(unit, utc_to_local(&ctx.text.tz, *ts), ts.saturating_add(epoch_offset()), Some(east))?
        }
        Value::Interval(iv) => interval_part(unit, *iv)?,
        _ => None,
    };
    match r {
        Some(p) => Ok(Some(p)),
        None => Err(not_supported(&units, &ty)),
    }
}

/// Microseconds from 1970-01-01 to 2000-01-01.
fn epoch_offset() -> i64 {
    i64::from(POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY
}

fn date_part(args: &[Value], ctx: &FnContext<'_>) -> Result<Value> {
    Ok(match part(args, ctx, false)? {
        Some(Part::Int(i)) => Value::Float8(i as f64),
        Some(Part::Num(_, f)) => Value::Float8(f),
        Some(Part::Infinite(Some(neg))) => Value::Float8(if neg { f64::NEG_INFINITY } else { f64::INFINITY }),
        Some(Part::Infinite(None)) | None => Value::Null,
    })
}

fn extract(args: &[Value], ctx: &FnContext<'_>) -> Result<Value> {
    Ok(match part(args, ctx, true)? {
        Some(Part::Int(i)) => Value::Numeric(Decimal::from(i)),
        Some(Part::Num(d, _)) => Value::Numeric(d),
        Some(Part::Infinite(Some(_))) => {
            return Err(SqlError::new(sqlstate::FEATURE_NOT_SUPPORTED, "numeric infinity is not supported"))
        }
        Some(Part::Infinite(None)) | None => Value::Null,
    })
}

/// Truncates calendar fields to `unit` (PostgreSQL's `timestamp_trunc` cascade). Returns
/// `false` when the unit is not a truncation unit.
fn trunc_fields(f: &mut DateTimeFields, unit: Unit) -> bool {
    use Unit::*;
    let y = f.year;
    match unit {
        Millennium => {
            f.year = if y > 0 { ((y + 999) / 1000) * 1000 - 999 } else { -((999 - (y - 1)) / 1000) * 1000 + 1 }
        }
        Century => f.year = if y > 0 { ((y + 99) / 100) * 100 - 99 } else { -((99 - (y - 1)) / 100) * 100 + 1 },
        Decade => f.year = if y > 0 { (y / 10) * 10 } else { -((8 - (y - 1)) / 10) * 10 },
        Week => {
            let jd = date2j(i64::from(f.year), f.month, f.day);
            let (yy, mm, dd) = j2date(jd - i64::from(iso_day_of_week(jd)) + 1);
            f.year = yy as i32;
            f.month = mm;
            f.day = dd;
        }
        Year | Quarter | Month | Day | Hour | Minute | Second | Milliseconds | Microseconds => {}
        _ => return false,
    }
    let rank = match unit {
        Millennium | Century | Decade | Year => 0,
        Quarter => 1,
        Month => 2,
        Week | Day => 3,
        Hour => 4,
        Minute => 5,
        Second => 6,
        Milliseconds => 7,
        _ => 8,
    };
    if rank == 0 {
        f.month = 1;
    }
    if rank == 1 {
        f.month = 3 * ((f.month - 1) / 3) + 1;
    }
    if rank <= 2 {
        f.day = 1;
    }
    if rank <= 3 {
        f.hour = 0;
    }
    if rank <= 4 {
        f.minute = 0;
    }
    if rank <= 5 {
        f.second = 0;
    }
    if rank <= 6 {
        f.micros = 0;
    }
    if rank == 7 {
        f.micros = f.micros / 1000 * 1000;
    }
    true
}

/// `date_trunc` of a local timestamp; `None` for a unit that does not truncate.
fn trunc_local(unit: Unit, ts: i64) -> Result<Option<i64>> {
    let Some(mut f) = timestamp_to_fields(ts) else { return Ok(Some(ts)) };
    if !trunc_fields(&mut f, unit) {
        return Ok(None);
    }
    fields_to_timestamp(&f).map(Some).ok_or_else(timestamp_out_of_range)
}

fn trunc_tz(unit: Unit, ts: i64, tz: &chrono_tz::Tz) -> Result<Option<i64>> {
    if !timestamp_is_finite(ts) {
        return Ok(Some(ts));
    }
    let offset = i64::from(utc_offset_seconds(tz, ts)) * USECS_PER_SEC;
    let local = ts.saturating_add(offset);
    let Some(t) = trunc_local(unit, local)? else { return Ok(None) };
    // Units of a day or more find the offset anew (the day may start in another offset).
    Ok(Some(if matches!(unit, Unit::Microseconds | Unit::Milliseconds | Unit::Second | Unit::Minute | Unit::Hour) {
        t - offset
    } else {
        local_timestamp_to_utc(tz, t)
    }))
}

fn trunc_interval(unit: Unit, iv: Interval) -> Option<Interval> {
    use Unit::*;
    let mut years = iv.months / 12;
    let mut months = iv.months % 12;
    let mut days = iv.days;
    let hours = iv.micros / USECS_PER_HOUR;
    let mut rest = iv.micros % USECS_PER_HOUR;
    let rank = match unit {
        Millennium => {
            years = years / 1000 * 1000;
            0
        }
        Century => {
            years = years / 100 * 100;
            0
        }
        Decade => {
            years = years / 10 * 10;
            0
        }
        Year => 0,
        Quarter => 1,
        Month => 2,
        Day => 3,
        Hour => 4,
        Minute => 5,
        Second => 6,
        Milliseconds => 7,
        Microseconds => 8,
        _ => return None,
    };
    if rank == 0 {
        months = 0;
    }
    if rank == 1 {
        months = 3 * (months / 3);
    }
    if rank <= 2 {
        days = 0;
    }
    let mut h = hours;
    if rank <= 3 {
        h = 0;
        rest = 0;
    }
    if rank <= 4 {
        rest = 0;
    }
    if rank == 5 {
        rest = rest / USECS_PER_MINUTE * USECS_PER_MINUTE;
    }
    if rank == 6 {
        rest = rest / USECS_PER_SEC * USECS_PER_SEC;
    }
    if rank == 7 {
        rest = rest / 1000 * 1000;
    }
    Some(Interval { months: years * 12 + months, days, micros: h * USECS_PER_HOUR + rest })
}

fn date_trunc(args: &[Value], ctx: &FnContext<'_>) -> Result<Value> {
    let units = text(args, 0)?.to_lowercase();
    let v = arg(args, 1)?;
    let ty = match v {
        Value::Timestamp(_) => DataType::Timestamp,
        Value::TimestampTz(_) => DataType::TimestampTz,
        _ => DataType::Interval,
    };
    let unit = parse_unit(&units).ok_or_else(|| not_recognized(&units, &ty))?;
    let r = match v {
        Value::Timestamp(ts) => trunc_local(unit, *ts)?.map(Value::Timestamp),
        Value::TimestampTz(ts) => trunc_tz(unit, *ts, &ctx.text.tz)?.map(Value::TimestampTz),
        Value::Interval(iv) => trunc_interval(unit, *iv).map(Value::Interval),
        _ => return Err(bad_arg(1)),
    };
    r.ok_or_else(|| {
        let e = not_supported(&units, &ty);
        if unit == Unit::Week && ty == DataType::Interval {
            e.detail("Months usually have fractional weeks.")
        } else {
            e
        }
    })
}

fn date_trunc_zone(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let units = text(args, 0)?.to_lowercase();
    let unit = parse_unit(&units).ok_or_else(|| not_recognized(&units, &DataType::TimestampTz))?;
    let ts = crate::functions::util::timestamp(args, 1)?;
    let zone = super::datetime::parse_zone(text(args, 2)?)?;
    let r = match zone {
        super::datetime::Zone::Named(tz) => trunc_tz(unit, ts, &tz)?,
        super::datetime::Zone::Fixed(east) => {
            let off = i64::from(east) * USECS_PER_SEC;
            trunc_local(unit, ts.saturating_add(off))?.map(|t| if timestamp_is_finite(t) { t - off } else { t })
        }
    };
    r.map(Value::TimestampTz).ok_or_else(|| not_supported(&units, &DataType::TimestampTz))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::scalar::testing::{call_typed as call, call_tz, t, text_of};
    use crate::types::datetime::ymd_to_date;

    fn ts(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32, us: u32) -> i64 {
        fields_to_timestamp(&DateTimeFields { year: y, month: mo, day: d, hour: h, minute: mi, second: s, micros: us })
            .unwrap()
    }

    fn tsv(v: i64) -> (Value, DataType) {
        (Value::Timestamp(v), DataType::Timestamp)
    }

    fn fl(r: Result<Value>) -> f64 {
        match r {
            Ok(Value::Float8(x)) => x,
            other => panic!("{other:?}"),
        }
    }

    fn ns(r: Result<Value>) -> String {
        match r {
            Ok(Value::Numeric(x)) => x.to_string(),
            other => text_of(other),
        }
    }

    #[test]
    fn date_part_of_timestamps() {
        let v = tsv(ts(2001, 2, 16, 20, 38, 40, 500_000));
        assert_eq!(fl(call("date_part", &[t("hour"), v.clone()])), 20.0);
        assert_eq!(fl(call("date_part", &[t("second"), v.clone()])), 40.5);
        assert_eq!(fl(call("date_part", &[t("milliseconds"), v.clone()])), 40500.0);
        assert_eq!(fl(call("date_part", &[t("microseconds"), v.clone()])), 40_500_000.0);
        assert_eq!(fl(call("date_part", &[t("dow"), v.clone()])), 5.0);
        assert_eq!(fl(call("date_part", &[t("isodow"), v.clone()])), 5.0);
        assert_eq!(fl(call("date_part", &[t("doy"), v.clone()])), 47.0);
        assert_eq!(fl(call("date_part", &[t("week"), v.clone()])), 7.0);
        assert_eq!(fl(call("date_part", &[t("quarter"), v.clone()])), 1.0);
        assert_eq!(fl(call("date_part", &[t("century"), v.clone()])), 21.0);
        assert_eq!(fl(call("date_part", &[t("decade"), v.clone()])), 200.0);
        assert_eq!(fl(call("date_part", &[t("millennium"), v.clone()])), 3.0);
        assert_eq!(fl(call("date_part", &[t("epoch"), v.clone()])), 982_355_920.5);
        assert_eq!(fl(call("date_part", &[t("YEARS"), v.clone()])), 2001.0);
        assert_eq!(fl(call("date_part", &[t("isoyear"), tsv(ts(2006, 1, 1, 0, 0, 0, 0))])), 2005.0);
        assert_eq!(fl(call("date_part", &[t("week"), tsv(ts(2006, 1, 1, 0, 0, 0, 0))])), 52.0);
        assert_eq!(fl(call("date_part", &[t("julian"), tsv(ts(2000, 1, 1, 12, 0, 0, 0))])), 2_451_545.5);
        assert_eq!(
            text_of(call("date_part", &[t("foo"), v.clone()])),
            "ERROR 22023: unit \"foo\" not recognized for type timestamp without time zone"
        );
        assert_eq!(
            text_of(call("date_part", &[t("timezone"), v])),
            "ERROR 0A000: unit \"timezone\" not supported for type timestamp without time zone"
        );
        assert!(matches!(call("date_part", &[t("year"), tsv(i64::MAX)]), Ok(Value::Float8(x)) if x == f64::INFINITY));
        assert!(call("date_part", &[t("month"), tsv(i64::MAX)]).unwrap().is_null());
    }

    #[test]
    fn extract_is_numeric() {
        let v = tsv(ts(2001, 2, 16, 20, 38, 40, 500_000));
        assert_eq!(ns(call("extract", &[t("second"), v.clone()])), "40.500000");
        assert_eq!(ns(call("extract", &[t("epoch"), v.clone()])), "982355920.500000");
        assert_eq!(ns(call("extract", &[t("milliseconds"), v.clone()])), "40500.000");
        assert_eq!(ns(call("extract", &[t("year"), v.clone()])), "2001");
        assert_eq!(
            ns(call("extract", &[t("julian"), tsv(ts(2000, 1, 1, 12, 0, 0, 0))])),
            "2451545.50000000000000000000"
        );
        let d = (Value::Date(ymd_to_date(2001, 2, 16).unwrap()), DataType::Date);
        assert_eq!(ns(call("extract", &[t("epoch"), d.clone()])), "982281600");
        assert_eq!(ns(call("extract", &[t("doy"), d.clone()])), "47");
        assert_eq!(
            text_of(call("extract", &[t("hour"), d.clone()])),
            "ERROR 0A000: unit \"hour\" not supported for type date"
        );
        assert_eq!(fl(call("date_part", &[t("hour"), d])), 0.0);
        let iv = (
            Value::Interval(Interval {
                months: 14,
                days: 3,
                micros: 4 * USECS_PER_HOUR + 5 * USECS_PER_MINUTE + 6_500_000,
            }),
            DataType::Interval,
        );
        assert_eq!(ns(call("extract", &[t("month"), iv.clone()])), "2");
        assert_eq!(ns(call("extract", &[t("year"), iv.clone()])), "1");
        assert_eq!(ns(call("extract", &[t("second"), iv.clone()])), "6.500000");
        assert_eq!(ns(call("extract", &[t("epoch"), iv.clone()])), "37015506.500000");
        assert_eq!(fl(call("date_part", &[t("epoch"), iv.clone()])), 37_015_506.5);
        assert_eq!(
            text_of(call("extract", &[t("week"), iv])),
            "ERROR 0A000: unit \"week\" not supported for type interval"
        );
        let tm = (Value::Time(13 * USECS_PER_HOUR + 30 * USECS_PER_MINUTE), DataType::Time);
        assert_eq!(ns(call("extract", &[t("minute"), tm.clone()])), "30");
        assert_eq!(ns(call("extract", &[t("epoch"), tm])), "48600.000000");
        let tz = (Value::TimestampTz(ts(2024, 7, 1, 12, 0, 0, 0)), DataType::TimestampTz);
        let r = call_tz(chrono_tz::America::New_York, "extract", &[t("timezone_hour"), tz.clone()]);
        assert_eq!(ns(r), "-4");
        let r = call_tz(chrono_tz::America::New_York, "extract", &[t("hour"), tz.clone()]);
        assert_eq!(ns(r), "8");
        let r = call_tz(chrono_tz::Asia::Kolkata, "extract", &[t("timezone_minute"), tz]);
        assert_eq!(ns(r), "30");
    }

    #[test]
    fn truncation() {
        let v = tsv(ts(2024, 2, 15, 10, 38, 40, 123_456));
        let tr = |u: &str| match call("date_trunc", &[t(u), v.clone()]) {
            Ok(Value::Timestamp(x)) => timestamp_to_fields(x).unwrap(),
            other => panic!("{other:?}"),
        };
        let f = |y, mo, d, h, mi, s, us| DateTimeFields {
            year: y,
            month: mo,
            day: d,
            hour: h,
            minute: mi,
            second: s,
            micros: us,
        };
        assert_eq!(tr("month"), f(2024, 2, 1, 0, 0, 0, 0));
        assert_eq!(tr("year"), f(2024, 1, 1, 0, 0, 0, 0));
        assert_eq!(tr("quarter"), f(2024, 1, 1, 0, 0, 0, 0));
        assert_eq!(tr("week"), f(2024, 2, 12, 0, 0, 0, 0));
        assert_eq!(tr("day"), f(2024, 2, 15, 0, 0, 0, 0));
        assert_eq!(tr("hour"), f(2024, 2, 15, 10, 0, 0, 0));
        assert_eq!(tr("minute"), f(2024, 2, 15, 10, 38, 0, 0));
        assert_eq!(tr("second"), f(2024, 2, 15, 10, 38, 40, 0));
        assert_eq!(tr("milliseconds"), f(2024, 2, 15, 10, 38, 40, 123_000));
        assert_eq!(tr("decade"), f(2020, 1, 1, 0, 0, 0, 0));
        assert_eq!(tr("century"), f(2001, 1, 1, 0, 0, 0, 0));
        assert_eq!(tr("millennium"), f(2001, 1, 1, 0, 0, 0, 0));
        assert_eq!(
            text_of(call("date_trunc", &[t("dow"), v])),
            "ERROR 0A000: unit \"dow\" not supported for type timestamp without time zone"
        );
        // timestamptz truncates in the session zone.
        let tz = (Value::TimestampTz(ts(2024, 3, 10, 12, 0, 0, 0)), DataType::TimestampTz);
        let r = call_tz(chrono_tz::America::New_York, "date_trunc", &[t("day"), tz.clone()]).unwrap();
        assert!(matches!(r, Value::TimestampTz(x) if x == ts(2024, 3, 10, 5, 0, 0, 0)));
        let r = call("date_trunc", &[t("day"), tz, t("Asia/Tokyo")]).unwrap();
        assert!(matches!(r, Value::TimestampTz(x) if x == ts(2024, 3, 9, 15, 0, 0, 0)));
        let iv = (
            Value::Interval(Interval { months: 26, days: 5, micros: 3 * USECS_PER_HOUR + 7 * USECS_PER_MINUTE }),
            DataType::Interval,
        );
        assert!(
            matches!(call("date_trunc", &[t("hour"), iv.clone()]), Ok(Value::Interval(i)) if i == Interval { months: 26, days: 5, micros: 3 * USECS_PER_HOUR })
        );
        assert!(
            matches!(call("date_trunc", &[t("year"), iv.clone()]), Ok(Value::Interval(i)) if i == Interval { months: 24, days: 0, micros: 0 })
        );
        assert_eq!(
            text_of(call("date_trunc", &[t("week"), iv])),
            "ERROR 0A000: unit \"week\" not supported for type interval"
        );
    }
}
