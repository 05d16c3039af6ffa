//! `date`, `time`, `timestamp` and `timestamptz` text I/O (`date_in`/`date_out`, `time_in`,
//! `timestamp_in`, `timestamptz_out`, ...), with `DateStyle = ISO` output, and the time zone
//! name and abbreviation lookups they share with functions (`AT TIME ZONE`).
//!
//! Special inputs `now`, `today`, `tomorrow` and `yesterday` read the wall clock when parsed
//! (PostgreSQL uses the transaction start time); `epoch`, `infinity` and `-infinity` are
//! constants.

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono_tz::Tz;

use super::dtparse::{decode, parse_fields, Decoded, DtErr, Kind, Now, Zone, DATETIME_BUFFER};
use super::TextContext;
use crate::error::{sqlstate, Result, SqlError};
use crate::types::datetime::{
    date2j, is_valid_date, is_valid_timestamp, j2date, local_offset_seconds, now_timestamp, time_to_hmsf,
    timestamp_to_fields, utc_offset_seconds, utc_to_local, DATE_NEG_INFINITY, DATE_POS_INFINITY, POSTGRES_EPOCH_JDATE,
    TIMESTAMP_NEG_INFINITY, TIMESTAMP_POS_INFINITY, USECS_PER_DAY, USECS_PER_SEC,
};

/// The time zone named `name` in the IANA database (`Europe/Paris`, `UTC`, `EST5EDT`), any
/// case.
pub fn lookup_time_zone(name: &str) -> Option<Tz> {
    static ZONES: OnceLock<HashMap<String, Tz>> = OnceLock::new();
    let zones =
        ZONES.get_or_init(|| chrono_tz::TZ_VARIANTS.iter().map(|tz| (tz.name().to_ascii_lowercase(), *tz)).collect());
    zones.get(&name.to_ascii_lowercase()).copied()
}

/// The offset, in seconds east of UTC, of a POSIX zone specification without daylight-saving
/// rules, as PostgreSQL accepts for names it does not know (`UTC+3`, `EST5`, `ABC-05:30`): a
/// name (any characters but digits, `,`, `+` and `-`), then an offset that, POSIX-style,
/// counts hours *west* of Greenwich (`UTC+3` is three hours behind UTC), up to 167 hours.
pub fn posix_zone_offset(spec: &str) -> Option<i32> {
    let name_len = spec.find(|c: char| c.is_ascii_digit() || matches!(c, ',' | '+' | '-')).unwrap_or(spec.len());
    if name_len == 0 {
        return None;
    }
    let rest = &spec[name_len..];
    let (sign, rest) = match rest.as_bytes().first()? {
        b'+' => (1, &rest[1..]),
        b'-' => (-1, &rest[1..]),
        _ => (1, rest),
    };
    let mut parts = rest.split(':');
    let mut field = |max: i32| -> Option<Option<i32>> {
        match parts.next() {
            None => Some(None),
            Some(p) if !p.is_empty() && p.len() <= 3 && p.bytes().all(|c| c.is_ascii_digit()) => {
                let v: i32 = p.parse().ok()?;
                (v <= max).then_some(Some(v))
            }
            Some(_) => None,
        }
    };
    let h = field(167)??;
    let m = field(59)?.unwrap_or(0);
    let s = field(60)?.unwrap_or(0);
    if parts.next().is_some() {
        return None;
    }
    Some(-sign * (h * 3600 + m * 60 + s))
}

/// True when `tz` has had one offset throughout (`UTC`, `Etc/GMT+5`), so that a time of day
/// can be placed in it without a date.
pub(super) fn zone_is_fixed(tz: &Tz) -> bool {
    let first = utc_offset_seconds(tz, 0);
    (1700..=2100).step_by(5).all(|year: i64| {
        [0, 182].iter().all(|day| {
            let days = (year - 2000) * 365 + (year - 2000) / 4 + day;
            utc_offset_seconds(tz, days * USECS_PER_DAY) == first
        })
    })
}

/// PostgreSQL's `Default` zone abbreviations with fixed offsets: (name, seconds east, DST).
const ABBREVIATIONS: &[(&str, i32, bool)] = &[
    ("acdt", 37800, true),
    ("acst", 34200, false),
    ("adt", -10800, true),
    ("aedt", 39600, true),
    ("aest", 36000, false),
    ("akdt", -28800, true),
    ("akst", -32400, false),
    ("ast", -14400, false),
    ("awst", 28800, false),
    ("bst", 3600, true),
    ("cdt", -18000, true),
    ("cest", 7200, true),
    ("cet", 3600, false),
    ("cetdst", 7200, true),
    ("cst", -21600, false),
    ("eat", 10800, false),
    ("edt", -14400, true),
    ("eest", 10800, true),
    ("eet", 7200, false),
    ("eetdst", 10800, true),
    ("est", -18000, false),
    ("gmt", 0, false),
    ("hkt", 28800, false),
    ("hst", -36000, false),
    ("idt", 10800, true),
    ("ist", 7200, false),
    ("jst", 32400, false),
    ("kst", 32400, false),
    ("mdt", -21600, true),
    ("mest", 7200, true),
    ("mesz", 7200, true),
    ("met", 3600, false),
    ("metdst", 7200, true),
    ("mez", 3600, false),
    ("mst", -25200, false),
    ("ndt", -9000, true),
    ("nst", -12600, false),
    ("nzdt", 46800, true),
    ("nzst", 43200, false),
    ("pdt", -25200, true),
    ("pst", -28800, false),
    ("sast", 7200, false),
    ("uct", 0, false),
    ("ut", 0, false),
    ("utc", 0, false),
    ("wat", 3600, false),
    ("west", 3600, true),
    ("wet", 0, false),
    ("wetdst", 3600, true),
    ("z", 0, false),
    ("zulu", 0, false),
];

/// A fixed-offset zone abbreviation (lower case): seconds east of UTC and whether it is a
/// daylight-saving one.
pub(super) fn zone_abbreviation(name: &str) -> Option<(i32, bool)> {
    ABBREVIATIONS.iter().find(|(n, _, _)| *n == name).map(|&(_, off, dst)| (off, dst))
}

/// The offset in seconds east of UTC of a time zone abbreviation PostgreSQL knows by default
/// (`EST` is -18000, `CEST` 7200), any case.
pub fn zone_abbreviation_offset(name: &str) -> Option<i32> {
    zone_abbreviation(&name.to_ascii_lowercase()).map(|(off, _)| off)
}

/// The SQL error for a date/time parse failure (`DateTimeParseError`).
pub(super) fn dt_error(e: DtErr, input: &str, type_name: &str) -> SqlError {
    match e {
        DtErr::BadFormat => SqlError::new(
            sqlstate::INVALID_DATETIME_FORMAT,
            format!("invalid input syntax for type {type_name}: \"{input}\""),
        ),
        DtErr::FieldOverflow => {
            SqlError::new(sqlstate::DATETIME_FIELD_OVERFLOW, format!("date/time field value out of range: \"{input}\""))
        }
        DtErr::MdFieldOverflow => {
            SqlError::new(sqlstate::DATETIME_FIELD_OVERFLOW, format!("date/time field value out of range: \"{input}\""))
                .hint("Perhaps you need a different \"datestyle\" setting.")
        }
        DtErr::IntervalOverflow => SqlError::new("22015", format!("interval field value out of range: \"{input}\"")),
        DtErr::TzDispOverflow => SqlError::new(
            sqlstate::INVALID_TIME_ZONE_DISPLACEMENT_VALUE,
            format!("time zone displacement out of range: \"{input}\""),
        ),
        DtErr::BadTimezone(zone) => {
            SqlError::new(sqlstate::INVALID_PARAMETER_VALUE, format!("time zone \"{zone}\" not recognized"))
        }
    }
}

fn now(ctx: &TextContext) -> Now {
    let utc = now_timestamp();
    Now { local_us: utc_to_local(&ctx.tz, utc), tz_west: -utc_offset_seconds(&ctx.tz, utc) }
}

fn decode_input(input: &str, time_only: bool, ctx: &TextContext, type_name: &str) -> Result<Decoded> {
    parse_fields(input, DATETIME_BUFFER)
        .and_then(|fields| decode(&fields, time_only, ctx.date_order, now(ctx)))
        .map_err(|e| dt_error(e, input, type_name))
}

/// `IS_VALID_JULIAN`: the range the Julian day arithmetic is defined on.
fn is_valid_julian(y: i64, m: i64) -> bool {
    (y > -4713 || (y == -4713 && m >= 11)) && (y < 5_874_898 || (y == 5_874_898 && m < 6))
}

/// `tm2timestamp` without a zone: the local timestamp of decoded fields.
fn local_timestamp(d: &Decoded) -> Option<i64> {
    if !is_valid_julian(d.year, d.mon) {
        return None;
    }
    let date = date2j(d.year, d.mon as u32, d.mday as u32) - i64::from(POSTGRES_EPOCH_JDATE);
    let time = ((d.hour * 60 + d.min) * 60 + d.sec) * USECS_PER_SEC + d.fsec;
    date.checked_mul(USECS_PER_DAY)?.checked_add(time)
}

/// 1970-01-01 00:00:00 as a timestamp.
const EPOCH_TIMESTAMP: i64 = -946_684_800 * USECS_PER_SEC;

/// `date_in`.
pub fn parse_date(input: &str, ctx: &TextContext) -> Result<i32> {
    let d = decode_input(input, false, ctx, "date")?;
    let (y, m, day) = match d.kind {
        Kind::Late => return Ok(DATE_POS_INFINITY),
        Kind::Early => return Ok(DATE_NEG_INFINITY),
        Kind::Epoch => (1970, 1, 1),
        Kind::Fields => (d.year, d.mon, d.mday),
    };
    let out_of_range = || SqlError::new(sqlstate::DATETIME_FIELD_OVERFLOW, format!("date out of range: \"{input}\""));
    if !is_valid_julian(y, m) {
        return Err(out_of_range());
    }
    let days = date2j(y, m as u32, day as u32) - i64::from(POSTGRES_EPOCH_JDATE);
    match i32::try_from(days) {
        Ok(days) if is_valid_date(days) => Ok(days),
        _ => Err(out_of_range()),
    }
}

/// `time_in`: any date or zone in the input is ignored.
pub fn parse_time(input: &str, ctx: &TextContext) -> Result<i64> {
    let d = decode_input(input, true, ctx, "time")?;
    Ok(((d.hour * 60 + d.min) * 60 + d.sec) * USECS_PER_SEC + d.fsec)
}

/// `timestamp_in`: a zone in the input is checked but ignored.
pub fn parse_timestamp(input: &str, ctx: &TextContext) -> Result<i64> {
    parse_timestamp_impl(input, ctx, false)
}

/// `timestamptz_in`: without a zone in the input, the local time is read in `ctx.tz`.
pub fn parse_timestamptz(input: &str, ctx: &TextContext) -> Result<i64> {
    parse_timestamp_impl(input, ctx, true)
}

fn parse_timestamp_impl(input: &str, ctx: &TextContext, with_tz: bool) -> Result<i64> {
    let type_name = if with_tz { "timestamp with time zone" } else { "timestamp" };
    let d = decode_input(input, false, ctx, type_name)?;
    match d.kind {
        Kind::Late => return Ok(TIMESTAMP_POS_INFINITY),
        Kind::Early => return Ok(TIMESTAMP_NEG_INFINITY),
        Kind::Epoch => return Ok(EPOCH_TIMESTAMP),
        Kind::Fields => {}
    }
    let out_of_range =
        || SqlError::new(sqlstate::DATETIME_FIELD_OVERFLOW, format!("timestamp out of range: \"{input}\""));
    let local = local_timestamp(&d).ok_or_else(out_of_range)?;
    let ts = if with_tz {
        let west = match &d.zone {
            Zone::Fixed(west) => *west,
            Zone::Named(tz) => -local_offset_seconds(tz, local),
            Zone::None => -local_offset_seconds(&ctx.tz, local),
        };
        local.checked_add(i64::from(west) * USECS_PER_SEC).ok_or_else(out_of_range)?
    } else {
        local
    };
    if is_valid_timestamp(ts) {
        Ok(ts)
    } else {
        Err(out_of_range())
    }
}

/// Appends `ss[.ffffff]` with trailing fractional zeros removed (`AppendSeconds`).
pub(super) fn append_seconds(out: &mut String, sec: u64, micros: u64) {
    out.push_str(&format!("{sec:02}"));
    if micros != 0 {
        let frac = format!("{micros:06}");
        out.push('.');
        out.push_str(frac.trim_end_matches('0'));
    }
}

fn append_date(out: &mut String, year: i64, month: u32, day: u32) {
    let shown = if year > 0 { year } else { 1 - year };
    out.push_str(&format!("{shown:04}-{month:02}-{day:02}"));
}

/// `date_out`: `2024-01-31`, `0044-03-15 BC`, `infinity`.
pub fn format_date(days: i32) -> String {
    match days {
        DATE_NEG_INFINITY => "-infinity".into(),
        DATE_POS_INFINITY => "infinity".into(),
        _ => {
            let (y, m, d) = j2date(i64::from(days) + i64::from(POSTGRES_EPOCH_JDATE));
            let mut out = String::with_capacity(13);
            append_date(&mut out, y, m, d);
            if y <= 0 {
                out.push_str(" BC");
            }
            out
        }
    }
}

/// `time_out`: `04:05:06.789`.
pub fn format_time(us: i64) -> String {
    let (h, m, s, f) = time_to_hmsf(us.clamp(0, USECS_PER_DAY));
    let mut out = format!("{h:02}:{m:02}:");
    append_seconds(&mut out, u64::from(s), u64::from(f));
    out
}

/// `timestamp_out`: `2024-01-31 12:34:56.789`.
pub fn format_timestamp(us: i64) -> String {
    format_timestamp_with_zone(us, None)
}

/// `timestamptz_out` in zone `tz`: `2024-01-31 12:34:56.789+01`, `+05:30` when the offset has
/// minutes, `+00:09:21` with seconds.
pub fn format_timestamptz(us: i64, tz: &Tz) -> String {
    format_timestamp_with_zone(us, Some(tz))
}

fn format_timestamp_with_zone(us: i64, tz: Option<&Tz>) -> String {
    match us {
        TIMESTAMP_NEG_INFINITY => return "-infinity".into(),
        TIMESTAMP_POS_INFINITY => return "infinity".into(),
        _ => {}
    }
    let offset = tz.map(|tz| utc_offset_seconds(tz, us));
    let local = us.saturating_add(i64::from(offset.unwrap_or(0)) * USECS_PER_SEC);
    let Some(f) = timestamp_to_fields(local) else { return String::new() };
    let mut out = String::with_capacity(32);
    append_date(&mut out, i64::from(f.year), f.month, f.day);
    out.push_str(&format!(" {:02}:{:02}:", f.hour, f.minute));
    append_seconds(&mut out, u64::from(f.second), u64::from(f.micros));
    if let Some(off) = offset {
        append_offset(&mut out, off);
    }
    if f.year <= 0 {
        out.push_str(" BC");
    }
    out
}

/// Appends a zone offset given in seconds east (`EncodeTimezone`): `+01`, `-05:30`,
/// `+00:09:21`.
pub(super) fn append_offset(out: &mut String, east: i32) {
    let secs = east.unsigned_abs();
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    out.push(if east >= 0 { '+' } else { '-' });
    if s != 0 {
        out.push_str(&format!("{h:02}:{m:02}:{s:02}"));
    } else if m != 0 {
        out.push_str(&format!("{h:02}:{m:02}"));
    } else {
        out.push_str(&format!("{h:02}"));
    }
}

#[cfg(test)]
mod tests;
