//! SQL values.
//!
//! A [`Value`] holds data; its SQL type is known from context (the column or expression it
//! comes from), so one variant serves several types: [`Value::Text`] is `text`, `varchar`,
//! `char(n)`, `name` and `"char"`; [`Value::Oid`] is `oid` and the `reg*` types.
//!
//! Dates and times use PostgreSQL's internal representation, counted from 2000-01-01
//! (the binary wire format uses the same epoch), with the extreme values standing for
//! `-infinity` and `infinity`.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A SQL interval: months, days and microseconds are kept apart, as in PostgreSQL (a month is
/// not a fixed number of days, nor a day a fixed number of hours across DST changes).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Interval {
    /// Months (years are 12 months).
    pub months: i32,
    /// Days.
    pub days: i32,
    /// Microseconds.
    pub micros: i64,
}

impl Interval {
    /// Microseconds per day, for comparisons that treat a day as 24 hours and a month as 30
    /// days (PostgreSQL's interval ordering).
    pub const MICROS_PER_DAY: i64 = 86_400_000_000;

    /// The interval as a single number of microseconds, for ordering (30-day months).
    pub fn ordering_key(&self) -> i128 {
        i128::from(self.months) * 30 * i128::from(Self::MICROS_PER_DAY)
            + i128::from(self.days) * i128::from(Self::MICROS_PER_DAY)
            + i128::from(self.micros)
    }
}

/// A SQL value.
#[derive(Clone, Debug)]
pub enum Value {
    /// SQL NULL, of any type.
    Null,
    /// `boolean`.
    Bool(bool),
    /// `smallint`.
    Int2(i16),
    /// `integer`.
    Int4(i32),
    /// `bigint`.
    Int8(i64),
    /// `real`.
    Float4(f32),
    /// `double precision`.
    Float8(f64),
    /// `numeric` (28 significant digits; see docs/sql.md).
    Numeric(Decimal),
    /// `text`, `varchar`, `char(n)`, `name`, `"char"`, and untyped literals.
    Text(String),
    /// `bytea`.
    Bytea(Vec<u8>),
    /// `date`: days since 2000-01-01; `i32::MIN`/`i32::MAX` are `-infinity`/`infinity`.
    Date(i32),
    /// `time`: microseconds since midnight.
    Time(i64),
    /// `timestamp`: microseconds since 2000-01-01 00:00:00; `i64::MIN`/`i64::MAX` are
    /// `-infinity`/`infinity`.
    Timestamp(i64),
    /// `timestamptz`: microseconds since 2000-01-01 00:00:00 UTC (same infinities).
    TimestampTz(i64),
    /// `interval`.
    Interval(Interval),
    /// `uuid`.
    Uuid([u8; 16]),
    /// `json`: the text as written (validated).
    Json(String),
    /// `jsonb`: parsed.
    Jsonb(serde_json::Value),
    /// `oid`, `regclass`, `regtype`, `regproc`, `regnamespace`.
    Oid(u32),
    /// A one-dimensional array; elements may be NULL.
    Array(Vec<Value>),
}

impl Value {
    /// True for NULL.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The boolean, or `None` for NULL (three-valued logic). Non-boolean values are a binder
    /// bug and read as `None`.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// Any integer value widened to `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int2(v) => Some(i64::from(*v)),
            Value::Int4(v) => Some(i64::from(*v)),
            Value::Int8(v) => Some(*v),
            Value::Oid(v) => Some(i64::from(*v)),
            _ => None,
        }
    }

    /// The text of a string value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Text(s) | Value::Json(s) => Some(s),
            _ => None,
        }
    }
}
