//! Order-preserving key encoding of values, for primary keys and index entries: the byte order
//! of encoded keys equals [`crate::types::compare::compare_typed`] order, NULL sorting last.
//!
//! Each value is a null marker ([`KeyWriter::present`] or [`KeyWriter::null`]) followed by:
//!
//! | type | encoding |
//! |------|----------|
//! | `bool` | one byte |
//! | integers, `date`, `time`, `timestamp[tz]` | `i64`, sign bit flipped |
//! | `oid`, `reg*` | `u32` |
//! | `real`, `double precision` | `f64` in PostgreSQL's order (`-0 = 0`, NaN last) |
//! | `numeric` | a sign byte; for non-zero numbers the decimal exponent (`u32`, sign bit flipped) and the digits two to a byte (`10·d1 + d2 + 1`), ended by `0x00`; all of it inverted for negative numbers |
//! | text types | the UTF-8 bytes, escaped and terminated; `char(n)` without trailing spaces |
//! | `bytea`, `json` | bytes, escaped and terminated (`json` orders by its text, as [`compare`](crate::types::compare::compare) does) |
//! | `interval` | the 30-day-month ordering key as an `i128`: high `i64`, low `u64` |
//! | `uuid` | the 16 bytes |
//! | `jsonb` | a type tag in jsonb order, containers with their size before their members, object keys in storage order, numbers as `numeric` |
//! | arrays | each element with its null marker, then `0x00` |
//!
//! Values that compare equal encode identically, so decoding returns a normalized value:
//! `numeric` loses its display scale (`1.50` comes back as `1.5`), an interval comes back in
//! 30-day months and 24-hour days (`30 days` as `1 mon`), `char(n)` without its padding,
//! `jsonb` numbers without trailing zeros. Each compares equal to the value encoded.

use serde_json::{Map, Number, Value as Json};
use tandem_storage::keycode::{DecodeError, KeyReader, KeyWriter, NULL, PRESENT};

use crate::error::{sqlstate, Result, SqlError};
use crate::types::compare::bpchar_trim;
use crate::types::decimal::Digits;
use crate::types::text::sorted_entries;
use crate::types::{DataType, Interval, Value};

/// Appends `value` (of type `ty`, possibly NULL) to a key, with its null marker.
///
/// A value whose variant does not belong to `ty` (a binder bug) is encoded as the type its
/// variant implies, so that encoding never fails; decoding it as `ty` then reports corruption.
pub fn encode_key(value: &Value, ty: &DataType, key: &mut KeyWriter) {
    if value.is_null() {
        key.null();
    } else {
        key.present();
        encode_payload(value, ty, key);
    }
}

/// The type whose encoding a value's variant uses when it does not match the declared type.
fn natural_type(value: &Value) -> DataType {
    match value {
        Value::Null | Value::Text(_) => DataType::Text,
        Value::Bool(_) => DataType::Bool,
        Value::Int2(_) | Value::Int4(_) | Value::Int8(_) => DataType::Int8,
        Value::Float4(_) | Value::Float8(_) => DataType::Float8,
        Value::Numeric(_) => DataType::Numeric(None),
        Value::Bytea(_) => DataType::Bytea,
        Value::Date(_) => DataType::Date,
        Value::Time(_) => DataType::Time,
        Value::Timestamp(_) => DataType::Timestamp,
        Value::TimestampTz(_) => DataType::TimestampTz,
        Value::Interval(_) => DataType::Interval,
        Value::Uuid(_) => DataType::Uuid,
        Value::Json(_) => DataType::Json,
        Value::Jsonb(_) => DataType::Jsonb,
        Value::Oid(_) => DataType::Oid,
        Value::Array(_) => DataType::Array(Box::new(DataType::Unknown)),
    }
}

fn encode_payload(value: &Value, ty: &DataType, key: &mut KeyWriter) {
    match (ty, value) {
        (DataType::Bool, Value::Bool(b)) => {
            key.bool(*b);
        }
        (DataType::Int2 | DataType::Int4 | DataType::Int8, Value::Int2(_) | Value::Int4(_) | Value::Int8(_)) => {
            key.i64(value.as_i64().unwrap_or_default());
        }
        (DataType::Float4 | DataType::Float8, Value::Float4(f)) => {
            key.f64(f64::from(*f));
        }
        (DataType::Float4 | DataType::Float8, Value::Float8(f)) => {
            key.f64(*f);
        }
        (DataType::Numeric(_), Value::Numeric(d)) => encode_digits(&Digits::from_decimal(d), key),
        (DataType::Bpchar(_), Value::Text(s)) => {
            key.str(bpchar_trim(s));
        }
        (
            DataType::Text | DataType::Varchar(_) | DataType::Name | DataType::Char | DataType::Unknown,
            Value::Text(s),
        ) => {
            key.str(s);
        }
        (DataType::Bytea, Value::Bytea(b)) => {
            key.bytes(b);
        }
        (DataType::Date, Value::Date(d)) => {
            key.i64(i64::from(*d));
        }
        (DataType::Time, Value::Time(t))
        | (DataType::Timestamp, Value::Timestamp(t))
        | (DataType::TimestampTz, Value::TimestampTz(t)) => {
            key.i64(*t);
        }
        (DataType::Interval, Value::Interval(iv)) => {
            let k = iv.ordering_key();
            key.i64((k >> 64) as i64).u64(k as u64);
        }
        (DataType::Uuid, Value::Uuid(u)) => {
            key.raw(u);
        }
        (DataType::Json, Value::Json(s)) => {
            key.str(s);
        }
        (DataType::Jsonb, Value::Jsonb(j)) => encode_jsonb_top(j, key),
        (
            DataType::Oid | DataType::RegClass | DataType::RegType | DataType::RegProc | DataType::RegNamespace,
            Value::Oid(o),
        ) => {
            key.u32(*o);
        }
        (DataType::Array(elem), Value::Array(items)) => {
            for item in items {
                encode_key(item, elem, key);
            }
            key.u8(ARRAY_END);
        }
        (DataType::Void, _) => {}
        _ => {
            let natural = natural_type(value);
            if natural != *ty {
                encode_payload(value, &natural, key);
            }
        }
    }
}

/// Ends an array: below the null markers, so that a shorter array sorts first.
const ARRAY_END: u8 = 0x00;

const NUM_NEGATIVE: u8 = 0x01;
const NUM_ZERO: u8 = 0x02;
const NUM_POSITIVE: u8 = 0x03;

/// A number: sign, then (for non-zero) exponent and digit pairs ended by 0x00, inverted for
/// negative numbers so that a larger magnitude sorts first.
fn encode_digits(d: &Digits, key: &mut KeyWriter) {
    if d.is_zero() {
        key.u8(NUM_ZERO);
        return;
    }
    let mut body = Vec::with_capacity(5 + d.digits.len() / 2 + 1);
    let exp = d.exp.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32;
    body.extend_from_slice(&((exp as u32) ^ (1 << 31)).to_be_bytes());
    for pair in d.digits.chunks(2) {
        let hi = pair[0];
        let lo = pair.get(1).copied().unwrap_or(0);
        body.push(hi * 10 + lo + 1);
    }
    body.push(0);
    if d.neg {
        key.u8(NUM_NEGATIVE);
        for b in body {
            key.u8(!b);
        }
    } else {
        key.u8(NUM_POSITIVE);
        key.raw(&body);
    }
}

fn decode_digits(key: &mut KeyReader<'_>) -> Result<Digits> {
    let tag = key.u8().map_err(corrupt)?;
    let neg = match tag {
        NUM_ZERO => return Ok(Digits::zero(0)),
        NUM_NEGATIVE => true,
        NUM_POSITIVE => false,
        _ => return Err(corrupted("invalid numeric sign")),
    };
    let flip = |b: u8| if neg { !b } else { b };
    let mut exp_bytes = [0u8; 4];
    for b in &mut exp_bytes {
        *b = flip(key.u8().map_err(corrupt)?);
    }
    let exp = i64::from((u32::from_be_bytes(exp_bytes) ^ (1 << 31)) as i32);
    let mut digits = Vec::new();
    loop {
        match flip(key.u8().map_err(corrupt)?) {
            0 => break,
            b @ 1..=100 => {
                digits.push((b - 1) / 10);
                digits.push((b - 1) % 10);
            }
            _ => return Err(corrupted("invalid numeric digits")),
        }
    }
    while digits.last() == Some(&0) {
        digits.pop();
    }
    if digits.first().is_none_or(|&d| d == 0) {
        return Err(corrupted("invalid numeric digits"));
    }
    let dscale = (digits.len() as i64 - exp).clamp(0, i64::from(u32::MAX)) as u32;
    Ok(Digits { neg, digits, exp, dscale })
}

// jsonb tags: the top level (a scalar is a one-element pseudo-array), then nested values in
// PostgreSQL's type order.
const JSONB_TOP_ARRAY: u8 = 0x10;
const JSONB_TOP_OBJECT: u8 = 0x20;
const JSON_NULL: u8 = 0;
const JSON_STRING: u8 = 1;
const JSON_NUMBER: u8 = 2;
const JSON_BOOL: u8 = 3;
const JSON_ARRAY: u8 = 4;
const JSON_OBJECT: u8 = 5;

fn len_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn encode_jsonb_top(v: &Json, key: &mut KeyWriter) {
    match v {
        Json::Object(_) => {
            key.u8(JSONB_TOP_OBJECT);
            encode_json(v, key);
        }
        Json::Array(items) => {
            // Size first, then "not a scalar", then the elements.
            key.u8(JSONB_TOP_ARRAY).u32(len_u32(items.len())).u8(1);
            items.iter().for_each(|item| encode_json(item, key));
        }
        scalar => {
            key.u8(JSONB_TOP_ARRAY).u32(1).u8(0);
            encode_json(scalar, key);
        }
    }
}

fn encode_json(v: &Json, key: &mut KeyWriter) {
    match v {
        Json::Null => {
            key.u8(JSON_NULL);
        }
        Json::String(s) => {
            key.u8(JSON_STRING).str(s);
        }
        Json::Number(n) => {
            key.u8(JSON_NUMBER);
            match crate::types::compare::json_number(n) {
                Ok(d) => encode_digits(&d, key),
                // Not numeric syntax (never made by the parser): after every number.
                Err(text) => {
                    key.u8(0x04).str(&text);
                }
            }
        }
        Json::Bool(b) => {
            key.u8(JSON_BOOL).bool(*b);
        }
        Json::Array(items) => {
            key.u8(JSON_ARRAY).u32(len_u32(items.len()));
            items.iter().for_each(|item| encode_json(item, key));
        }
        Json::Object(map) => {
            key.u8(JSON_OBJECT).u32(len_u32(map.len()));
            for (k, item) in sorted_entries(map) {
                key.str(k);
                encode_json(item, key);
            }
        }
    }
}

fn decode_jsonb_top(key: &mut KeyReader<'_>) -> Result<Json> {
    match key.u8().map_err(corrupt)? {
        JSONB_TOP_OBJECT => decode_json(key, 0),
        JSONB_TOP_ARRAY => {
            let n = key.u32().map_err(corrupt)?;
            match key.u8().map_err(corrupt)? {
                0 if n == 1 => decode_json(key, 0),
                1 => {
                    let mut items = Vec::new();
                    for _ in 0..n {
                        items.push(decode_json(key, 1)?);
                    }
                    Ok(Json::Array(items))
                }
                _ => Err(corrupted("invalid jsonb header")),
            }
        }
        _ => Err(corrupted("invalid jsonb header")),
    }
}

/// Nesting deeper than this in a key is corruption (the parser accepts 128 levels).
const MAX_JSON_DEPTH: usize = 1024;

fn decode_json(key: &mut KeyReader<'_>, depth: usize) -> Result<Json> {
    if depth > MAX_JSON_DEPTH {
        return Err(corrupted("jsonb nested too deeply"));
    }
    Ok(match key.u8().map_err(corrupt)? {
        JSON_NULL => Json::Null,
        JSON_STRING => Json::String(key.string().map_err(corrupt)?),
        JSON_NUMBER => {
            let text = if key.remaining().first() == Some(&0x04) {
                key.u8().map_err(corrupt)?;
                key.string().map_err(corrupt)?
            } else {
                decode_digits(key)?.to_text()
            };
            Json::Number(text.parse::<Number>().map_err(|_| corrupted("invalid jsonb number"))?)
        }
        JSON_BOOL => Json::Bool(key.bool().map_err(corrupt)?),
        JSON_ARRAY => {
            let n = key.u32().map_err(corrupt)?;
            let mut items = Vec::new();
            for _ in 0..n {
                items.push(decode_json(key, depth + 1)?);
            }
            Json::Array(items)
        }
        JSON_OBJECT => {
            let n = key.u32().map_err(corrupt)?;
            let mut map = Map::new();
            for _ in 0..n {
                let k = key.string().map_err(corrupt)?;
                map.insert(k, decode_json(key, depth + 1)?);
            }
            Json::Object(map)
        }
        _ => return Err(corrupted("invalid jsonb tag")),
    })
}

fn corrupted(what: &str) -> SqlError {
    SqlError::new(sqlstate::DATA_CORRUPTED, format!("data corrupted: malformed key: {what}"))
}

fn corrupt(e: DecodeError) -> SqlError {
    SqlError::new(sqlstate::DATA_CORRUPTED, format!("data corrupted: {e}"))
}

/// The interval with ordering key `k`, in whole 30-day months, then days, then microseconds.
fn interval_from_key(k: i128) -> Result<Interval> {
    const DAY: i128 = Interval::MICROS_PER_DAY as i128;
    const MONTH: i128 = 30 * DAY;
    let months = (k / MONTH).clamp(i128::from(i32::MIN), i128::from(i32::MAX));
    let rest = k - months * MONTH;
    let days = (rest / DAY).clamp(i128::from(i32::MIN), i128::from(i32::MAX));
    let micros = i64::try_from(rest - days * DAY).map_err(|_| corrupted("interval out of range"))?;
    Ok(Interval { months: months as i32, days: days as i32, micros })
}

/// Reads back a value written by [`encode_key`].
pub fn decode_key(key: &mut KeyReader<'_>, ty: &DataType) -> Result<Value> {
    match key.u8().map_err(corrupt)? {
        NULL => Ok(Value::Null),
        PRESENT => decode_payload(key, ty),
        _ => Err(corrupted("invalid null marker")),
    }
}

fn decode_payload(key: &mut KeyReader<'_>, ty: &DataType) -> Result<Value> {
    let int = |key: &mut KeyReader<'_>| key.i64().map_err(corrupt);
    Ok(match ty {
        DataType::Bool => Value::Bool(key.bool().map_err(corrupt)?),
        DataType::Int2 => Value::Int2(i16::try_from(int(key)?).map_err(|_| corrupted("smallint out of range"))?),
        DataType::Int4 => Value::Int4(i32::try_from(int(key)?).map_err(|_| corrupted("integer out of range"))?),
        DataType::Int8 => Value::Int8(int(key)?),
        DataType::Float4 => Value::Float4(key.f64().map_err(corrupt)? as f32),
        DataType::Float8 => Value::Float8(key.f64().map_err(corrupt)?),
        DataType::Numeric(_) => Value::Numeric(decode_digits(key)?.to_decimal()?),
        DataType::Text
        | DataType::Varchar(_)
        | DataType::Bpchar(_)
        | DataType::Name
        | DataType::Char
        | DataType::Unknown => Value::Text(key.string().map_err(corrupt)?),
        DataType::Bytea => Value::Bytea(key.bytes().map_err(corrupt)?),
        DataType::Date => Value::Date(i32::try_from(int(key)?).map_err(|_| corrupted("date out of range"))?),
        DataType::Time => Value::Time(int(key)?),
        DataType::Timestamp => Value::Timestamp(int(key)?),
        DataType::TimestampTz => Value::TimestampTz(int(key)?),
        DataType::Interval => {
            let hi = int(key)?;
            let lo = key.u64().map_err(corrupt)?;
            Value::Interval(interval_from_key((i128::from(hi) << 64) | i128::from(lo))?)
        }
        DataType::Uuid => {
            let hi = key.u64().map_err(corrupt)?;
            let lo = key.u64().map_err(corrupt)?;
            let mut u = [0u8; 16];
            u[..8].copy_from_slice(&hi.to_be_bytes());
            u[8..].copy_from_slice(&lo.to_be_bytes());
            Value::Uuid(u)
        }
        DataType::Json => Value::Json(key.string().map_err(corrupt)?),
        DataType::Jsonb => Value::Jsonb(decode_jsonb_top(key)?),
        DataType::Oid | DataType::RegClass | DataType::RegType | DataType::RegProc | DataType::RegNamespace => {
            Value::Oid(key.u32().map_err(corrupt)?)
        }
        DataType::Array(elem) => {
            let mut items = Vec::new();
            loop {
                if key.remaining().first() == Some(&ARRAY_END) {
                    key.u8().map_err(corrupt)?;
                    break;
                }
                items.push(decode_key(key, elem)?);
            }
            Value::Array(items)
        }
        DataType::Void => Value::Null,
    })
}

#[cfg(test)]
mod tests;
