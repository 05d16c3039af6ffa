//! `interval` text I/O: `interval_in` (`DecodeInterval` and `DecodeISO8601Interval`) and
//! `interval_out` with `IntervalStyle = postgres`.
//!
//! Fractional units spill into smaller ones as in PostgreSQL: `1.5 days` is 1 day 12 hours,
//! `1.5 months` 1 month 15 days, `1.5 years` 1 year 6 months (a fraction of a month below
//! that is dropped). A unit word needs a number (`1 day hour` is an error) and `ago` may only
//! come last.

use super::datetime::{append_seconds, dt_error};
use super::dtparse::{decode_time, parse_fields, parse_fraction, strtoint, DtErr, FieldType, INTERVAL_BUFFER};
use crate::error::{sqlstate, Result, SqlError};
use crate::types::datetime::{USECS_PER_DAY, USECS_PER_HOUR, USECS_PER_MINUTE, USECS_PER_SEC};
use crate::types::Interval;

/// PostgreSQL's `pg_itm_in`: the fields being accumulated.
#[derive(Default)]
struct Acc {
    usec: i64,
    mday: i32,
    mon: i32,
    year: i32,
}

impl Acc {
    fn adjust_fract_microseconds(&mut self, frac: f64, scale: i64) -> bool {
        if frac == 0.0 {
            return true;
        }
        let frac = frac * scale as f64;
        let mut usec = frac as i64;
        let rest = frac - usec as f64;
        if rest > 0.5 {
            usec += 1;
        } else if rest < -0.5 {
            usec -= 1;
        }
        self.usec.checked_add(usec).map(|v| self.usec = v).is_some()
    }

    fn adjust_fract_days(&mut self, frac: f64, scale: i32) -> bool {
        if frac == 0.0 {
            return true;
        }
        let frac = frac * f64::from(scale);
        let extra = frac as i32;
        let Some(d) = self.mday.checked_add(extra) else { return false };
        self.mday = d;
        self.adjust_fract_microseconds(frac - f64::from(extra), USECS_PER_DAY)
    }

    fn adjust_fract_years(&mut self, frac: f64, scale: i32) -> bool {
        if frac == 0.0 {
            return true;
        }
        let months = (frac * f64::from(scale) * 12.0) as i32;
        self.mon.checked_add(months).map(|v| self.mon = v).is_some()
    }

    fn adjust_microseconds(&mut self, val: i64, fval: f64, scale: i64) -> bool {
        let Some(v) = val.checked_mul(scale).and_then(|v| self.usec.checked_add(v)) else { return false };
        self.usec = v;
        self.adjust_fract_microseconds(fval, scale)
    }

    fn adjust_days(&mut self, val: i64, scale: i32) -> bool {
        let Ok(val) = i32::try_from(val) else { return false };
        let Some(d) = val.checked_mul(scale).and_then(|d| self.mday.checked_add(d)) else { return false };
        self.mday = d;
        true
    }

    fn adjust_months(&mut self, val: i64) -> bool {
        let Ok(val) = i32::try_from(val) else { return false };
        self.mon.checked_add(val).map(|v| self.mon = v).is_some()
    }

    fn adjust_years(&mut self, val: i64, scale: i32) -> bool {
        let Some(v) = i32::try_from(val).ok().and_then(|v| v.checked_mul(scale)) else { return false };
        self.year.checked_add(v).map(|y| self.year = y).is_some()
    }

    fn into_interval(self) -> Option<Interval> {
        let months = i64::from(self.year) * 12 + i64::from(self.mon);
        Some(Interval { months: i32::try_from(months).ok()?, days: self.mday, micros: self.usec })
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Unit {
    Microsecond,
    Millisecond,
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
    Decade,
    Century,
    Millennium,
    /// After `ago`: a number needs a unit of its own.
    Invalid,
}

/// What a word in an interval means (`deltatktbl`).
enum Word {
    Unit(Unit),
    Ago,
    Ignore,
    Reserved,
    Other,
}

fn lookup_word(s: &str) -> Word {
    use Unit::*;
    // PostgreSQL compares at most TOKMAXLEN (10) characters.
    let key = s.get(..s.len().min(10)).unwrap_or(s);
    Word::Unit(match key {
        "@" => return Word::Ignore,
        "ago" => return Word::Ago,
        "c" | "cent" | "centuries" | "century" => Century,
        "d" | "day" | "days" => Day,
        "dec" | "decade" | "decades" | "decs" => Decade,
        "h" | "hour" | "hours" | "hr" | "hrs" => Hour,
        "m" | "min" | "mins" | "minute" | "minutes" => Minute,
        "microsecon" | "us" | "usec" | "usecs" | "useconds" => Microsecond,
        "mil" | "millennia" | "millennium" | "mils" => Millennium,
        "millisecon" | "ms" | "msec" | "msecs" | "mseconds" => Millisecond,
        "mon" | "mons" | "month" | "months" => Month,
        "s" | "sec" | "second" | "seconds" | "secs" => Second,
        "w" | "week" | "weeks" => Week,
        "y" | "year" | "years" | "yr" | "yrs" => Year,
        "infinity" | "-infinity" | "now" | "today" | "tomorrow" | "yesterday" | "epoch" | "allballs" => {
            return Word::Reserved
        }
        "at" | "on" => return Word::Ignore,
        _ => return Word::Other,
    })
}

/// `DecodeInterval` for the `postgres` style (fields read right to left, so that a unit
/// precedes its number).
fn decode_interval(input: &str) -> Result<Acc, DtErr> {
    let fields = parse_fields(input, INTERVAL_BUFFER)?;
    let mut acc = Acc::default();
    let mut fmask: u32 = 0;
    let mut unit: Option<Unit> = None;
    let mut is_before = false;
    let mut parsing_unit_val = false;
    let nf = fields.len();
    for (i, f) in fields.iter().enumerate().rev() {
        let text = f.text.as_str();
        let tmask: u32;
        // A signed time (`-01:00:00`), unless it does not decode as one.
        let signed_time = match f.ty {
            FieldType::Tz if text[1..].contains(':') => {
                decode_time(&text[1..], i64::MAX).ok().and_then(|(h, m, s, fs)| time_usec(h, m, s, fs).ok())
            }
            _ => None,
        };
        match f.ty {
            FieldType::Time => {
                let (h, m, s, fs) = decode_time(text, i64::MAX)?;
                acc.usec = time_usec(h, m, s, fs)?;
                tmask = TIME_MASK;
                unit = Some(Unit::Day);
                parsing_unit_val = false;
            }
            FieldType::Tz if signed_time.is_some() => {
                let usec = signed_time.unwrap_or_default();
                acc.usec = if text.starts_with('-') { usec.checked_neg().ok_or(DtErr::FieldOverflow)? } else { usec };
                tmask = TIME_MASK;
                unit = Some(Unit::Day);
                parsing_unit_val = false;
            }
            FieldType::Tz | FieldType::Date | FieldType::Number => {
                let mut u = unit.unwrap_or(Unit::Second);
                let (val, rest) = strtoint(text, i64::MAX);
                let mut val = val.ok_or(DtErr::FieldOverflow)?;
                let fval;
                if let Some(r) = rest.strip_prefix('-') {
                    let (v2, r) = strtoint(r, i64::from(i32::MAX));
                    let mut v2 = v2.ok_or(DtErr::FieldOverflow)?;
                    if !(0..12).contains(&v2) {
                        return Err(DtErr::FieldOverflow);
                    }
                    if !r.is_empty() {
                        return Err(DtErr::BadFormat);
                    }
                    u = Unit::Month;
                    if text.starts_with('-') {
                        v2 = -v2;
                    }
                    val = val.checked_mul(12).and_then(|v| v.checked_add(v2)).ok_or(DtErr::FieldOverflow)?;
                    fval = 0.0;
                } else if rest.starts_with('.') {
                    let f = parse_fraction(rest)?;
                    fval = if text.starts_with('-') { -f } else { f };
                } else if rest.is_empty() {
                    fval = 0.0;
                } else {
                    return Err(DtErr::BadFormat);
                }
                let ok = match u {
                    Unit::Invalid => return Err(DtErr::BadFormat),
                    Unit::Microsecond => acc.adjust_microseconds(val, fval, 1),
                    Unit::Millisecond => acc.adjust_microseconds(val, fval, 1000),
                    Unit::Second => acc.adjust_microseconds(val, fval, USECS_PER_SEC),
                    Unit::Minute => acc.adjust_microseconds(val, fval, USECS_PER_MINUTE),
                    Unit::Hour => acc.adjust_microseconds(val, fval, USECS_PER_HOUR),
                    Unit::Day => acc.adjust_days(val, 1) && acc.adjust_fract_microseconds(fval, USECS_PER_DAY),
                    Unit::Week => acc.adjust_days(val, 7) && acc.adjust_fract_days(fval, 7),
                    Unit::Month => acc.adjust_months(val) && acc.adjust_fract_days(fval, 30),
                    Unit::Year => acc.adjust_years(val, 1) && acc.adjust_fract_years(fval, 1),
                    Unit::Decade => acc.adjust_years(val, 10) && acc.adjust_fract_years(fval, 10),
                    Unit::Century => acc.adjust_years(val, 100) && acc.adjust_fract_years(fval, 100),
                    Unit::Millennium => acc.adjust_years(val, 1000) && acc.adjust_fract_years(fval, 1000),
                };
                if !ok {
                    return Err(DtErr::FieldOverflow);
                }
                tmask = unit_mask(u, fval);
                unit = Some(if u == Unit::Hour { Unit::Day } else { u });
                parsing_unit_val = false;
            }
            FieldType::String | FieldType::Special => {
                if parsing_unit_val {
                    return Err(DtErr::BadFormat);
                }
                match lookup_word(text) {
                    Word::Ignore => continue,
                    Word::Unit(u) => {
                        unit = Some(u);
                        parsing_unit_val = true;
                    }
                    Word::Ago => {
                        if i != nf - 1 {
                            return Err(DtErr::BadFormat);
                        }
                        is_before = true;
                        unit = Some(Unit::Invalid);
                    }
                    Word::Reserved | Word::Other => return Err(DtErr::BadFormat),
                }
                tmask = 0;
            }
        }
        if tmask & fmask != 0 {
            return Err(DtErr::BadFormat);
        }
        fmask |= tmask;
    }
    if fmask == 0 || parsing_unit_val {
        return Err(DtErr::BadFormat);
    }
    if is_before {
        acc.usec = acc.usec.checked_neg().ok_or(DtErr::FieldOverflow)?;
        acc.mday = acc.mday.checked_neg().ok_or(DtErr::FieldOverflow)?;
        acc.mon = acc.mon.checked_neg().ok_or(DtErr::FieldOverflow)?;
        acc.year = acc.year.checked_neg().ok_or(DtErr::FieldOverflow)?;
    }
    Ok(acc)
}

/// Hours, minutes, seconds, milliseconds and microseconds (`DTK_TIME_M`): a time field
/// conflicts with any of those units.
const TIME_MASK: u32 = (1 << 10) | (1 << 11) | (1 << 12) | (1 << 13) | (1 << 14);

/// The field mask a unit sets (PostgreSQL's `DTK_M(type)`), so that a unit given twice is an
/// error.
fn unit_mask(u: Unit, fval: f64) -> u32 {
    match u {
        Unit::Microsecond => 1 << 14,
        Unit::Millisecond => 1 << 13,
        Unit::Second if fval == 0.0 => 1 << 12,
        Unit::Second => (1 << 12) | (1 << 13) | (1 << 14),
        Unit::Minute => 1 << 11,
        Unit::Hour => 1 << 10,
        Unit::Day => 1 << 3,
        Unit::Week => 1 << 24,
        Unit::Month => 1 << 1,
        Unit::Year => 1 << 2,
        Unit::Decade => 1 << 25,
        Unit::Century => 1 << 26,
        Unit::Millennium => 1 << 27,
        Unit::Invalid => 0,
    }
}

fn time_usec(h: i64, m: i64, s: i64, fs: i64) -> Result<i64, DtErr> {
    h.checked_mul(USECS_PER_HOUR)
        .and_then(|v| v.checked_add(m * USECS_PER_MINUTE))
        .and_then(|v| v.checked_add(s * USECS_PER_SEC))
        .and_then(|v| v.checked_add(fs))
        .ok_or(DtErr::FieldOverflow)
}

/// `ParseISO8601Number`: a `strtod` number, split into integer and fraction.
fn iso_number(s: &str) -> Result<(i64, f64, &str), DtErr> {
    let b = s.as_bytes();
    if !b.first().is_some_and(|&c| c.is_ascii_digit() || c == b'-' || c == b'.') {
        return Err(DtErr::BadFormat);
    }
    let mut i = usize::from(b[0] == b'-');
    let start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
    }
    if !s[start..i].bytes().any(|c| c.is_ascii_digit()) {
        return Err(DtErr::BadFormat);
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        let mut j = i + 1;
        if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
            j += 1;
        }
        if j < b.len() && b[j].is_ascii_digit() {
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            i = j;
        }
    }
    let val: f64 = s[..i].parse().map_err(|_| DtErr::BadFormat)?;
    if !(-1.0e15..=1.0e15).contains(&val) {
        return Err(DtErr::FieldOverflow);
    }
    let ipart = val as i64;
    Ok((ipart, val - ipart as f64, &s[i..]))
}

fn integer_width(s: &str) -> usize {
    s.strip_prefix('-').unwrap_or(s).bytes().take_while(u8::is_ascii_digit).count()
}

/// `DecodeISO8601Interval`: `P1Y2M3DT4H5M6S`, `P0001-02-03T04:05:06`, `P00010203T040506`.
fn decode_iso8601(input: &str) -> Result<Acc, DtErr> {
    let mut acc = Acc::default();
    let mut s = input.strip_prefix('P').filter(|r| !r.is_empty()).ok_or(DtErr::BadFormat)?;
    let mut datepart = true;
    let mut havefield = false;
    let overflow = |ok: bool| if ok { Ok(()) } else { Err(DtErr::FieldOverflow) };
    while !s.is_empty() {
        if let Some(rest) = s.strip_prefix('T') {
            datepart = false;
            havefield = false;
            s = rest;
            continue;
        }
        let fieldstart = s;
        let (val, fval, rest) = iso_number(s)?;
        let unit = rest.as_bytes().first().copied().unwrap_or(0);
        s = rest.get(1..).unwrap_or("");
        if datepart {
            match unit {
                b'Y' => overflow(acc.adjust_years(val, 1) && acc.adjust_fract_years(fval, 1))?,
                b'M' => overflow(acc.adjust_months(val) && acc.adjust_fract_days(fval, 30))?,
                b'W' => overflow(acc.adjust_days(val, 7) && acc.adjust_fract_days(fval, 7))?,
                b'D' => overflow(acc.adjust_days(val, 1) && acc.adjust_fract_microseconds(fval, USECS_PER_DAY))?,
                b'T' | 0 if integer_width(fieldstart) == 8 && !havefield => {
                    overflow(
                        acc.adjust_years(val / 10000, 1)
                            && acc.adjust_months((val / 100) % 100)
                            && acc.adjust_days(val % 100, 1)
                            && acc.adjust_fract_microseconds(fval, USECS_PER_DAY),
                    )?;
                    if unit == 0 {
                        return Ok(acc);
                    }
                    datepart = false;
                    havefield = false;
                    continue;
                }
                b'T' | 0 | b'-' => {
                    if havefield {
                        return Err(DtErr::BadFormat);
                    }
                    overflow(acc.adjust_years(val, 1) && acc.adjust_fract_years(fval, 1))?;
                    if unit == 0 {
                        return Ok(acc);
                    }
                    if unit == b'T' {
                        datepart = false;
                        havefield = false;
                        continue;
                    }
                    let (val, fval, rest) = iso_number(s)?;
                    overflow(acc.adjust_months(val) && acc.adjust_fract_days(fval, 30))?;
                    s = rest;
                    if s.is_empty() {
                        return Ok(acc);
                    }
                    if let Some(rest) = s.strip_prefix('T') {
                        s = rest;
                        datepart = false;
                        havefield = false;
                        continue;
                    }
                    s = s.strip_prefix('-').ok_or(DtErr::BadFormat)?;
                    let (val, fval, rest) = iso_number(s)?;
                    overflow(acc.adjust_days(val, 1) && acc.adjust_fract_microseconds(fval, USECS_PER_DAY))?;
                    s = rest;
                    if s.is_empty() {
                        return Ok(acc);
                    }
                    if let Some(rest) = s.strip_prefix('T') {
                        s = rest;
                        datepart = false;
                        havefield = false;
                        continue;
                    }
                    return Err(DtErr::BadFormat);
                }
                _ => return Err(DtErr::BadFormat),
            }
        } else {
            match unit {
                b'H' => overflow(acc.adjust_microseconds(val, fval, USECS_PER_HOUR))?,
                b'M' => overflow(acc.adjust_microseconds(val, fval, USECS_PER_MINUTE))?,
                b'S' => overflow(acc.adjust_microseconds(val, fval, USECS_PER_SEC))?,
                0 if integer_width(fieldstart) == 6 && !havefield => {
                    overflow(
                        acc.adjust_microseconds(val / 10000, 0.0, USECS_PER_HOUR)
                            && acc.adjust_microseconds((val / 100) % 100, 0.0, USECS_PER_MINUTE)
                            && acc.adjust_microseconds(val % 100, 0.0, USECS_PER_SEC)
                            && acc.adjust_fract_microseconds(fval, 1),
                    )?;
                    return Ok(acc);
                }
                0 | b':' => {
                    if havefield {
                        return Err(DtErr::BadFormat);
                    }
                    overflow(acc.adjust_microseconds(val, fval, USECS_PER_HOUR))?;
                    if unit == 0 {
                        return Ok(acc);
                    }
                    let (val, fval, rest) = iso_number(s)?;
                    overflow(acc.adjust_microseconds(val, fval, USECS_PER_MINUTE))?;
                    s = rest;
                    if s.is_empty() {
                        return Ok(acc);
                    }
                    s = s.strip_prefix(':').ok_or(DtErr::BadFormat)?;
                    let (val, fval, rest) = iso_number(s)?;
                    overflow(acc.adjust_microseconds(val, fval, USECS_PER_SEC))?;
                    if rest.is_empty() {
                        return Ok(acc);
                    }
                    return Err(DtErr::BadFormat);
                }
                _ => return Err(DtErr::BadFormat),
            }
        }
        havefield = true;
    }
    Ok(acc)
}

/// `interval_in`: the `postgres` syntax (`1 day 02:00`, `1-2`, `@ 1 hour ago`), falling back
/// to ISO 8601 (`P1DT2H`).
pub fn parse_interval(input: &str) -> Result<Interval> {
    let acc = match decode_interval(input) {
        Err(DtErr::BadFormat) => decode_iso8601(input),
        other => other,
    };
    let acc = acc.map_err(|e| {
        let e = if e == DtErr::FieldOverflow { DtErr::IntervalOverflow } else { e };
        dt_error(e, input, "interval")
    })?;
    acc.into_interval().ok_or_else(|| SqlError::new(sqlstate::DATETIME_FIELD_OVERFLOW, "interval out of range"))
}

/// `interval_out` with `IntervalStyle = postgres`: `1 year 2 mons 3 days 04:05:06.5`,
/// `-1 days +02:00:00`, `00:00:00`.
pub fn format_interval(iv: &Interval) -> String {
    let year = iv.months / 12;
    let mon = iv.months % 12;
    let mday = iv.days;
    let time = iv.micros;
    let hour = time / USECS_PER_HOUR;
    let rest = time % USECS_PER_HOUR;
    let min = rest / USECS_PER_MINUTE;
    let sec = rest % USECS_PER_MINUTE / USECS_PER_SEC;
    let fsec = rest % USECS_PER_SEC;
    let mut out = String::new();
    let mut is_zero = true;
    let mut is_before = false;
    for (value, unit) in [(i64::from(year), "year"), (i64::from(mon), "mon"), (i64::from(mday), "day")] {
        if value == 0 {
            continue;
        }
        if !is_zero {
            out.push(' ');
        }
        if is_before && value > 0 {
            out.push('+');
        }
        out.push_str(&format!("{value} {unit}{}", if value != 1 { "s" } else { "" }));
        is_before = value < 0;
        is_zero = false;
    }
    if is_zero || time != 0 {
        let minus = time < 0;
        if !is_zero {
            out.push(' ');
        }
        if minus {
            out.push('-');
        } else if is_before {
            out.push('+');
        }
        out.push_str(&format!("{:02}:{:02}:", hour.unsigned_abs(), min.unsigned_abs()));
        append_seconds(&mut out, sec.unsigned_abs(), fsec.unsigned_abs());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn iv(months: i32, days: i32, micros: i64) -> Interval {
        Interval { months, days, micros }
    }

    fn p(s: &str) -> Interval {
        parse_interval(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn output_postgres_style() {
        assert_eq!(
            format_interval(&iv(14, 3, 4 * USECS_PER_HOUR + 5 * USECS_PER_MINUTE + 6_500_000)),
            "1 year 2 mons 3 days 04:05:06.5"
        );
        assert_eq!(format_interval(&iv(0, -1, 2 * USECS_PER_HOUR)), "-1 days +02:00:00");
        assert_eq!(format_interval(&iv(0, 0, 0)), "00:00:00");
        assert_eq!(format_interval(&iv(1, 1, 0)), "1 mon 1 day");
        assert_eq!(format_interval(&iv(-12, 0, 0)), "-1 years");
        assert_eq!(format_interval(&iv(-1, 2, 0)), "-1 mons +2 days");
        assert_eq!(format_interval(&iv(0, 0, -1)), "-00:00:00.000001");
        assert_eq!(format_interval(&iv(0, 0, 100 * USECS_PER_HOUR)), "100:00:00");
        assert_eq!(format_interval(&iv(0, 1, -USECS_PER_HOUR)), "1 day -01:00:00");
        assert_eq!(
            format_interval(&iv(i32::MIN, i32::MIN, i64::MIN)),
            "-178956970 years -8 mons -2147483648 days -2562047788:00:54.775808"
        );
    }

    #[test]
    fn input_postgres_style() {
        assert_eq!(p("1 day"), iv(0, 1, 0));
        assert_eq!(p("2 hours 30 minutes"), iv(0, 0, 150 * USECS_PER_MINUTE));
        assert_eq!(p("1-2"), iv(14, 0, 0));
        assert_eq!(p("-1-2"), iv(-14, 0, 0));
        assert_eq!(p("3 4:05:06"), iv(0, 3, 4 * USECS_PER_HOUR + 5 * USECS_PER_MINUTE + 6 * USECS_PER_SEC));
        assert_eq!(p("@ 1 hour ago"), iv(0, 0, -USECS_PER_HOUR));
        assert_eq!(p("1.5 days"), iv(0, 1, 12 * USECS_PER_HOUR));
        assert_eq!(p("1.5 months"), iv(1, 15, 0));
        assert_eq!(p("1.5 years"), iv(18, 0, 0));
        assert_eq!(p("1 week"), iv(0, 7, 0));
        assert_eq!(
            p("1 year 2 mons 3 days 04:05:06.5"),
            iv(14, 3, 4 * USECS_PER_HOUR + 5 * USECS_PER_MINUTE + 6_500_000)
        );
        assert_eq!(p("-1 days +02:00:00"), iv(0, -1, 2 * USECS_PER_HOUR));
        assert_eq!(p("1 day -01:00:00"), iv(0, 1, -USECS_PER_HOUR));
        assert_eq!(p("10"), iv(0, 0, 10 * USECS_PER_SEC));
        assert_eq!(p("1.5"), iv(0, 0, 1_500_000));
        assert_eq!(p("100:00:00"), iv(0, 0, 100 * USECS_PER_HOUR));
        assert_eq!(p("05:06.5"), iv(0, 0, 5 * USECS_PER_MINUTE + 6_500_000));
        assert_eq!(p("1 millisecond"), iv(0, 0, 1000));
        assert_eq!(p("2 microseconds"), iv(0, 0, 2));
        assert_eq!(p("1 century 1 decade"), iv(1320, 0, 0));
        assert_eq!(p("1 DAY 1 Hour"), iv(0, 1, USECS_PER_HOUR));
        assert_eq!(p("  1   mon  "), iv(1, 0, 0));
        assert_eq!(p("1d 2h"), iv(0, 1, 2 * USECS_PER_HOUR));
        assert_eq!(p("-1 day 2 hours ago"), iv(0, 1, -2 * USECS_PER_HOUR));
        assert_eq!(p("0.000001 seconds"), iv(0, 0, 1));
        assert_eq!(p("0.0000005 seconds"), iv(0, 0, 0));
    }

    #[test]
    fn input_iso8601() {
        let t = 4 * USECS_PER_HOUR + 5 * USECS_PER_MINUTE + 6 * USECS_PER_SEC;
        assert_eq!(p("P1Y2M3DT4H5M6S"), iv(14, 3, t));
        assert_eq!(p("P1W"), iv(0, 7, 0));
        assert_eq!(p("PT1.5H"), iv(0, 0, 90 * USECS_PER_MINUTE));
        assert_eq!(p("P0001-02-03T04:05:06"), iv(14, 3, t));
        assert_eq!(p("P00010203T040506"), iv(14, 3, t));
        assert_eq!(p("P-1D"), iv(0, -1, 0));
        assert_eq!(p("P0.5M"), iv(0, 15, 0));
    }

    #[test]
    fn input_errors() {
        for bad in [
            "",
            "day",
            "1 day 2 days",
            "1 fortnight",
            "P",
            "P1X",
            "abc",
            "1-12",
            "infinity",
            "1:2:3:4",
            "1 ago",
            "5 1-2",
            "ago",
            "hours",
            "1 day ago 2",
            "1 hour ago ago",
            "ago 1 hour",
            "1 day hour",
            "day 1",
            "-12:34 0.5 us ago",
            "-1.5 ms 12:34",
        ] {
            let e = parse_interval(bad).unwrap_err();
            assert!(e.code == "22007" || e.code == "22015", "{bad}: {e}");
        }
        let e = parse_interval("xyz").unwrap_err();
        assert_eq!(e.message, "invalid input syntax for type interval: \"xyz\"");
        assert_eq!(e.code, "22007");
        let e = parse_interval("9999999999 days").unwrap_err();
        assert_eq!((e.code, e.message.as_str()), ("22015", "interval field value out of range: \"9999999999 days\""));
        let e = parse_interval("2147483648 years").unwrap_err();
        assert_eq!(e.code, "22015");
        let e = parse_interval("2147483647 years").unwrap_err();
        assert_eq!(e.code, "22008");
        let e = parse_interval("178956971 years").unwrap_err();
        assert_eq!((e.code, e.message.as_str()), ("22008", "interval out of range"));
    }

    proptest! {
        #[test]
        fn round_trips(months in any::<i32>(), days in any::<i32>(), micros in (i64::MIN + 1)..=i64::MAX) {
            let v = iv(months, days, micros);
            let text = format_interval(&v);
            prop_assert_eq!(parse_interval(&text).map_err(|e| e.to_string()), Ok(v), "{}", text);
        }
    }
}
