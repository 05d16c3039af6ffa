//! Ordering, equality and hashing of values of the same type, as PostgreSQL's btree and hash
//! operator classes define them (`NaN` is the largest float and equal to itself; `-0.0 = 0.0`;
//! numerics compare by value, `1.0 = 1.00`; strings compare by bytes, the `C` collation;
//! `char(n)` ignores trailing blanks).
//!
//! A [`Value`] does not know its SQL type, and `char(n)` is the one type whose order differs
//! from its variant's (`Value::Text`): [`compare`] and [`hash_value`] compare text by its
//! bytes, [`compare_typed`] and [`hash_value_typed`] also trim `char(n)`'s trailing spaces.
//! Use the typed versions where the type is known and may be `char(n)`.
//!
//! Other orders: intervals by PostgreSQL's 30-day-month, 24-hour-day key (`1 mon = 30 days`);
//! `jsonb` by PostgreSQL's jsonb order (object > array > boolean > number > string > null,
//! containers by size first); `json`, which PostgreSQL cannot compare, by its text; arrays
//! element by element, a NULL element above any other, then the shorter first. Values of
//! different variants (a caller's mistake) are ordered by variant, never panicking.

use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

use serde_json::Value as Json;

use crate::types::decimal::Digits;
use crate::types::text::sorted_entries;
use crate::types::{DataType, Value};

/// Compares two non-NULL values of the same type.
pub fn compare(a: &Value, b: &Value) -> Ordering {
    compare_with(a, b, None)
}

/// Compares two values of type `ty` (NULL last): like [`compare`], but `char(n)` text ignores
/// trailing spaces, also inside arrays.
pub fn compare_typed(a: &Value, b: &Value, ty: &DataType) -> Ordering {
    compare_with(a, b, Some(ty))
}

/// Compares with NULLs ordered last (ascending `NULLS LAST`).
pub fn compare_nulls_last(a: &Value, b: &Value) -> Ordering {
    match (a.is_null(), b.is_null()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => compare(a, b),
    }
}

/// The rank of a variant, ordering values of different variants.
fn rank(v: &Value) -> u8 {
    match v {
        Value::Bool(_) => 0,
        Value::Int2(_) => 1,
        Value::Int4(_) => 2,
        Value::Int8(_) => 3,
        Value::Float4(_) => 4,
        Value::Float8(_) => 5,
        Value::Numeric(_) => 6,
        Value::Text(_) => 7,
        Value::Bytea(_) => 8,
        Value::Date(_) => 9,
        Value::Time(_) => 10,
        Value::Timestamp(_) => 11,
        Value::TimestampTz(_) => 12,
        Value::Interval(_) => 13,
        Value::Uuid(_) => 14,
        Value::Json(_) => 15,
        Value::Jsonb(_) => 16,
        Value::Oid(_) => 17,
        Value::Array(_) => 18,
        Value::Null => 19,
    }
}

/// PostgreSQL's float order: NaN equals NaN and is above everything, `-0.0 = 0.0`.
pub fn compare_f64(a: f64, b: f64) -> Ordering {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => a.partial_cmp(&b).unwrap_or(Ordering::Equal),
    }
}

/// `char(n)` comparison text: without trailing spaces.
pub fn bpchar_trim(s: &str) -> &str {
    s.trim_end_matches(' ')
}

fn is_bpchar(ty: Option<&DataType>) -> bool {
    matches!(ty, Some(DataType::Bpchar(_)))
}

fn compare_with(a: &Value, b: &Value, ty: Option<&DataType>) -> Ordering {
    match (a, b) {
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Int2(x), Value::Int2(y)) => x.cmp(y),
        (Value::Int4(x), Value::Int4(y)) => x.cmp(y),
        (Value::Int8(x), Value::Int8(y)) => x.cmp(y),
        (Value::Float4(x), Value::Float4(y)) => compare_f64(f64::from(*x), f64::from(*y)),
        (Value::Float8(x), Value::Float8(y)) => compare_f64(*x, *y),
        (Value::Numeric(x), Value::Numeric(y)) => x.cmp(y),
        (Value::Text(x), Value::Text(y)) if is_bpchar(ty) => bpchar_trim(x).as_bytes().cmp(bpchar_trim(y).as_bytes()),
        (Value::Text(x), Value::Text(y)) | (Value::Json(x), Value::Json(y)) => x.as_bytes().cmp(y.as_bytes()),
        (Value::Bytea(x), Value::Bytea(y)) => x.cmp(y),
        (Value::Date(x), Value::Date(y)) => x.cmp(y),
        (Value::Time(x), Value::Time(y))
        | (Value::Timestamp(x), Value::Timestamp(y))
        | (Value::TimestampTz(x), Value::TimestampTz(y)) => x.cmp(y),
        (Value::Interval(x), Value::Interval(y)) => x.ordering_key().cmp(&y.ordering_key()),
        (Value::Uuid(x), Value::Uuid(y)) => x.cmp(y),
        (Value::Jsonb(x), Value::Jsonb(y)) => compare_jsonb(x, y),
        (Value::Oid(x), Value::Oid(y)) => x.cmp(y),
        (Value::Array(x), Value::Array(y)) => {
            let elem = ty.and_then(DataType::element);
            for (p, q) in x.iter().zip(y) {
                let ord = match (p.is_null(), q.is_null()) {
                    (true, true) => Ordering::Equal,
                    (true, false) => Ordering::Greater,
                    (false, true) => Ordering::Less,
                    (false, false) => compare_with(p, q, elem),
                };
                if ord != Ordering::Equal {
                    return ord;
                }
            }
            x.len().cmp(&y.len())
        }
        _ => rank(a).cmp(&rank(b)),
    }
}

/// The rank of a JSON value's type in PostgreSQL's jsonb order.
fn json_rank(v: &Json) -> u8 {
    match v {
        Json::Null => 0,
        Json::String(_) => 1,
        Json::Number(_) => 2,
        Json::Bool(_) => 3,
        Json::Array(_) => 4,
        Json::Object(_) => 5,
    }
}

/// A JSON number's value (its text when, unexpectedly, it is not numeric syntax).
pub(crate) fn json_number(n: &serde_json::Number) -> Result<Digits, String> {
    let text = n.to_string();
    Digits::parse(&text).map_err(|_| text)
}

fn compare_json_numbers(a: &serde_json::Number, b: &serde_json::Number) -> Ordering {
    match (json_number(a), json_number(b)) {
        (Ok(x), Ok(y)) => x.cmp_value(&y),
        (Ok(_), Err(_)) => Ordering::Less,
        (Err(_), Ok(_)) => Ordering::Greater,
        (Err(x), Err(y)) => x.cmp(&y),
    }
}

/// PostgreSQL's `jsonb` ordering (`compareJsonbContainers`). At the top level a scalar is a
/// one-element pseudo-array: it sorts above an empty array and below any one-element array.
pub fn compare_jsonb(a: &Json, b: &Json) -> Ordering {
    let is_scalar = |v: &Json| !matches!(v, Json::Array(_) | Json::Object(_));
    match (a, b) {
        (x, Json::Array(ys)) if is_scalar(x) => 1.cmp(&ys.len()).then(Ordering::Less),
        (Json::Array(xs), y) if is_scalar(y) => xs.len().cmp(&1).then(Ordering::Greater),
        _ => compare_json_value(a, b),
    }
}

fn compare_json_value(a: &Json, b: &Json) -> Ordering {
    match (a, b) {
        (Json::Null, Json::Null) => Ordering::Equal,
        (Json::Bool(x), Json::Bool(y)) => x.cmp(y),
        (Json::Number(x), Json::Number(y)) => compare_json_numbers(x, y),
        (Json::String(x), Json::String(y)) => x.as_bytes().cmp(y.as_bytes()),
        (Json::Array(xs), Json::Array(ys)) => xs.len().cmp(&ys.len()).then_with(|| {
            xs.iter().zip(ys).map(|(x, y)| compare_json_value(x, y)).find(|o| o.is_ne()).unwrap_or(Ordering::Equal)
        }),
        (Json::Object(xs), Json::Object(ys)) => xs.len().cmp(&ys.len()).then_with(|| {
            let (xe, ye) = (sorted_entries(xs), sorted_entries(ys));
            xe.iter()
                .zip(&ye)
                .map(|((kx, vx), (ky, vy))| kx.as_bytes().cmp(ky.as_bytes()).then_with(|| compare_json_value(vx, vy)))
                .find(|o| o.is_ne())
                .unwrap_or(Ordering::Equal)
        }),
        _ => json_rank(a).cmp(&json_rank(b)),
    }
}

/// A value usable as a hash-map key for GROUP BY, DISTINCT, hash joins and set operations:
/// equal under [`compare`] means equal hash; NULL equals NULL (as GROUP BY treats it).
#[derive(Clone, Debug)]
pub struct HashKey(pub Value);

impl PartialEq for HashKey {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Value::Null, Value::Null) => true,
            (Value::Null, _) | (_, Value::Null) => false,
            (a, b) => compare(a, b) == Ordering::Equal,
        }
    }
}

impl Eq for HashKey {}

impl Hash for HashKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        hash_value(&self.0, state)
    }
}

/// Hashes a value consistently with [`compare`] equality.
pub fn hash_value<H: Hasher>(value: &Value, state: &mut H) {
    hash_with(value, None, state)
}

/// Hashes a value of type `ty` consistently with [`compare_typed`] equality.
pub fn hash_value_typed<H: Hasher>(value: &Value, ty: &DataType, state: &mut H) {
    hash_with(value, Some(ty), state)
}

fn hash_f64<H: Hasher>(v: f64, state: &mut H) {
    let canonical = if v.is_nan() {
        f64::NAN.to_bits()
    } else if v == 0.0 {
        0
    } else {
        v.to_bits()
    };
    canonical.hash(state);
}

fn hash_with<H: Hasher>(value: &Value, ty: Option<&DataType>, state: &mut H) {
    rank(value).hash(state);
    match value {
        Value::Null => {}
        Value::Bool(b) => b.hash(state),
        Value::Int2(v) => v.hash(state),
        Value::Int4(v) => v.hash(state),
        Value::Int8(v) => v.hash(state),
        Value::Float4(v) => hash_f64(f64::from(*v), state),
        Value::Float8(v) => hash_f64(*v, state),
        Value::Numeric(d) => Digits::from_decimal(d).canonical_text().hash(state),
        Value::Text(s) if is_bpchar(ty) => bpchar_trim(s).hash(state),
        Value::Text(s) | Value::Json(s) => s.hash(state),
        Value::Bytea(b) => b.hash(state),
        Value::Date(d) => d.hash(state),
        Value::Time(t) | Value::Timestamp(t) | Value::TimestampTz(t) => t.hash(state),
        Value::Interval(iv) => iv.ordering_key().hash(state),
        Value::Uuid(u) => u.hash(state),
        Value::Jsonb(j) => hash_json(j, state),
        Value::Oid(o) => o.hash(state),
        Value::Array(items) => {
            items.len().hash(state);
            let elem = ty.and_then(DataType::element);
            for item in items {
                hash_with(item, elem, state);
            }
        }
    }
}

fn hash_json<H: Hasher>(v: &Json, state: &mut H) {
    json_rank(v).hash(state);
    match v {
        Json::Null => {}
        Json::Bool(b) => b.hash(state),
        Json::Number(n) => match json_number(n) {
            Ok(d) => d.canonical_text().hash(state),
            Err(text) => text.hash(state),
        },
        Json::String(s) => s.hash(state),
        Json::Array(items) => {
            items.len().hash(state);
            items.iter().for_each(|item| hash_json(item, state));
        }
        Json::Object(map) => {
            map.len().hash(state);
            for (k, item) in sorted_entries(map) {
                k.hash(state);
                hash_json(item, state);
            }
        }
    }
}

#[cfg(test)]
mod tests;
