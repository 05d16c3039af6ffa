//! The text format of values: what clients send and receive in text mode, what casts to and
//! from text produce, and what COPY reads and writes.
//!
//! Each type follows its PostgreSQL 16 input and output function (`boolin`/`boolout`,
//! `int4in`, `float8out`, `date_in`, `interval_out`, `array_in`, ...), including their error
//! messages and SQLSTATEs. Output always uses `DateStyle = ISO` and `IntervalStyle =
//! postgres`; input honours the `DateStyle` field order ([`DateOrder`]) and `TimeZone`.
//!
//! Representation conventions worth knowing:
//! - `"char"` is one byte. It is held as a [`Value::Text`] of at most one character, where a
//!   byte of 0x80 and above is the character U+0080..U+00FF with that code (so the value
//!   `\303` is `"\u{c3}"`); its text output shows such bytes as `\ooo` octal, as PostgreSQL does.
//! - `char(n)` values are held padded; the cast to `char(n)` pads ([`crate::types::cast`]).
//! - `reg*` types read and print OIDs as numbers here; names are resolved by the binder.
//!
//! The date/time, interval, JSON and array formats live in submodules; the helpers they export
//! are re-exported here for functions and operators that need them.

mod array;
mod datetime;
mod dtparse;
mod float;
mod interval;
mod json;

use crate::error::{sqlstate, Result, SqlError};
use crate::types::decimal::{decimal_to_text, numeric_overflow, Digits, ParseError};
use crate::types::{DataType, Value};

pub use datetime::{
    format_date, format_time, format_timestamp, format_timestamptz, lookup_time_zone, parse_date, parse_time,
    parse_timestamp, parse_timestamptz, posix_zone_offset, zone_abbreviation_offset,
};
pub use float::{format_float4, format_float8, parse_float4, parse_float8};
pub use interval::{format_interval, parse_interval};
pub use json::{escape_json, format_jsonb, jsonb_typeof, parse_json, parse_jsonb};
pub(crate) use json::{jsonb_cast_name, sorted_entries};

/// How dates are ordered when a date is entered as ambiguous numbers (`DateStyle`'s second
/// part).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateOrder {
    /// Month, day, year (PostgreSQL's default).
    Mdy,
    /// Day, month, year.
    Dmy,
    /// Year, month, day.
    Ymd,
}

/// Session settings that affect text input and output.
#[derive(Clone, Debug)]
pub struct TextContext {
    /// `TimeZone`: how `timestamptz` values are shown and how zone-less input is read.
    pub tz: chrono_tz::Tz,
    /// `DateStyle` field order for input. Output is always ISO (`DateStyle` = `ISO, ...`).
    pub date_order: DateOrder,
    /// `extra_float_digits`: above 0, floats are shown with the shortest exact representation
    /// (PostgreSQL 12+ default of 1); 0 or less rounds to 15 (float8) / 6 (float4) significant
    /// digits minus the setting.
    pub extra_float_digits: i32,
}

impl Default for TextContext {
    fn default() -> Self {
        Self { tz: chrono_tz::UTC, date_order: DateOrder::Mdy, extra_float_digits: 1 }
    }
}

/// `NAMEDATALEN - 1`: the longest `name` in bytes.
pub const MAX_NAME_BYTES: usize = 63;

/// Formats a non-NULL value of type `ty` in PostgreSQL's text output format.
///
/// The value's variant decides the format, `ty` refines it (`"char"` escapes, array element
/// types). NULL, which has no text form, gives an empty string.
pub fn format_text(value: &Value, ty: &DataType, ctx: &TextContext) -> String {
    match value {
        Value::Null => String::new(),
        Value::Bool(b) => if *b { "t" } else { "f" }.to_string(),
        Value::Int2(v) => v.to_string(),
        Value::Int4(v) => v.to_string(),
        Value::Int8(v) => v.to_string(),
        Value::Float4(v) => format_float4(*v, ctx.extra_float_digits),
        Value::Float8(v) => format_float8(*v, ctx.extra_float_digits),
        Value::Numeric(d) => decimal_to_text(d),
        Value::Text(s) if *ty == DataType::Char => format_char(s),
        Value::Text(s) | Value::Json(s) => s.clone(),
        Value::Bytea(b) => format_bytea(b),
        Value::Date(d) => format_date(*d),
        Value::Time(t) => format_time(*t),
        Value::Timestamp(t) => format_timestamp(*t),
        Value::TimestampTz(t) => format_timestamptz(*t, &ctx.tz),
        Value::Interval(iv) => format_interval(iv),
        Value::Uuid(u) => format_uuid(u),
        Value::Jsonb(j) => format_jsonb(j),
        Value::Oid(o) if *ty == DataType::RegType => format_regtype(*o),
        Value::Oid(o) => o.to_string(),
        Value::Array(items) => array::format_array(items, ty.element().unwrap_or(&DataType::Unknown), ctx),
    }
}

/// `regtypeout` for the built-in types (`format_type_be`): `integer`, `character varying`,
/// `timestamp with time zone`, `integer[]`; an OID Tandem has no type for prints as a number.
fn format_regtype(oid: u32) -> String {
    match DataType::from_oid(oid, -1) {
        Some(DataType::Bpchar(None)) => "character".into(),
        Some(DataType::Array(elem)) if *elem == DataType::Bpchar(None) => "character[]".into(),
        Some(t) => t.sql_name(),
        None if oid == 0 => "-".into(),
        None => oid.to_string(),
    }
}

/// Parses `input` as a value of type `ty` (PostgreSQL's text input rules). Errors carry the
/// SQLSTATE PostgreSQL uses (22P02 invalid syntax, 22003 out of range, 22007/22008 for dates,
/// 22001 is not raised here: length limits are enforced by casts).
pub fn parse_text(input: &str, ty: &DataType, ctx: &TextContext) -> Result<Value> {
    match ty {
        DataType::Bool => parse_bool(input).map(Value::Bool),
        DataType::Int2 => parse_int(input, 16, "smallint").map(|v| Value::Int2(v as i16)),
        DataType::Int4 => parse_int(input, 32, "integer").map(|v| Value::Int4(v as i32)),
        DataType::Int8 => parse_int(input, 64, "bigint").map(Value::Int8),
        DataType::Float4 => parse_float4(input).map(Value::Float4),
        DataType::Float8 => parse_float8(input).map(Value::Float8),
        DataType::Numeric(_) => parse_numeric(input).map(Value::Numeric),
        DataType::Text | DataType::Varchar(_) | DataType::Bpchar(_) | DataType::Unknown => {
            check_no_nul(input)?;
            Ok(Value::Text(input.to_string()))
        }
        DataType::Name => {
            check_no_nul(input)?;
            Ok(Value::Text(truncate_name(input).to_string()))
        }
        DataType::Char => {
            check_no_nul(input)?;
            Ok(Value::Text(parse_char(input)))
        }
        DataType::Bytea => parse_bytea(input).map(Value::Bytea),
        DataType::Date => parse_date(input, ctx).map(Value::Date),
        DataType::Time => parse_time(input, ctx).map(Value::Time),
        DataType::Timestamp => parse_timestamp(input, ctx).map(Value::Timestamp),
        DataType::TimestampTz => parse_timestamptz(input, ctx).map(Value::TimestampTz),
        DataType::Interval => parse_interval(input).map(Value::Interval),
        DataType::Uuid => parse_uuid(input).map(Value::Uuid),
        DataType::Json => parse_json(input).map(Value::Json),
        DataType::Jsonb => parse_jsonb(input).map(Value::Jsonb),
        DataType::Oid => parse_oid(input).map(Value::Oid),
        DataType::RegClass | DataType::RegType | DataType::RegProc | DataType::RegNamespace => {
            parse_reg(input, ty).map(Value::Oid)
        }
        DataType::Array(elem) => array::parse_array(input, elem, ctx).map(Value::Array),
        DataType::Void => Ok(Value::Null),
    }
}

/// Removes the whitespace C's `isspace` knows from both ends.
pub(crate) fn trim_pg_space(s: &str) -> &str {
    s.trim_matches(is_pg_space)
}

/// C's `isspace` in the C locale.
pub(crate) fn is_pg_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c')
}

/// 22021 for a NUL character, which PostgreSQL strings cannot hold.
fn check_no_nul(s: &str) -> Result<()> {
    if s.contains('\0') {
        return Err(SqlError::new(
            sqlstate::CHARACTER_NOT_IN_REPERTOIRE,
            "invalid byte sequence for encoding \"UTF8\": 0x00",
        ));
    }
    Ok(())
}

/// `boolin`: `t`, `true`, `yes`, `on`, `1` and `f`, `false`, `no`, `off`, `0`, any case, any
/// unique prefix, surrounding whitespace ignored.
pub fn parse_bool(input: &str) -> Result<bool> {
    let s = trim_pg_space(input).to_ascii_lowercase();
    let prefix_of = |word: &str, min: usize| s.len() >= min && word.starts_with(s.as_str());
    let v = match s.as_bytes().first() {
        Some(b't') if prefix_of("true", 1) => Some(true),
        Some(b'y') if prefix_of("yes", 1) => Some(true),
        Some(b'f') if prefix_of("false", 1) => Some(false),
        Some(b'n') if prefix_of("no", 1) => Some(false),
        Some(b'o') if prefix_of("on", 2) => Some(true),
        Some(b'o') if prefix_of("off", 2) => Some(false),
        _ if s == "1" => Some(true),
        _ if s == "0" => Some(false),
        _ => None,
    };
    v.ok_or_else(|| SqlError::invalid_input("boolean", input))
}

/// PostgreSQL 16's `pg_strtoint16/32/64`: whitespace, a sign, decimal digits or a
/// `0x`/`0o`/`0b` prefixed number, `_` between digits. `bits` is 16, 32 or 64; the result
/// fits in that width.
pub fn parse_int(input: &str, bits: u32, type_name: &str) -> Result<i64> {
    let invalid = || SqlError::invalid_input(type_name, input);
    let out_of_range = || {
        SqlError::new(
            sqlstate::NUMERIC_VALUE_OUT_OF_RANGE,
            format!("value \"{input}\" is out of range for type {type_name}"),
        )
    };
    let b = input.as_bytes();
    let mut i = 0;
    while i < b.len() && is_pg_space(char::from(b[i])) {
        i += 1;
    }
    let mut neg = false;
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        neg = b[i] == b'-';
        i += 1;
    }
    let mut base: u64 = 10;
    if b.len() > i + 1 && b[i] == b'0' {
        base = match b[i + 1] {
            b'x' | b'X' => 16,
            b'o' | b'O' => 8,
            b'b' | b'B' => 2,
            _ => 10,
        };
        if base != 10 {
            i += 2;
        }
    }
    let max_magnitude: u64 = 1 << (bits - 1);
    let first_digit = i;
    let mut tmp: u64 = 0;
    while i < b.len() {
        let c = char::from(b[i]);
        if let Some(d) = c.to_digit(base as u32) {
            if tmp > max_magnitude / base {
                return Err(out_of_range());
            }
            tmp = tmp * base + u64::from(d);
            i += 1;
        } else if c == '_' && (base != 10 || i != first_digit) {
            i += 1;
            if !b.get(i).is_some_and(|&c| char::from(c).is_digit(base as u32)) {
                return Err(invalid());
            }
        } else {
            break;
        }
    }
    if i == first_digit {
        return Err(invalid());
    }
    while i < b.len() && is_pg_space(char::from(b[i])) {
        i += 1;
    }
    if i != b.len() {
        return Err(invalid());
    }
    if neg {
        if tmp > max_magnitude {
            return Err(out_of_range());
        }
        Ok((tmp as i128).wrapping_neg() as i64)
    } else if tmp >= max_magnitude {
        Err(out_of_range())
    } else {
        Ok(tmp as i64)
    }
}

/// `numeric_in`, within `Decimal`'s 28 digits (see `Digits::to_decimal`). `NaN` and
/// `Infinity`, which PostgreSQL accepts, are rejected as invalid syntax.
pub fn parse_numeric(input: &str) -> Result<rust_decimal::Decimal> {
    let s = trim_pg_space(input);
    match Digits::parse(s) {
        Ok(d) => d.to_decimal(),
        Err(ParseError::Overflow) => Err(numeric_overflow()),
        Err(ParseError::Syntax) => {
            let err = SqlError::invalid_input("numeric", input);
            let special = ["nan", "infinity", "+infinity", "-infinity", "inf", "+inf", "-inf"];
            if special.contains(&s.to_ascii_lowercase().as_str()) {
                Err(err.detail("Tandem's numeric type has no NaN or infinity values."))
            } else {
                Err(err)
            }
        }
    }
}

/// `namein`: truncates to 63 bytes on a character boundary.
pub fn truncate_name(s: &str) -> &str {
    if s.len() <= MAX_NAME_BYTES {
        return s;
    }
    let mut end = MAX_NAME_BYTES;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// `charin`: the first byte of the input, or the byte written as `\ooo`.
fn parse_char(input: &str) -> String {
    let b = input.as_bytes();
    let is_oct = |c: u8| (b'0'..=b'7').contains(&c);
    if b.len() == 4 && b[0] == b'\\' && is_oct(b[1]) && is_oct(b[2]) && is_oct(b[3]) {
        let v = (u32::from(b[1] - b'0') << 6) + (u32::from(b[2] - b'0') << 3) + u32::from(b[3] - b'0');
        return char_from_byte((v & 0xff) as u8);
    }
    b.first().map(|&c| char_from_byte(c)).unwrap_or_default()
}

/// The `"char"` value holding byte `b` (empty for the zero byte).
pub(crate) fn char_from_byte(b: u8) -> String {
    if b == 0 {
        String::new()
    } else {
        char::from(b).to_string()
    }
}

/// The byte a `"char"` value holds (see the module documentation).
pub(crate) fn char_to_byte(s: &str) -> u8 {
    match s.chars().next() {
        None => 0,
        Some(c) if (c as u32) < 0x100 => c as u32 as u8,
        // Not a value `parse_text` makes: its first UTF-8 byte, as PostgreSQL would take.
        Some(_) => s.as_bytes()[0],
    }
}

/// `charout`.
fn format_char(s: &str) -> String {
    match char_to_byte(s) {
        0 => String::new(),
        b if b >= 0x80 => format!("\\{:03o}", b),
        b => char::from(b).to_string(),
    }
}

/// `byteaout` with `bytea_output = hex`.
pub fn format_bytea(b: &[u8]) -> String {
    let mut out = String::with_capacity(2 + b.len() * 2);
    out.push_str("\\x");
    for byte in b {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

/// `byteain`: the hex format (`\x0a0b`, whitespace between bytes allowed) or the escape
/// format (`\\` for a backslash, `\ooo` for any byte, other bytes as themselves).
pub fn parse_bytea(input: &str) -> Result<Vec<u8>> {
    if let Some(hex) = input.strip_prefix("\\x") {
        return parse_hex(hex);
    }
    let b = input.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            out.push(b[i]);
            i += 1;
        } else if b.len() >= i + 4
            && (b'0'..=b'3').contains(&b[i + 1])
            && (b'0'..=b'7').contains(&b[i + 2])
            && (b'0'..=b'7').contains(&b[i + 3])
        {
            out.push(((b[i + 1] - b'0') << 6) | ((b[i + 2] - b'0') << 3) | (b[i + 3] - b'0'));
            i += 4;
        } else if b.get(i + 1) == Some(&b'\\') {
            out.push(b'\\');
            i += 2;
        } else {
            return Err(SqlError::new(sqlstate::INVALID_TEXT_REPRESENTATION, "invalid input syntax for type bytea"));
        }
    }
    Ok(out)
}

fn parse_hex(hex: &str) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(hex.len() / 2);
    let digit = |c: char| {
        c.to_digit(16).ok_or_else(|| {
            SqlError::new(sqlstate::INVALID_PARAMETER_VALUE, format!("invalid hexadecimal digit: \"{c}\""))
        })
    };
    // Whitespace may separate bytes, not the two digits of one.
    let mut chars = hex.chars();
    while let Some(hi) = chars.next() {
        if matches!(hi, ' ' | '\n' | '\t' | '\r') {
            continue;
        }
        let hi = digit(hi)?;
        let lo = chars.next().ok_or_else(|| {
            SqlError::new(sqlstate::INVALID_PARAMETER_VALUE, "invalid hexadecimal data: odd number of digits")
        })?;
        out.push(((hi << 4) | digit(lo)?) as u8);
    }
    Ok(out)
}

/// `uuid_out`: lower-case, hyphenated.
pub fn format_uuid(u: &[u8; 16]) -> String {
    let mut out = String::with_capacity(36);
    for (i, byte) in u.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

/// `uuid_in`: 32 hex digits, any case, optionally in braces, optionally with a hyphen after
/// any group of four digits.
pub fn parse_uuid(input: &str) -> Result<[u8; 16]> {
    let invalid = || SqlError::invalid_input("uuid", input);
    let b = input.as_bytes();
    let mut i = 0;
    let braces = b.first() == Some(&b'{');
    if braces {
        i = 1;
    }
    let mut out = [0u8; 16];
    for (n, byte) in out.iter_mut().enumerate() {
        let hi = b.get(i).and_then(|&c| char::from(c).to_digit(16)).ok_or_else(invalid)?;
        let lo = b.get(i + 1).and_then(|&c| char::from(c).to_digit(16)).ok_or_else(invalid)?;
        *byte = (hi * 16 + lo) as u8;
        i += 2;
        if b.get(i) == Some(&b'-') && n % 2 == 1 && n < 15 {
            i += 1;
        }
    }
    if braces {
        if b.get(i) != Some(&b'}') {
            return Err(invalid());
        }
        i += 1;
    }
    if i != b.len() {
        return Err(invalid());
    }
    Ok(out)
}

/// `oidin`: an unsigned 32-bit number; like PostgreSQL, negative numbers down to -2^31 are
/// accepted and wrap (`-1` is 4294967295).
pub fn parse_oid(input: &str) -> Result<u32> {
    let s = input.trim_start_matches(is_pg_space);
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let end = digits.find(|c: char| !c.is_ascii_digit()).unwrap_or(digits.len());
    if end == 0 || !digits[end..].chars().all(is_pg_space) {
        return Err(SqlError::invalid_input("oid", input));
    }
    let out_of_range = || {
        SqlError::new(sqlstate::NUMERIC_VALUE_OUT_OF_RANGE, format!("value \"{input}\" is out of range for type oid"))
    };
    let v: u64 = digits[..end].parse().map_err(|_| out_of_range())?;
    match (neg, v) {
        (false, v) if v <= u64::from(u32::MAX) => Ok(v as u32),
        (true, v) if v <= 1 << 31 => Ok((v as i64).wrapping_neg() as i32 as u32),
        _ => Err(out_of_range()),
    }
}

/// `regclassin` and friends for numeric input: an OID in digits, or `-` for 0. Names are
/// resolved by the binder before values get here, so a name is reported as not existing.
fn parse_reg(input: &str, ty: &DataType) -> Result<u32> {
    if input == "-" {
        return Ok(0);
    }
    if !input.is_empty() && input.bytes().all(|c| c.is_ascii_digit()) {
        return parse_oid(input);
    }
    let (code, what) = match ty {
        DataType::RegClass => (sqlstate::UNDEFINED_TABLE, "relation"),
        DataType::RegType => (sqlstate::UNDEFINED_OBJECT, "type"),
        DataType::RegProc => (sqlstate::UNDEFINED_FUNCTION, "function"),
        _ => (sqlstate::INVALID_SCHEMA_NAME, "schema"),
    };
    Err(SqlError::new(code, format!("{what} \"{input}\" does not exist")))
}

#[cfg(test)]
mod tests;
