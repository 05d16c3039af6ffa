//! Casts and coercion rules (PostgreSQL's `pg_cast` with its three contexts).
//!
//! [`can_coerce`] follows PostgreSQL 16's `pg_cast` entries for the types Tandem has, plus
//! its two automatic I/O conversion rules: anything converts to a string type (`text`,
//! `varchar`, `char(n)`, `name`) by assignment, and a string type converts to anything
//! explicitly. Arrays convert when their elements do, in the same context.
//!
//! [`cast`] performs the conversion with PostgreSQL's semantics: float to integer rounds half
//! to even (`rint`), numeric to integer half away from zero; overflow is 22003; `numeric(p,s)`
//! rounds to `s` places and fails with 22003 beyond `p` digits; `varchar(n)` and `char(n)`
//! truncate in explicit casts and otherwise fail with 22001 (unless only spaces are cut);
//! `char(n)` pads; `bool` to text is `true`/`false`; float to numeric goes through 15 (6 for
//! `real`) significant digits.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::Value as Json;

use crate::error::{sqlstate, Result, SqlError};
use crate::types::datetime::{
    date_to_timestamp, date_to_timestamptz, timestamp_is_finite, timestamp_to_date, timestamp_to_timestamptz,
    timestamptz_to_timestamp, utc_to_local, USECS_PER_DAY,
};
use crate::types::decimal::Digits;
use crate::types::text::{
    char_from_byte, char_to_byte, format_float4, format_float8, format_jsonb, format_text, jsonb_cast_name,
    parse_float4, parse_float8, parse_jsonb, parse_text, truncate_name,
};
use crate::types::{DataType, TextContext, Value};

/// Where a conversion happens, which decides whether PostgreSQL allows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum CoercionContext {
    /// Inserted silently in expressions (`int4 + int8` → `int8`).
    Implicit,
    /// Storing into a column (`INSERT`, `UPDATE SET`): also allows e.g. `numeric` → `int4`.
    Assignment,
    /// `CAST(x AS t)` and `x::t`.
    Explicit,
}

use CoercionContext::{Assignment as A, Explicit as E, Implicit as I};

fn is_reg(t: &DataType) -> bool {
    matches!(t, DataType::RegClass | DataType::RegType | DataType::RegProc | DataType::RegNamespace)
}

/// The types that automatic I/O conversion treats as strings (`typcategory = 'S'`; `"char"`
/// is not one of them).
fn is_io_string(t: &DataType) -> bool {
    matches!(t, DataType::Text | DataType::Varchar(_) | DataType::Bpchar(_) | DataType::Name)
}

/// The context of the `pg_cast` entry from `f` to `t` (both without modifiers), if any.
fn pg_cast(f: &DataType, t: &DataType) -> Option<CoercionContext> {
    use DataType::*;
    Some(match (f, t) {
        (Int2, Int4 | Int8 | Float4 | Float8 | Numeric(_) | Oid) => I,
        (Int4, Int8 | Float4 | Float8 | Numeric(_) | Oid) => I,
        (Int4, Int2) => A,
        (Int8, Float4 | Float8 | Numeric(_) | Oid) => I,
        (Int8, Int2 | Int4) => A,
        (Float4, Float8) => I,
        (Float4, Int2 | Int4 | Int8 | Numeric(_)) => A,
        (Float8, Int2 | Int4 | Int8 | Float4 | Numeric(_)) => A,
        (Numeric(_), Float4 | Float8) => I,
        (Numeric(_), Int2 | Int4 | Int8) => A,
        (Int2 | Int4 | Int8, r) if is_reg(r) => I,
        (Oid, Int4 | Int8) => A,
        (r, Int4 | Int8) if is_reg(r) => A,
        (Oid, r) if is_reg(r) => I,
        (r, Oid) if is_reg(r) => I,
        (Text | Varchar(_), RegClass) => I,
        (Bool, Int4) | (Int4, Bool) => E,
        (Char, Int4) | (Int4, Char) => E,
        (Char, Text) => I,
        (Char, Bpchar(_) | Varchar(_)) => A,
        (Text | Bpchar(_) | Varchar(_), Char) => A,
        (Name, Text) => I,
        (Name, Bpchar(_) | Varchar(_)) => A,
        (Text | Bpchar(_) | Varchar(_), Name) => I,
        (Text | Bpchar(_) | Varchar(_), Text | Bpchar(_) | Varchar(_)) => I,
        (Date, Timestamp | TimestampTz) => I,
        (Timestamp, TimestampTz) => I,
        (Timestamp | TimestampTz, Date | Time) => A,
        (TimestampTz, Timestamp) => A,
        (Time, Interval) => I,
        (Interval, Time) => A,
        (Json, Jsonb) | (Jsonb, Json) => A,
        (Jsonb, Bool | Numeric(_) | Int2 | Int4 | Int8 | Float4 | Float8) => E,
        _ => return None,
    })
}

/// True when a value of type `from` may be converted to `to` in context `ctx` (ignoring type
/// modifiers). `Unknown` (an untyped literal) converts to anything.
pub fn can_coerce(from: &DataType, to: &DataType, ctx: CoercionContext) -> bool {
    let (f, t) = (from.without_modifier(), to.without_modifier());
    if f == t || f == DataType::Unknown {
        return true;
    }
    if matches!(f, DataType::Void) || matches!(t, DataType::Void | DataType::Unknown) {
        return false;
    }
    if let (DataType::Array(fe), DataType::Array(te)) = (&f, &t) {
        return can_coerce(fe, te, ctx);
    }
    if let Some(needed) = pg_cast(&f, &t) {
        return ctx >= needed;
    }
    (ctx >= A && is_io_string(&t)) || (ctx == E && is_io_string(&f))
}

/// Converts a value of type `from` to type `to`, applying `to`'s modifiers as PostgreSQL does
/// in `ctx`: an explicit cast to `varchar(n)` truncates, an assignment of a longer string fails
/// with 22001; `numeric(p,s)` rounds to `s` and fails with 22003 beyond `p`; integer overflow
/// fails with 22003; text input follows [`crate::types::text::parse_text`]. NULL stays NULL.
pub fn cast(value: Value, from: &DataType, to: &DataType, ctx: CoercionContext, text: &TextContext) -> Result<Value> {
    if value.is_null() {
        return Ok(Value::Null);
    }
    let converted = convert(value, from, to, ctx, text)?;
    apply_typmod(converted, to, ctx)
}

fn cannot_cast(from: &DataType, to: &DataType) -> SqlError {
    SqlError::new(sqlstate::CANNOT_COERCE, format!("cannot cast type {from} to {to}"))
}

/// The conversion itself, without `to`'s modifiers.
fn convert(value: Value, from: &DataType, to: &DataType, ctx: CoercionContext, text: &TextContext) -> Result<Value> {
    use DataType::*;
    let f = from.without_modifier();
    let t = to.without_modifier();
    if f == t {
        return match (value, to) {
            (Value::Array(items), Array(elem)) => {
                let fe = from.element().cloned().unwrap_or(Unknown);
                cast_elements(items, &fe, elem, ctx, text)
            }
            (v, _) => Ok(v),
        };
    }
    match (&f, &t) {
        (Unknown, _) => {
            let s = string_of(&value, &f, text);
            parse_text(&s, to, text)
        }
        (Array(_), Array(te)) => {
            let fe = from.element().cloned().unwrap_or(Unknown);
            match value {
                Value::Array(items) => cast_elements(items, &fe, te, ctx, text),
                other => Err(SqlError::internal(format!("array cast of {other:?}"))),
            }
        }
        // Integers, floats and numeric.
        (Int2 | Int4 | Int8 | Float4 | Float8 | Numeric(_) | Oid | RegClass | RegType | RegProc | RegNamespace, _)
            if is_numeric_target(&t) && pg_cast(&f, &t).is_some() =>
        {
            convert_number(value, &f, &t)
        }
        (Bool, Int4) => Ok(Value::Int4(i32::from(value.as_bool().unwrap_or(false)))),
        (Int4, Bool) => Ok(Value::Bool(value.as_i64().unwrap_or(0) != 0)),
        (Char, Int4) => Ok(Value::Int4(i32::from(char_byte(&value) as i8))),
        (Int4, Char) => {
            let v = value.as_i64().unwrap_or(0);
            let b = i8::try_from(v)
                .map_err(|_| SqlError::new(sqlstate::NUMERIC_VALUE_OUT_OF_RANGE, "\"char\" out of range"))?;
            Ok(Value::Text(char_from_byte(b as u8)))
        }
        // Date and time.
        (Date, Timestamp) => Ok(Value::Timestamp(date_to_timestamp(date(&value)?)?)),
        (Date, TimestampTz) => Ok(Value::TimestampTz(date_to_timestamptz(date(&value)?, &text.tz)?)),
        (Timestamp, Date) => Ok(Value::Date(timestamp_to_date(instant(&value)?)?)),
        (TimestampTz, Date) => Ok(Value::Date(timestamp_to_date(utc_to_local(&text.tz, instant(&value)?))?)),
        (Timestamp, Time) => Ok(time_of_day(instant(&value)?)),
        (TimestampTz, Time) => Ok(time_of_day(utc_to_local(&text.tz, instant(&value)?))),
        (Timestamp, TimestampTz) => Ok(Value::TimestampTz(timestamp_to_timestamptz(instant(&value)?, &text.tz)?)),
        (TimestampTz, Timestamp) => Ok(Value::Timestamp(timestamptz_to_timestamp(instant(&value)?, &text.tz)?)),
        (Time, Interval) => {
            Ok(Value::Interval(crate::types::Interval { months: 0, days: 0, micros: instant(&value)? }))
        }
        (Interval, Time) => match value {
            Value::Interval(iv) => Ok(Value::Time(iv.micros.rem_euclid(USECS_PER_DAY))),
            other => Err(SqlError::internal(format!("interval cast of {other:?}"))),
        },
        // JSON.
        (Json, Jsonb) => match &value {
            Value::Json(s) | Value::Text(s) => Ok(Value::Jsonb(parse_jsonb(s)?)),
            other => Err(SqlError::internal(format!("json cast of {other:?}"))),
        },
        (Jsonb, Json) => match &value {
            Value::Jsonb(j) => Ok(Value::Json(format_jsonb(j))),
            other => Err(SqlError::internal(format!("jsonb cast of {other:?}"))),
        },
        (Jsonb, Bool | Numeric(_) | Int2 | Int4 | Int8 | Float4 | Float8) => match &value {
            Value::Jsonb(j) => jsonb_to_scalar(j, &t),
            other => Err(SqlError::internal(format!("jsonb cast of {other:?}"))),
        },
        // Strings, and everything else through text.
        (_, Text | Varchar(_) | Bpchar(_) | Name | Char) if can_coerce(from, to, E) => {
            let s = string_of(&value, &f, text);
            Ok(match t {
                Name => Value::Text(truncate_name(&s).to_string()),
                Char => parse_text(&s, &Char, text)?,
                _ => Value::Text(s),
            })
        }
        (Text | Varchar(_) | Bpchar(_) | Name, _) if can_coerce(from, to, E) => match &value {
            // The type's input function reads the text as stored (`char(n)` padding included).
            Value::Text(s) => parse_text(s, to, text),
            other => parse_text(&format_text(other, &f, text), to, text),
        },
        _ => Err(cannot_cast(from, to)),
    }
}

fn cast_elements(
    items: Vec<Value>,
    from: &DataType,
    to: &DataType,
    ctx: CoercionContext,
    text: &TextContext,
) -> Result<Value> {
    items.into_iter().map(|item| cast(item, from, to, ctx, text)).collect::<Result<Vec<_>>>().map(Value::Array)
}

fn is_numeric_target(t: &DataType) -> bool {
    use DataType::*;
    matches!(t, Int2 | Int4 | Int8 | Float4 | Float8 | Numeric(_) | Oid | RegClass | RegType | RegProc | RegNamespace)
}

fn char_byte(v: &Value) -> u8 {
    v.as_str().map(char_to_byte).unwrap_or(0)
}

fn date(v: &Value) -> Result<i32> {
    match v {
        Value::Date(d) => Ok(*d),
        other => Err(SqlError::internal(format!("expected a date, got {other:?}"))),
    }
}

fn instant(v: &Value) -> Result<i64> {
    match v {
        Value::Time(t) | Value::Timestamp(t) | Value::TimestampTz(t) => Ok(*t),
        other => Err(SqlError::internal(format!("expected a time value, got {other:?}"))),
    }
}

/// The time of day of a local timestamp; NULL for the infinities, as `timestamp_time` gives.
fn time_of_day(local: i64) -> Value {
    if timestamp_is_finite(local) {
        Value::Time(local.rem_euclid(USECS_PER_DAY))
    } else {
        Value::Null
    }
}

/// The text a value converts to: the type's output function, except where `pg_cast` has a
/// function of its own (`bool` is `true`/`false`, `char(n)` loses its trailing spaces).
fn string_of(value: &Value, from: &DataType, text: &TextContext) -> String {
    match (from, value) {
        (DataType::Bool, Value::Bool(b)) => if *b { "true" } else { "false" }.to_string(),
        (DataType::Bpchar(_), Value::Text(s)) => s.trim_end_matches(' ').to_string(),
        (_, Value::Text(s)) if *from != DataType::Char => s.clone(),
        _ => format_text(value, from, text),
    }
}

fn int_name(t: &DataType) -> &'static str {
    match t {
        DataType::Int2 => "smallint",
        DataType::Int4 => "integer",
        _ => "bigint",
    }
}

/// An `i64` narrowed to the integer type `t` (22003 `integer out of range`, ...).
fn to_int(v: i64, t: &DataType) -> Result<Value> {
    let err = || SqlError::out_of_range(int_name(t));
    Ok(match t {
        DataType::Int2 => Value::Int2(i16::try_from(v).map_err(|_| err())?),
        DataType::Int4 => Value::Int4(i32::try_from(v).map_err(|_| err())?),
        _ => Value::Int8(v),
    })
}

/// A float rounded to an integer type as `rint` and the `FLOAT8_FITS_IN_*` checks do.
fn float_to_int(f: f64, t: &DataType) -> Result<Value> {
    let r = f.round_ties_even();
    let bound = match t {
        DataType::Int2 => 32768.0,
        DataType::Int4 => 2_147_483_648.0,
        _ => 9_223_372_036_854_775_808.0,
    };
    if r.is_nan() || r < -bound || r >= bound {
        return Err(SqlError::out_of_range(int_name(t)));
    }
    to_int(r as i64, t)
}

/// A decimal rounded half away from zero to an integer type.
fn decimal_to_int(d: &Decimal, t: &DataType) -> Result<Value> {
    let r = d.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
    let v = r.to_i64().ok_or_else(|| SqlError::out_of_range(int_name(t)))?;
    to_int(v, t)
}

/// `%.{15|6}g` text of a float, parsed as numeric (`float8_numeric`).
fn float_to_decimal(f: f64, is_real: bool) -> Result<Decimal> {
    if f.is_nan() {
        return Err(SqlError::new(sqlstate::FEATURE_NOT_SUPPORTED, "cannot convert NaN to numeric"));
    }
    if f.is_infinite() {
        return Err(SqlError::new(sqlstate::FEATURE_NOT_SUPPORTED, "cannot convert infinity to numeric"));
    }
    let text = if is_real { format_float4(f as f32, 0) } else { format_float8(f, 0) };
    Digits::parse(&text).map_err(|_| SqlError::invalid_input("numeric", &text))?.to_decimal()
}

/// `float8` to `float4` (`float8_to_float4`'s overflow and underflow errors).
fn narrow_float(f: f64) -> Result<f32> {
    let r = f as f32;
    if r.is_infinite() && !f.is_infinite() {
        return Err(SqlError::new(sqlstate::NUMERIC_VALUE_OUT_OF_RANGE, "value out of range: overflow"));
    }
    if r == 0.0 && f != 0.0 {
        return Err(SqlError::new(sqlstate::NUMERIC_VALUE_OUT_OF_RANGE, "value out of range: underflow"));
    }
    Ok(r)
}

/// Conversions among integers, floats, numeric and OIDs.
fn convert_number(value: Value, f: &DataType, t: &DataType) -> Result<Value> {
    use DataType::*;
    let oid_like = |t: &DataType| matches!(t, Oid) || is_reg(t);
    match value {
        Value::Int2(_) | Value::Int4(_) | Value::Int8(_) | Value::Oid(_) => {
            let v = value.as_i64().unwrap_or_default();
            match t {
                Int2 | Int4 | Int8 if oid_like(f) => match t {
                    // oid to integer is binary coercible: it wraps.
                    Int4 => Ok(Value::Int4(v as u32 as i32)),
                    _ => Ok(Value::Int8(v)),
                },
                Int2 | Int4 | Int8 => to_int(v, t),
                Float4 => Ok(Value::Float4(v as f32)),
                Float8 => Ok(Value::Float8(v as f64)),
                Numeric(_) => Ok(Value::Numeric(Decimal::from(v))),
                _ if matches!(f, Int8) => u32::try_from(v)
                    .map(Value::Oid)
                    .map_err(|_| SqlError::new(sqlstate::NUMERIC_VALUE_OUT_OF_RANGE, "OID out of range")),
                _ if oid_like(f) => Ok(Value::Oid(v as u32)),
                // int2 and int4 to oid are binary coercible through int4: negatives wrap.
                _ => Ok(Value::Oid(v as i32 as u32)),
            }
        }
        Value::Float4(x) => match t {
            Float8 => Ok(Value::Float8(f64::from(x))),
            Numeric(_) => Ok(Value::Numeric(float_to_decimal(f64::from(x), true)?)),
            _ => float_to_int(f64::from(x), t),
        },
        Value::Float8(x) => match t {
            Float4 => Ok(Value::Float4(narrow_float(x)?)),
            Numeric(_) => Ok(Value::Numeric(float_to_decimal(x, false)?)),
            _ => float_to_int(x, t),
        },
        Value::Numeric(d) => match t {
            Float4 => Ok(Value::Float4(parse_float4(&d.to_string())?)),
            Float8 => Ok(Value::Float8(parse_float8(&d.to_string())?)),
            _ => decimal_to_int(&d, t),
        },
        other => Err(SqlError::internal(format!("numeric cast of {other:?}"))),
    }
}

/// `jsonb` to `boolean` or a number type (`jsonb_bool`, `jsonb_int4`, ...).
fn jsonb_to_scalar(j: &Json, t: &DataType) -> Result<Value> {
    let fail = || {
        SqlError::new(
            sqlstate::INVALID_PARAMETER_VALUE,
            format!("cannot cast jsonb {} to type {}", jsonb_cast_name(j), t.sql_name()),
        )
    };
    match (j, t) {
        (Json::Bool(b), DataType::Bool) => Ok(Value::Bool(*b)),
        (Json::Number(n), DataType::Float4) => Ok(Value::Float4(parse_float4(&n.to_string())?)),
        (Json::Number(n), DataType::Float8) => Ok(Value::Float8(parse_float8(&n.to_string())?)),
        (Json::Number(n), DataType::Numeric(_) | DataType::Int2 | DataType::Int4 | DataType::Int8) => {
            let text = n.to_string();
            let digits = Digits::parse(&text).map_err(|_| SqlError::invalid_input("numeric", &text))?;
            match t {
                DataType::Numeric(_) => Ok(Value::Numeric(digits.to_decimal()?)),
                _ => {
                    // Numbers beyond numeric's 28 digits are out of any integer's range.
                    let d = digits.to_decimal().map_err(|_| SqlError::out_of_range(int_name(t)))?;
                    decimal_to_int(&d, t)
                }
            }
        }
        _ => Err(fail()),
    }
}

/// Applies `ty`'s modifier to a value already of its base type (PostgreSQL's length coercion
/// functions `varchar(varchar, int, bool)`, `bpchar(...)` and `numeric(numeric, int)`).
pub fn apply_typmod(value: Value, ty: &DataType, ctx: CoercionContext) -> Result<Value> {
    match (ty, value) {
        (DataType::Varchar(Some(n)), Value::Text(s)) => {
            Ok(Value::Text(clip(s, *n as usize, ctx, || format!("value too long for type character varying({n})"))?))
        }
        (DataType::Bpchar(Some(n)), Value::Text(s)) => {
            let n = *n as usize;
            let mut s = clip(s, n, ctx, || format!("value too long for type character({n})"))?;
            let len = s.chars().count();
            s.extend(std::iter::repeat_n(' ', n.saturating_sub(len)));
            Ok(Value::Text(s))
        }
        (DataType::Numeric(Some((p, s))), Value::Numeric(d)) => Ok(Value::Numeric(numeric_typmod(d, *p, *s)?)),
        (DataType::Array(elem), Value::Array(items)) => {
            items.into_iter().map(|item| apply_typmod(item, elem, ctx)).collect::<Result<Vec<_>>>().map(Value::Array)
        }
        (_, v) => Ok(v),
    }
}

/// Cuts `s` to `n` characters: always in explicit casts, otherwise only if what is cut is
/// spaces (else 22001 with `message`).
fn clip(s: String, n: usize, ctx: CoercionContext, message: impl FnOnce() -> String) -> Result<String> {
    let Some((cut, _)) = s.char_indices().nth(n) else { return Ok(s) };
    if ctx != E && !s[cut..].bytes().all(|b| b == b' ') {
        return Err(SqlError::new(sqlstate::STRING_DATA_RIGHT_TRUNCATION, message()));
    }
    let mut s = s;
    s.truncate(cut);
    Ok(s)
}

/// `numeric(p, s)`: rounds half away from zero to `s` places, then checks the integer digits.
pub fn numeric_typmod(d: Decimal, precision: u16, scale: u16) -> Result<Decimal> {
    let scale_u32 = u32::from(scale);
    let mut r = d.round_dp_with_strategy(scale_u32, RoundingStrategy::MidpointAwayFromZero);
    if r.scale() < scale_u32 {
        r.rescale(scale_u32);
    }
    // Digits before the point; negative for leading zeros after it (0.012 has -1), which
    // matters when the scale exceeds the precision.
    let digits = Digits::from_decimal(&r);
    let max_digits = i64::from(precision) - i64::from(scale);
    if !digits.is_zero() && digits.exp > max_digits {
        let bound = if max_digits != 0 { format!("10^{max_digits}") } else { "1".to_string() };
        return Err(SqlError::new(sqlstate::NUMERIC_VALUE_OUT_OF_RANGE, "numeric field overflow").detail(format!(
            "A field with precision {precision}, scale {scale} must round to an absolute value less than {bound}."
        )));
    }
    Ok(r)
}

#[cfg(test)]
mod tests;
