//! PostgreSQL's date/time string parser: `ParseDateTime` splits the input into typed fields,
//! `DecodeDateTime` and `DecodeTimeOnly` give them meaning. The code follows
//! `src/backend/utils/adt/datetime.c` closely (names in comments) so that the many accepted
//! spellings, and the errors for the rest, match. Interval input reuses [`parse_fields`] and
//! [`decode_time`].
//!
//! Not supported: the ISO 8601 labelled-field forms other than Julian days (`y2024m01d31`),
//! time zone abbreviations whose offset depends on the date (`MSK`), and POSIX zone specs with
//! daylight-saving parts (`UTC+3` and `EST5` work, `ABC-3XYZ` does not; `EST5EDT` is a zone
//! name).

use super::datetime::zone_abbreviation;
use crate::types::datetime::USECS_PER_SEC;

/// The kind of a field found by [`parse_fields`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum FieldType {
    /// Digits, possibly with a fraction.
    Number,
    /// A word.
    String,
    /// A date with separators, or a word with embedded punctuation (a zone name).
    Date,
    /// `hh:mm[:ss[.f]]`.
    Time,
    /// A signed number: a zone offset (or, in intervals, a signed quantity).
    Tz,
    /// A signed word (`-infinity`).
    Special,
}

/// One field of a date/time string.
#[derive(Clone, Debug)]
pub(super) struct Field {
    /// The text, lower-cased where PostgreSQL lower-cases it.
    pub text: String,
    /// What the field looks like.
    pub ty: FieldType,
}

/// Why a date/time string was rejected (PostgreSQL's `DTERR_*`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum DtErr {
    /// Invalid syntax.
    BadFormat,
    /// A field out of range.
    FieldOverflow,
    /// Month or day out of range: perhaps the wrong `DateStyle`.
    MdFieldOverflow,
    /// An interval field out of range.
    IntervalOverflow,
    /// A zone offset out of range.
    TzDispOverflow,
    /// An unknown zone name.
    BadTimezone(String),
}

const MAXDATEFIELDS: usize = 25;
/// The size of the field buffer of `date_in`, `timestamp_in` and `time_in`
/// (`MAXDATELEN + MAXDATEFIELDS`): longer input is invalid.
pub(super) const DATETIME_BUFFER: usize = 128 + MAXDATEFIELDS;
/// The size of `interval_in`'s field buffer.
pub(super) const INTERVAL_BUFFER: usize = 256;

fn is_punct(c: u8) -> bool {
    c.is_ascii_punctuation()
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// `ParseDateTime`: splits `s` into fields, which with their terminators must fit in
/// `buffer` bytes.
pub(super) fn parse_fields(s: &str, buffer: usize) -> Result<Vec<Field>, DtErr> {
    let b = s.as_bytes();
    let mut fields: Vec<Field> = Vec::new();
    let mut used = 0usize;
    let mut i = 0usize;
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    while i < b.len() {
        let c = b[i];
        if is_space(c) {
            i += 1;
            continue;
        }
        let mut text = String::new();
        let ty;
        if c.is_ascii_digit() {
            while at(i).is_ascii_digit() {
                text.push(char::from(b[i]));
                i += 1;
            }
            if at(i) == b':' {
                ty = FieldType::Time;
                while at(i).is_ascii_digit() || at(i) == b':' || at(i) == b'.' {
                    text.push(char::from(b[i]));
                    i += 1;
                }
            } else if matches!(at(i), b'-' | b'/' | b'.') {
                let delim = b[i];
                text.push(char::from(delim));
                i += 1;
                if at(i).is_ascii_digit() {
                    let mut t = if delim == b'.' { FieldType::Number } else { FieldType::Date };
                    while at(i).is_ascii_digit() {
                        text.push(char::from(b[i]));
                        i += 1;
                    }
                    if at(i) == delim {
                        t = FieldType::Date;
                        while at(i).is_ascii_digit() || at(i) == delim {
                            text.push(char::from(b[i]));
                            i += 1;
                        }
                    }
                    ty = t;
                } else {
                    ty = FieldType::Date;
                    while at(i).is_ascii_alphanumeric() || at(i) == delim {
                        text.push(char::from(b[i].to_ascii_lowercase()));
                        i += 1;
                    }
                }
            } else {
                ty = FieldType::Number;
            }
        } else if c == b'.' {
            text.push('.');
            i += 1;
            while at(i).is_ascii_digit() {
                text.push(char::from(b[i]));
                i += 1;
            }
            ty = FieldType::Number;
        } else if c.is_ascii_alphabetic() {
            while at(i).is_ascii_alphabetic() {
                text.push(char::from(b[i].to_ascii_lowercase()));
                i += 1;
            }
            let mut is_date = matches!(at(i), b'-' | b'/' | b'.');
            if !is_date && (at(i) == b'+' || at(i).is_ascii_digit()) {
                is_date = lookup_token(&text).is_none();
            }
            if is_date {
                ty = FieldType::Date;
                loop {
                    text.push(char::from(b[i].to_ascii_lowercase()));
                    i += 1;
                    let n = at(i);
                    if !(matches!(n, b'+' | b'-' | b'/' | b'_' | b'.' | b':') || n.is_ascii_alphanumeric()) {
                        break;
                    }
                }
            } else {
                ty = FieldType::String;
            }
        } else if c == b'+' || c == b'-' {
            text.push(char::from(c));
            i += 1;
            while is_space(at(i)) {
                i += 1;
            }
            if at(i).is_ascii_digit() {
                ty = FieldType::Tz;
                text.push(char::from(b[i]));
                i += 1;
                while at(i).is_ascii_digit() || matches!(at(i), b':' | b'.' | b'-') {
                    text.push(char::from(b[i]));
                    i += 1;
                }
            } else if at(i).is_ascii_alphabetic() {
                ty = FieldType::Special;
                while at(i).is_ascii_alphabetic() {
                    text.push(char::from(b[i].to_ascii_lowercase()));
                    i += 1;
                }
            } else {
                return Err(DtErr::BadFormat);
            }
        } else if is_punct(c) {
            i += 1;
            continue;
        } else {
            return Err(DtErr::BadFormat);
        }
        used += text.len() + 1;
        if fields.len() >= MAXDATEFIELDS || used >= buffer {
            return Err(DtErr::BadFormat);
        }
        fields.push(Field { text, ty });
    }
    Ok(fields)
}

/// Special values (`RESERV` tokens).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Reserved {
    Now,
    Today,
    Tomorrow,
    Yesterday,
    Epoch,
    Late,
    Early,
    Zulu,
}

/// A token of PostgreSQL's `datetktbl`, or a zone abbreviation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Token {
    Reserved(Reserved),
    Month(i64),
    Dow,
    Am,
    Pm,
    Ad,
    Bc,
    Ignore,
    Julian,
    OtherUnits,
    IsoTime,
    DstModifier,
    /// A zone abbreviation: seconds east of UTC, and whether it is a daylight-time one.
    Zone(i32, bool),
}

/// `datetktbl` (the zone abbreviations are looked up separately).
pub(super) fn lookup_token(s: &str) -> Option<Token> {
    use Token::*;
    Some(match s {
        "-infinity" => Reserved(self::Reserved::Early),
        "infinity" => Reserved(self::Reserved::Late),
        "ad" => Ad,
        "bc" => Bc,
        "allballs" => Reserved(self::Reserved::Zulu),
        "am" => Am,
        "pm" => Pm,
        "at" | "on" => Ignore,
        "jan" | "january" => Month(1),
        "feb" | "february" => Month(2),
        "mar" | "march" => Month(3),
        "apr" | "april" => Month(4),
        "may" => Month(5),
        "jun" | "june" => Month(6),
        "jul" | "july" => Month(7),
        "aug" | "august" => Month(8),
        "sep" | "sept" | "september" => Month(9),
        "oct" | "october" => Month(10),
        "nov" | "november" => Month(11),
        "dec" | "december" => Month(12),
        "sun" | "sunday" | "mon" | "monday" | "tue" | "tues" | "tuesday" | "wed" | "weds" | "wednesday" | "thu"
        | "thur" | "thurs" | "thursday" | "fri" | "friday" | "sat" | "saturday" => Dow,
        "dst" => DstModifier,
        "epoch" => Reserved(self::Reserved::Epoch),
        "now" => Reserved(self::Reserved::Now),
        "today" => Reserved(self::Reserved::Today),
        "tomorrow" => Reserved(self::Reserved::Tomorrow),
        "yesterday" => Reserved(self::Reserved::Yesterday),
        "t" => IsoTime,
        "j" | "jd" | "julian" => Julian,
        "d" | "dow" | "doy" | "h" | "isodow" | "isoyear" | "m" | "mm" | "s" | "y" => OtherUnits,
        _ => return None,
    })
}

/// `strtoint`: an optional sign and digits at the start of `s`; returns the value (`None` on
/// overflow of a C `int`) and the rest. No digits gives 0 and `s` itself, as `strtol` does.
pub(super) fn strtoint(s: &str, max: i64) -> (Option<i64>, &str) {
    let b = s.as_bytes();
    let mut i = 0;
    let neg = matches!(b.first(), Some(b'-'));
    if matches!(b.first(), Some(b'-' | b'+')) {
        i = 1;
    }
    let start = i;
    let mut v: i64 = 0;
    let mut overflow = false;
    while i < b.len() && b[i].is_ascii_digit() {
        v = v.saturating_mul(10).saturating_add(i64::from(b[i] - b'0'));
        if v > max {
            overflow = true;
        }
        i += 1;
    }
    if i == start {
        return (Some(0), s);
    }
    let v = if neg { -v } else { v };
    (if overflow { None } else { Some(v) }, &s[i..])
}

const INT_MAX: i64 = i32::MAX as i64;

fn strtoint_checked(s: &str) -> Result<(i64, &str), DtErr> {
    match strtoint(s, INT_MAX) {
        (Some(v), rest) => Ok((v, rest)),
        (None, _) => Err(DtErr::FieldOverflow),
    }
}

/// `ParseFractionalSecond`: `.ddd` as microseconds, rounded half to even like `rint`.
pub(super) fn parse_fractional_second(s: &str) -> Result<i64, DtErr> {
    let frac = parse_fraction(s)?;
    Ok((frac * 1_000_000.0).round_ties_even() as i64)
}

/// `ParseFraction`: `.ddd` as a double (`.` alone is 0).
pub(super) fn parse_fraction(s: &str) -> Result<f64, DtErr> {
    let digits = s.strip_prefix('.').ok_or(DtErr::BadFormat)?;
    if digits.is_empty() {
        return Ok(0.0);
    }
    if !digits.bytes().all(|c| c.is_ascii_digit()) {
        return Err(DtErr::BadFormat);
    }
    format!("0.{digits}").parse::<f64>().map_err(|_| DtErr::BadFormat)
}

/// `DecodeTime`/`DecodeTimeCommon`: `hh:mm`, `hh:mm:ss`, `hh:mm:ss.fff` or `mm:ss.fff`, as
/// (hours, minutes, seconds, microseconds). `max_hour` is `INT_MAX` for times and
/// `i64::MAX` for interval fields.
pub(super) fn decode_time(s: &str, max_hour: i64) -> Result<(i64, i64, i64, i64), DtErr> {
    let (hour, rest) = strtoint(s, max_hour);
    let mut hour = hour.ok_or(DtErr::FieldOverflow)?;
    let rest = rest.strip_prefix(':').ok_or(DtErr::BadFormat)?;
    let (mut min, rest) = strtoint_checked(rest)?;
    let (sec, fsec);
    if rest.is_empty() {
        sec = 0;
        fsec = 0;
    } else if rest.starts_with('.') {
        fsec = parse_fractional_second(rest)?;
        sec = min;
        min = hour;
        hour = 0;
    } else if let Some(rest) = rest.strip_prefix(':') {
        let (s, rest) = strtoint_checked(rest)?;
        sec = s;
        if rest.is_empty() {
            fsec = 0;
        } else if rest.starts_with('.') {
            fsec = parse_fractional_second(rest)?;
        } else {
            return Err(DtErr::BadFormat);
        }
    } else {
        return Err(DtErr::BadFormat);
    }
    if hour < 0 || !(0..=59).contains(&min) || !(0..=60).contains(&sec) || !(0..=USECS_PER_SEC).contains(&fsec) {
        return Err(DtErr::FieldOverflow);
    }
    Ok((hour, min, sec, fsec))
}

/// `DecodeTimezone`: `+hh`, `+hhmm`, `+hh:mm`, `+hh:mm:ss`, as seconds *west* of UTC.
pub(super) fn decode_timezone(s: &str) -> Result<i32, DtErr> {
    let b = s.as_bytes();
    if !matches!(b.first(), Some(b'+' | b'-')) {
        return Err(DtErr::BadFormat);
    }
    let (hr, rest) = strtoint(&s[1..], INT_MAX);
    let mut hr = hr.ok_or(DtErr::TzDispOverflow)?;
    let (mut min, mut sec) = (0, 0);
    let mut rest = rest;
    if let Some(r) = rest.strip_prefix(':') {
        let (m, r) = strtoint(r, INT_MAX);
        min = m.ok_or(DtErr::TzDispOverflow)?;
        rest = r;
        if let Some(r) = rest.strip_prefix(':') {
            let (sv, r) = strtoint(r, INT_MAX);
            sec = sv.ok_or(DtErr::TzDispOverflow)?;
            rest = r;
        }
    } else if rest.is_empty() && s.len() > 3 {
        min = hr % 100;
        hr /= 100;
    }
    if !(0..=15).contains(&hr) || !(0..60).contains(&min) || !(0..60).contains(&sec) {
        return Err(DtErr::TzDispOverflow);
    }
    let mut tz = ((hr * 60 + min) * 60 + sec) as i32;
    if b[0] == b'-' {
        tz = -tz;
    }
    if !rest.is_empty() {
        return Err(DtErr::BadFormat);
    }
    Ok(-tz)
}

/// Looks up a word: a zone abbreviation first, then `datetktbl`.
fn decode_special(s: &str) -> Option<Token> {
    if let Some((east, dst)) = zone_abbreviation(s) {
        return Some(Token::Zone(east, dst));
    }
    lookup_token(s)
}

mod decode;

pub(super) use decode::{decode, Decoded, Kind, Now, Zone};
