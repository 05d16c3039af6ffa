//! Date and time arithmetic shared by casts, operators and functions (conversions between the
//! 2000-01-01 epoch representation and calendar fields, time zone offsets, interval
//! arithmetic).
//!
//! Representation (PostgreSQL's): a `date` is an `i32` count of days since 2000-01-01, a
//! `timestamp`/`timestamptz` an `i64` count of microseconds since 2000-01-01 00:00:00 (UTC for
//! `timestamptz`), a `time` an `i64` count of microseconds since midnight (0 to 24:00:00
//! inclusive). The extreme values `i32::MIN`/`i32::MAX` and `i64::MIN`/`i64::MAX` stand for
//! `-infinity`/`infinity`.
//!
//! The calendar is the proleptic Gregorian one with astronomical year numbering (year 0 is
//! 1 BC, year -1 is 2 BC), computed here with integer arithmetic over PostgreSQL's full range
//! (4714-11-24 BC to 5874897-12-31 AD for dates, to 294276-12-31 AD for timestamps), which is
//! wider than chrono's. The chrono conversions ([`timestamp_to_naive`], [`date_to_naive`], ...)
//! are for callers that want chrono types and return `None` outside chrono's range.
//!
//! Time zones come from chrono-tz. Local times in a DST gap or overlap resolve as PostgreSQL
//! resolves them (see [`local_timestamp_to_utc`]).

use chrono::{DateTime, NaiveDate, NaiveDateTime, Offset, TimeZone};
use chrono_tz::Tz;

use crate::error::{sqlstate, Result, SqlError};
use crate::types::Interval;

/// Microseconds per second.
pub const USECS_PER_SEC: i64 = 1_000_000;
/// Microseconds per minute.
pub const USECS_PER_MINUTE: i64 = 60 * USECS_PER_SEC;
/// Microseconds per hour.
pub const USECS_PER_HOUR: i64 = 60 * USECS_PER_MINUTE;
/// Microseconds per day (24 hours).
pub const USECS_PER_DAY: i64 = 24 * USECS_PER_HOUR;
/// Seconds per day.
pub const SECS_PER_DAY: i64 = 86_400;
/// The Julian day number of 2000-01-01, the epoch of dates and timestamps.
pub const POSTGRES_EPOCH_JDATE: i32 = 2_451_545;
/// The Julian day number of 1970-01-01, the Unix epoch.
pub const UNIX_EPOCH_JDATE: i32 = 2_440_588;
/// Seconds from 1970-01-01 to 2000-01-01 (add to a PostgreSQL epoch count to get Unix time).
pub const PG_EPOCH_UNIX_SECS: i64 = 946_684_800;

/// `date` `-infinity`.
pub const DATE_NEG_INFINITY: i32 = i32::MIN;
/// `date` `infinity`.
pub const DATE_POS_INFINITY: i32 = i32::MAX;
/// `timestamp[tz]` `-infinity`.
pub const TIMESTAMP_NEG_INFINITY: i64 = i64::MIN;
/// `timestamp[tz]` `infinity`.
pub const TIMESTAMP_POS_INFINITY: i64 = i64::MAX;

/// The first valid date, 4714-11-24 BC (Julian day 0).
pub const MIN_DATE: i32 = -POSTGRES_EPOCH_JDATE;
/// One past the last valid date (5874897-12-31): 5874898-01-01, Julian day 2147483494
/// (`DATE_END_JULIAN`).
pub const END_DATE: i32 = 2_147_483_494 - POSTGRES_EPOCH_JDATE;
/// The first valid timestamp, 4714-11-24 00:00:00 BC.
pub const MIN_TIMESTAMP: i64 = -211_813_488_000_000_000;
/// One past the last valid timestamp, 294277-01-01 00:00:00.
pub const END_TIMESTAMP: i64 = 9_223_371_331_200_000_000;
/// The last valid `time`, 24:00:00.
pub const MAX_TIME: i64 = USECS_PER_DAY;

/// True for a finite date within PostgreSQL's range (`IS_VALID_DATE`).
pub fn is_valid_date(days: i32) -> bool {
    (MIN_DATE..END_DATE).contains(&days)
}

/// True for a finite timestamp within PostgreSQL's range (`IS_VALID_TIMESTAMP`).
pub fn is_valid_timestamp(us: i64) -> bool {
    (MIN_TIMESTAMP..END_TIMESTAMP).contains(&us)
}

/// True unless the date is `infinity` or `-infinity`.
pub fn date_is_finite(days: i32) -> bool {
    days != DATE_NEG_INFINITY && days != DATE_POS_INFINITY
}

/// True unless the timestamp is `infinity` or `-infinity`.
pub fn timestamp_is_finite(us: i64) -> bool {
    us != TIMESTAMP_NEG_INFINITY && us != TIMESTAMP_POS_INFINITY
}

/// True for a leap year (astronomical numbering: year 0 is 1 BC and a leap year).
pub fn is_leap_year(year: i32) -> bool {
    year.rem_euclid(4) == 0 && (year.rem_euclid(100) != 0 || year.rem_euclid(400) == 0)
}

/// The number of days in `month` (1-12) of `year`; 0 for an invalid month.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// The Julian day number of a calendar date (PostgreSQL's `date2j`), in 64 bits so that no
/// input overflows. The fields are not validated: day 0 or 32 just counts on.
pub fn date2j(year: i64, month: u32, day: u32) -> i64 {
    // Howard Hinnant's days_from_civil, shifted to Julian days; exact for every year.
    let m = i64::from(month);
    let y = if m <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468 + i64::from(UNIX_EPOCH_JDATE)
}

/// The calendar date of a Julian day number (PostgreSQL's `j2date`): (year, month, day) with
/// astronomical years.
pub fn j2date(jd: i64) -> (i64, u32, u32) {
    let z = jd - i64::from(UNIX_EPOCH_JDATE) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The ISO day of the week of a Julian day: 1 = Monday ... 7 = Sunday.
pub fn iso_day_of_week(jd: i64) -> u32 {
    (jd.rem_euclid(7) + 1) as u32
}

/// A timestamp broken into calendar fields (PostgreSQL's `struct pg_tm` plus `fsec`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateTimeFields {
    /// Astronomical year: 0 is 1 BC, -1 is 2 BC.
    pub year: i32,
    /// 1-12.
    pub month: u32,
    /// 1-31.
    pub day: u32,
    /// 0-23.
    pub hour: u32,
    /// 0-59.
    pub minute: u32,
    /// 0-59.
    pub second: u32,
    /// 0-999999.
    pub micros: u32,
}

impl DateTimeFields {
    /// The time-of-day part in microseconds.
    pub fn time_micros(&self) -> i64 {
        i64::from(self.hour) * USECS_PER_HOUR
            + i64::from(self.minute) * USECS_PER_MINUTE
            + i64::from(self.second) * USECS_PER_SEC
            + i64::from(self.micros)
    }
}

/// The year, month and day of a finite date (`None` for the infinities).
pub fn date_to_ymd(days: i32) -> Option<(i32, u32, u32)> {
    if !date_is_finite(days) {
        return None;
    }
    let (y, m, d) = j2date(i64::from(days) + i64::from(POSTGRES_EPOCH_JDATE));
    Some((i32::try_from(y).ok()?, m, d))
}

/// The date of a calendar day, `None` when the fields are invalid (month 13, February 30) or
/// the date is outside PostgreSQL's range.
pub fn ymd_to_date(year: i32, month: u32, day: u32) -> Option<i32> {
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let days = date2j(i64::from(year), month, day) - i64::from(POSTGRES_EPOCH_JDATE);
    let days = i32::try_from(days).ok()?;
    is_valid_date(days).then_some(days)
}

/// Splits a timestamp into days since 2000-01-01 and microseconds into that day.
pub fn split_timestamp(us: i64) -> (i64, i64) {
    (us.div_euclid(USECS_PER_DAY), us.rem_euclid(USECS_PER_DAY))
}

/// The calendar fields of a finite timestamp (`timestamp2tm` without a zone); `None` for the
/// infinities.
pub fn timestamp_to_fields(us: i64) -> Option<DateTimeFields> {
    if !timestamp_is_finite(us) {
        return None;
    }
    let (days, time) = split_timestamp(us);
    let (year, month, day) = j2date(days + i64::from(POSTGRES_EPOCH_JDATE));
    let (hour, minute, second, micros) = time_to_hmsf(time);
    Some(DateTimeFields { year: i32::try_from(year).ok()?, month, day, hour, minute, second, micros })
}

/// The timestamp of calendar fields (`tm2timestamp`), `None` when a field is out of its range
/// or the result is outside PostgreSQL's timestamp range.
pub fn fields_to_timestamp(f: &DateTimeFields) -> Option<i64> {
    let days = i64::from(ymd_to_date(f.year, f.month, f.day)?);
    if f.hour > 23 || f.minute > 59 || f.second > 59 || f.micros > 999_999 {
        return None;
    }
    let us = days.checked_mul(USECS_PER_DAY)?.checked_add(f.time_micros())?;
    is_valid_timestamp(us).then_some(us)
}

/// Hours, minutes, seconds and microseconds of a time of day in microseconds (24:00:00 gives
/// hour 24).
pub fn time_to_hmsf(us: i64) -> (u32, u32, u32, u32) {
    let hour = us / USECS_PER_HOUR;
    let rest = us % USECS_PER_HOUR;
    (
        hour as u32,
        (rest / USECS_PER_MINUTE) as u32,
        (rest % USECS_PER_MINUTE / USECS_PER_SEC) as u32,
        (rest % USECS_PER_SEC) as u32,
    )
}

/// The chrono date of a date, `None` for the infinities and outside chrono's range.
pub fn date_to_naive(days: i32) -> Option<NaiveDate> {
    let (y, m, d) = date_to_ymd(days)?;
    NaiveDate::from_ymd_opt(y, m, d)
}

/// The date of a chrono date (chrono's range is within `i32` days of 2000-01-01, but it
/// starts before PostgreSQL's; check with [`is_valid_date`] when that matters).
pub fn naive_to_date(d: NaiveDate) -> i32 {
    let epoch = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default();
    (d - epoch).num_days() as i32
}

/// The chrono date-time of a timestamp, `None` for the infinities and outside chrono's range.
pub fn timestamp_to_naive(us: i64) -> Option<NaiveDateTime> {
    if !timestamp_is_finite(us) {
        return None;
    }
    let secs = us.div_euclid(USECS_PER_SEC).checked_add(PG_EPOCH_UNIX_SECS)?;
    let nanos = (us.rem_euclid(USECS_PER_SEC) * 1000) as u32;
    DateTime::from_timestamp(secs, nanos).map(|dt| dt.naive_utc())
}

/// The timestamp of a chrono date-time (truncated to microseconds; saturating at the
/// infinities, which chrono's range never reaches).
pub fn naive_to_timestamp(dt: NaiveDateTime) -> i64 {
    let utc = dt.and_utc();
    let secs = utc.timestamp() - PG_EPOCH_UNIX_SECS;
    secs.saturating_mul(USECS_PER_SEC).saturating_add(i64::from(utc.timestamp_subsec_micros()))
}

/// Unix seconds chrono can represent (a little inside its ±262143-year range).
const CHRONO_SECS: std::ops::RangeInclusive<i64> = -8_200_000_000_000..=8_200_000_000_000;

fn clamp_to_chrono(us: i64) -> NaiveDateTime {
    let secs = us.div_euclid(USECS_PER_SEC).saturating_add(PG_EPOCH_UNIX_SECS);
    let secs = secs.clamp(*CHRONO_SECS.start(), *CHRONO_SECS.end());
    DateTime::from_timestamp(secs, 0).map(|dt| dt.naive_utc()).unwrap_or_default()
}

/// The offset of `tz` from UTC, in seconds east of Greenwich (`+01` is 3600), at the instant
/// `utc_us` (a timestamptz value). Instants beyond chrono's range use the offset at its edge.
pub fn utc_offset_seconds(tz: &Tz, utc_us: i64) -> i32 {
    tz.offset_from_utc_datetime(&clamp_to_chrono(utc_us)).fix().local_minus_utc()
}

/// The zone abbreviation (`CET`, `EDT`, `+0530`) in effect in `tz` at the instant `utc_us`.
pub fn tz_abbreviation(tz: &Tz, utc_us: i64) -> String {
    use chrono_tz::OffsetName;
    let off = tz.offset_from_utc_datetime(&clamp_to_chrono(utc_us));
    off.abbreviation().map(str::to_string).unwrap_or_else(|| {
        let secs = off.fix().local_minus_utc();
        let sign = if secs < 0 { '-' } else { '+' };
        let secs = secs.unsigned_abs();
        if secs.is_multiple_of(3600) {
            format!("{sign}{:02}", secs / 3600)
        } else {
            format!("{sign}{:02}{:02}", secs / 3600, secs % 3600 / 60)
        }
    })
}

/// The local wall-clock time in `tz` of a timestamptz, as a `timestamp` value (infinities
/// unchanged; saturates rather than overflowing at the ends of the range).
pub fn utc_to_local(tz: &Tz, utc_us: i64) -> i64 {
    if !timestamp_is_finite(utc_us) {
        return utc_us;
    }
    utc_us.saturating_add(i64::from(utc_offset_seconds(tz, utc_us)) * USECS_PER_SEC)
}

/// The offset (seconds east of UTC) that PostgreSQL's `DetermineTimeZoneOffset` chooses for the
/// local wall-clock time `local_us` (a `timestamp` value) in `tz`. A time that occurs twice (a
/// fall-back overlap) takes the offset in force after the transition (standard time, usually);
/// a time that does not occur (a spring-forward gap) takes the offset in force before it, so
/// 02:30 on a night clocks jump from 02:00 to 03:00 becomes 03:30 daylight time.
pub fn local_offset_seconds(tz: &Tz, local_us: i64) -> i32 {
    use chrono::LocalResult;
    let local = clamp_to_chrono(local_us);
    match tz.offset_from_local_datetime(&local) {
        LocalResult::Single(off) => off.fix().local_minus_utc(),
        LocalResult::Ambiguous(_, after) => after.fix().local_minus_utc(),
        LocalResult::None => utc_offset_seconds(tz, local_us.saturating_sub(USECS_PER_DAY)),
    }
}

/// The timestamptz of the local wall-clock time `local_us` (a `timestamp` value) in `tz`, with
/// PostgreSQL's resolution of DST gaps and overlaps ([`local_offset_seconds`]). Infinities are
/// unchanged; the result may fall outside the valid range near its ends (check with
/// [`is_valid_timestamp`]).
pub fn local_timestamp_to_utc(tz: &Tz, local_us: i64) -> i64 {
    if !timestamp_is_finite(local_us) {
        return local_us;
    }
    local_us.saturating_sub(i64::from(local_offset_seconds(tz, local_us)) * USECS_PER_SEC)
}

/// [`local_timestamp_to_utc`] for a chrono date-time.
pub fn local_to_utc(tz: &Tz, local: NaiveDateTime) -> i64 {
    local_timestamp_to_utc(tz, naive_to_timestamp(local))
}

/// 22008 `timestamp out of range`.
pub fn timestamp_out_of_range() -> SqlError {
    SqlError::new(sqlstate::DATETIME_FIELD_OVERFLOW, "timestamp out of range")
}

/// 22008 `date out of range`.
pub fn date_out_of_range() -> SqlError {
    SqlError::new(sqlstate::DATETIME_FIELD_OVERFLOW, "date out of range")
}

/// 22008 `interval out of range`.
pub fn interval_out_of_range() -> SqlError {
    SqlError::new(sqlstate::DATETIME_FIELD_OVERFLOW, "interval out of range")
}

/// Shifts a timestamp's calendar date, in local time when `tz` is given, and converts back.
fn shift_local(ts: i64, tz: Option<&Tz>, shift: impl FnOnce(&mut DateTimeFields) -> Option<()>) -> Result<i64> {
    let local = match tz {
        Some(tz) => utc_to_local(tz, ts),
        None => ts,
    };
    let mut f = timestamp_to_fields(local).ok_or_else(timestamp_out_of_range)?;
    shift(&mut f).ok_or_else(timestamp_out_of_range)?;
    let local = fields_to_timestamp(&f).ok_or_else(timestamp_out_of_range)?;
    let out = match tz {
        Some(tz) => local_timestamp_to_utc(tz, local),
        None => local,
    };
    if is_valid_timestamp(out) {
        Ok(out)
    } else {
        Err(timestamp_out_of_range())
    }
}

/// Adds `months` to calendar fields, clamping the day to the new month's length (January 31
/// plus one month is February 28 or 29), as PostgreSQL does.
pub fn add_months_to_fields(f: &mut DateTimeFields, months: i32) -> Option<()> {
    let total = i64::from(f.year) * 12 + i64::from(f.month) - 1 + i64::from(months);
    f.year = i32::try_from(total.div_euclid(12)).ok()?;
    f.month = (total.rem_euclid(12) + 1) as u32;
    f.day = f.day.min(days_in_month(f.year, f.month));
    Some(())
}

/// `timestamp + interval` (`tz` = `None`) or `timestamptz + interval` (`tz` = the session
/// zone), as PostgreSQL computes it: months first (on the local calendar, clamping to the end
/// of the month), then days (on the local calendar, so a day across a DST change is 23 or 25
/// hours), then the microseconds. Infinite timestamps are unchanged. Errors with 22008
/// `timestamp out of range`.
pub fn add_interval(ts_us: i64, iv: &Interval, tz: Option<&Tz>) -> Result<i64> {
    if !timestamp_is_finite(ts_us) {
        return Ok(ts_us);
    }
    let mut ts = ts_us;
    if iv.months != 0 {
        ts = shift_local(ts, tz, |f| add_months_to_fields(f, iv.months))?;
    }
    if iv.days != 0 {
        ts = shift_local(ts, tz, |f| {
            let jd = date2j(i64::from(f.year), f.month, f.day).checked_add(i64::from(iv.days))?;
            let (y, m, d) = j2date(jd);
            f.year = i32::try_from(y).ok()?;
            f.month = m;
            f.day = d;
            Some(())
        })?;
    }
    let ts = ts.checked_add(iv.micros).ok_or_else(timestamp_out_of_range)?;
    if is_valid_timestamp(ts) {
        Ok(ts)
    } else {
        Err(timestamp_out_of_range())
    }
}

/// The negation of an interval (22008 `interval out of range` for the most negative fields).
pub fn negate_interval(iv: &Interval) -> Result<Interval> {
    Ok(Interval {
        months: iv.months.checked_neg().ok_or_else(interval_out_of_range)?,
        days: iv.days.checked_neg().ok_or_else(interval_out_of_range)?,
        micros: iv.micros.checked_neg().ok_or_else(interval_out_of_range)?,
    })
}

/// `timestamp[tz] - interval`: [`add_interval`] of the negated interval.
pub fn sub_interval(ts_us: i64, iv: &Interval, tz: Option<&Tz>) -> Result<i64> {
    add_interval(ts_us, &negate_interval(iv)?, tz)
}

/// The timestamp at midnight of a date (`date::timestamp`), infinities preserved; 22008
/// `date out of range for timestamp` past 294276 AD.
pub fn date_to_timestamp(days: i32) -> Result<i64> {
    match days {
        DATE_NEG_INFINITY => Ok(TIMESTAMP_NEG_INFINITY),
        DATE_POS_INFINITY => Ok(TIMESTAMP_POS_INFINITY),
        _ => match i64::from(days).checked_mul(USECS_PER_DAY) {
            Some(us) if is_valid_timestamp(us) => Ok(us),
            _ => Err(SqlError::new(sqlstate::DATETIME_FIELD_OVERFLOW, "date out of range for timestamp")),
        },
    }
}

/// The timestamptz of midnight local time in `tz` on a date (`date::timestamptz`).
pub fn date_to_timestamptz(days: i32, tz: &Tz) -> Result<i64> {
    let local = date_to_timestamp(days)?;
    let utc = local_timestamp_to_utc(tz, local);
    if timestamp_is_finite(utc) && !is_valid_timestamp(utc) {
        return Err(SqlError::new(sqlstate::DATETIME_FIELD_OVERFLOW, "date out of range for timestamp"));
    }
    Ok(utc)
}

/// The date of a timestamp (`timestamp::date`), infinities preserved.
pub fn timestamp_to_date(us: i64) -> Result<i32> {
    match us {
        TIMESTAMP_NEG_INFINITY => Ok(DATE_NEG_INFINITY),
        TIMESTAMP_POS_INFINITY => Ok(DATE_POS_INFINITY),
        _ => i32::try_from(us.div_euclid(USECS_PER_DAY)).map_err(|_| date_out_of_range()),
    }
}

/// `timestamp::timestamptz`: the local time in `tz` made an instant.
pub fn timestamp_to_timestamptz(us: i64, tz: &Tz) -> Result<i64> {
    let utc = local_timestamp_to_utc(tz, us);
    if timestamp_is_finite(utc) && !is_valid_timestamp(utc) {
        return Err(timestamp_out_of_range());
    }
    Ok(utc)
}

/// `timestamptz::timestamp`: the local time in `tz` of an instant.
pub fn timestamptz_to_timestamp(us: i64, tz: &Tz) -> Result<i64> {
    let local = utc_to_local(tz, us);
    if timestamp_is_finite(local) && !is_valid_timestamp(local) {
        return Err(timestamp_out_of_range());
    }
    Ok(local)
}

/// The current time as a timestamptz value.
pub fn now_timestamp() -> i64 {
    naive_to_timestamp(chrono::Utc::now().naive_utc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::{America, Asia, Europe};
    use proptest::prelude::*;

    fn ts(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> i64 {
        fields_to_timestamp(&DateTimeFields { year: y, month: mo, day: d, hour: h, minute: mi, second: s, micros: 0 })
            .unwrap()
    }

    #[test]
    fn julian_days_match_postgres() {
        assert_eq!(date2j(2000, 1, 1), i64::from(POSTGRES_EPOCH_JDATE));
        assert_eq!(date2j(1970, 1, 1), i64::from(UNIX_EPOCH_JDATE));
        assert_eq!(date2j(-4713, 11, 24), 0);
        assert_eq!(j2date(0), (-4713, 11, 24));
        assert_eq!(date2j(5_874_898, 1, 1), 2_147_483_494);
        assert_eq!(j2date(2_147_483_493), (5_874_897, 12, 31));
        assert_eq!(ymd_to_date(2000, 1, 1), Some(0));
        assert_eq!(ymd_to_date(-4713, 11, 24), Some(MIN_DATE));
        assert_eq!(ymd_to_date(-4713, 11, 23), None);
        assert_eq!(ymd_to_date(2023, 2, 29), None);
        assert_eq!(ymd_to_date(2024, 2, 29), Some(8825));
        assert_eq!(date_to_ymd(DATE_POS_INFINITY), None);
        assert_eq!(iso_day_of_week(date2j(2024, 1, 1)), 1);
        assert_eq!(iso_day_of_week(date2j(2000, 1, 1)), 6);
    }

    #[test]
    fn timestamp_range_constants() {
        assert_eq!(MIN_TIMESTAMP, i64::from(MIN_DATE) * USECS_PER_DAY);
        assert_eq!(END_TIMESTAMP, (date2j(294_277, 1, 1) - i64::from(POSTGRES_EPOCH_JDATE)) * USECS_PER_DAY);
        let last = timestamp_to_fields(END_TIMESTAMP - 1).unwrap();
        assert_eq!((last.year, last.month, last.day, last.hour), (294_276, 12, 31, 23));
        assert!(fields_to_timestamp(&DateTimeFields { year: 294_277, ..last }).is_none());
    }

    #[test]
    fn chrono_conversions() {
        let d = NaiveDate::from_ymd_opt(2024, 1, 31).unwrap();
        assert_eq!(date_to_naive(naive_to_date(d)), Some(d));
        let dt = d.and_hms_micro_opt(12, 34, 56, 789).unwrap();
        assert_eq!(timestamp_to_naive(naive_to_timestamp(dt)), Some(dt));
        assert_eq!(
            naive_to_timestamp(NaiveDate::from_ymd_opt(1999, 12, 31).unwrap().and_hms_opt(23, 59, 59).unwrap()),
            -1_000_000
        );
        assert_eq!(timestamp_to_naive(TIMESTAMP_POS_INFINITY), None);
        assert_eq!(date_to_naive(500_000_000), None);
    }

    #[test]
    fn offsets_and_dst_resolution() {
        let paris = Europe::Paris;
        assert_eq!(utc_offset_seconds(&paris, ts(2024, 1, 15, 12, 0, 0)), 3600);
        assert_eq!(utc_offset_seconds(&paris, ts(2024, 7, 15, 12, 0, 0)), 7200);
        assert_eq!(utc_offset_seconds(&Asia::Kolkata, 0), 19800);
        // Local mean time before standard zones, as PostgreSQL shows it.
        assert_eq!(utc_offset_seconds(&paris, ts(1800, 1, 1, 0, 0, 0)), 561);
        let ny = America::New_York;
        // Spring forward: 02:30 does not exist and becomes 03:30 EDT (07:30 UTC).
        assert_eq!(local_timestamp_to_utc(&ny, ts(2024, 3, 10, 2, 30, 0)), ts(2024, 3, 10, 7, 30, 0));
        // Fall back: 01:30 happens twice; PostgreSQL takes the later (EST) one.
        assert_eq!(local_timestamp_to_utc(&ny, ts(2024, 11, 3, 1, 30, 0)), ts(2024, 11, 3, 6, 30, 0));
        assert_eq!(local_timestamp_to_utc(&ny, ts(2024, 6, 1, 0, 0, 0)), ts(2024, 6, 1, 4, 0, 0));
        assert_eq!(utc_to_local(&ny, ts(2024, 6, 1, 4, 0, 0)), ts(2024, 6, 1, 0, 0, 0));
        assert_eq!(tz_abbreviation(&ny, ts(2024, 6, 1, 4, 0, 0)), "EDT");
        // Far beyond chrono's range: the edge offset, no panic.
        assert_eq!(utc_offset_seconds(&paris, END_TIMESTAMP - 1), 3600);
        assert_eq!(local_timestamp_to_utc(&paris, TIMESTAMP_POS_INFINITY), TIMESTAMP_POS_INFINITY);
        let naive = NaiveDate::from_ymd_opt(2024, 3, 10).unwrap().and_hms_opt(2, 30, 0).unwrap();
        assert_eq!(local_to_utc(&ny, naive), ts(2024, 3, 10, 7, 30, 0));
    }

    #[test]
    fn interval_addition_clamps_and_follows_dst() {
        let month = Interval { months: 1, days: 0, micros: 0 };
        assert_eq!(add_interval(ts(2024, 1, 31, 10, 0, 0), &month, None).unwrap(), ts(2024, 2, 29, 10, 0, 0));
        assert_eq!(add_interval(ts(2023, 1, 31, 0, 0, 0), &month, None).unwrap(), ts(2023, 2, 28, 0, 0, 0));
        let back = Interval { months: -13, days: 0, micros: 0 };
        assert_eq!(add_interval(ts(2024, 3, 31, 0, 0, 0), &back, None).unwrap(), ts(2023, 2, 28, 0, 0, 0));
        // A day across the spring-forward change is 23 hours in timestamptz arithmetic.
        let ny = America::New_York;
        let start = local_timestamp_to_utc(&ny, ts(2024, 3, 9, 12, 0, 0));
        let day = Interval { months: 0, days: 1, micros: 0 };
        let next = add_interval(start, &day, Some(&ny)).unwrap();
        assert_eq!(next - start, 23 * USECS_PER_HOUR);
        assert_eq!(add_interval(start, &day, None).unwrap() - start, 24 * USECS_PER_HOUR);
        let hours = Interval { months: 0, days: 0, micros: 24 * USECS_PER_HOUR };
        assert_eq!(add_interval(start, &hours, Some(&ny)).unwrap() - start, 24 * USECS_PER_HOUR);
        assert_eq!(sub_interval(next, &day, Some(&ny)).unwrap(), start);
        // Landing in the spring-forward gap moves forward, as PostgreSQL does.
        let gap_eve = local_timestamp_to_utc(&ny, ts(2024, 3, 9, 2, 30, 0));
        assert_eq!(add_interval(gap_eve, &day, Some(&ny)).unwrap(), ts(2024, 3, 10, 7, 30, 0));
        let last_day = ts(294_276, 12, 31, 0, 0, 0);
        assert_eq!(add_interval(last_day, &day, None).unwrap_err().message, "timestamp out of range");
        // Infinities are unchanged; overflow is an error.
        assert_eq!(add_interval(TIMESTAMP_POS_INFINITY, &day, None).unwrap(), TIMESTAMP_POS_INFINITY);
        let huge = Interval { months: i32::MAX, days: 0, micros: 0 };
        assert_eq!(add_interval(0, &huge, None).unwrap_err().code, sqlstate::DATETIME_FIELD_OVERFLOW);
        let big = Interval { months: 0, days: 0, micros: i64::MAX };
        assert_eq!(add_interval(0, &big, None).unwrap_err().message, "timestamp out of range");
        let min = Interval { months: i32::MIN, days: 0, micros: 0 };
        assert!(sub_interval(0, &min, None).is_err());
    }

    #[test]
    fn date_timestamp_conversions() {
        assert_eq!(date_to_timestamp(1).unwrap(), USECS_PER_DAY);
        assert_eq!(date_to_timestamp(DATE_NEG_INFINITY).unwrap(), TIMESTAMP_NEG_INFINITY);
        assert_eq!(date_to_timestamp(END_DATE - 1).unwrap_err().message, "date out of range for timestamp");
        assert_eq!(timestamp_to_date(-1).unwrap(), -1);
        assert_eq!(timestamp_to_date(TIMESTAMP_POS_INFINITY).unwrap(), DATE_POS_INFINITY);
        assert_eq!(date_to_timestamptz(0, &Europe::Paris).unwrap(), -USECS_PER_HOUR);
        assert_eq!(timestamptz_to_timestamp(0, &Europe::Paris).unwrap(), USECS_PER_HOUR);
        assert_eq!(timestamp_to_timestamptz(USECS_PER_HOUR, &Europe::Paris).unwrap(), 0);
        assert!(now_timestamp() > ts(2024, 1, 1, 0, 0, 0));
    }

    proptest! {
        #[test]
        fn julian_round_trip(jd in 0i64..3_000_000_000) {
            let (y, m, d) = j2date(jd);
            prop_assert_eq!(date2j(y, m, d), jd);
            prop_assert!(d >= 1 && d <= days_in_month(y as i32, m));
        }

        #[test]
        fn fields_round_trip(us in MIN_TIMESTAMP..END_TIMESTAMP) {
            let f = timestamp_to_fields(us).unwrap();
            prop_assert_eq!(fields_to_timestamp(&f), Some(us));
        }

        #[test]
        fn local_utc_round_trip_outside_transitions(us in -3_000_000_000_000_000i64..3_000_000_000_000_000) {
            let tz = Europe::Paris;
            let local = utc_to_local(&tz, us);
            // Every instant's local time maps back to it, except the repeated hour of an overlap.
            let back = local_timestamp_to_utc(&tz, local);
            prop_assert!(back == us || (back - us).abs() == USECS_PER_HOUR);
        }
    }
}
