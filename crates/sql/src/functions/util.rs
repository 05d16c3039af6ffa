//! Helpers shared by the function implementations: typed access to arguments (which the binder
//! has already coerced to the resolved types, so a mismatch is an internal error, never a
//! panic), the SQL type of a value when a polymorphic implementation needs it, and the text
//! form of any value (for `concat`, `format`, `text || anynonarray`, ...).

use crate::error::{sqlstate, Result, SqlError};
use crate::functions::FnContext;
use crate::types::text::format_text;
use crate::types::{DataType, Interval, Value};
use rust_decimal::Decimal;

/// The internal error for an argument of an unexpected variant (a binder bug).
pub(crate) fn bad_arg(i: usize) -> SqlError {
    SqlError::internal(format!("function argument {} has an unexpected type", i + 1))
}

/// Argument `i`.
pub(crate) fn arg(args: &[Value], i: usize) -> Result<&Value> {
    args.get(i).ok_or_else(|| SqlError::internal(format!("missing function argument {}", i + 1)))
}

/// Argument `i` as a string (any string type, or json text).
pub(crate) fn text(args: &[Value], i: usize) -> Result<&str> {
    match arg(args, i)? {
        Value::Text(s) | Value::Json(s) => Ok(s),
        _ => Err(bad_arg(i)),
    }
}

/// Argument `i` as any integer widened to `i64`.
pub(crate) fn int(args: &[Value], i: usize) -> Result<i64> {
    arg(args, i)?.as_i64().ok_or_else(|| bad_arg(i))
}

/// Argument `i` as an `int4` (or narrower) value.
pub(crate) fn int4(args: &[Value], i: usize) -> Result<i32> {
    match arg(args, i)? {
        Value::Int4(v) => Ok(*v),
        Value::Int2(v) => Ok(i32::from(*v)),
        _ => Err(bad_arg(i)),
    }
}

/// Argument `i` as a float (`float4` widened).
pub(crate) fn float(args: &[Value], i: usize) -> Result<f64> {
    match arg(args, i)? {
        Value::Float8(v) => Ok(*v),
        Value::Float4(v) => Ok(f64::from(*v)),
        _ => Err(bad_arg(i)),
    }
}

/// Argument `i` as a numeric.
pub(crate) fn numeric(args: &[Value], i: usize) -> Result<Decimal> {
    match arg(args, i)? {
        Value::Numeric(v) => Ok(*v),
        _ => Err(bad_arg(i)),
    }
}

/// Argument `i` as a boolean.
pub(crate) fn boolean(args: &[Value], i: usize) -> Result<bool> {
    arg(args, i)?.as_bool().ok_or_else(|| bad_arg(i))
}

/// Argument `i` as bytes.
pub(crate) fn bytes(args: &[Value], i: usize) -> Result<&[u8]> {
    match arg(args, i)? {
        Value::Bytea(b) => Ok(b),
        _ => Err(bad_arg(i)),
    }
}

/// Argument `i` as a date (days since 2000-01-01).
pub(crate) fn date(args: &[Value], i: usize) -> Result<i32> {
    match arg(args, i)? {
        Value::Date(d) => Ok(*d),
        _ => Err(bad_arg(i)),
    }
}

/// Argument `i` as a time of day (microseconds since midnight).
pub(crate) fn time(args: &[Value], i: usize) -> Result<i64> {
    match arg(args, i)? {
        Value::Time(t) => Ok(*t),
        _ => Err(bad_arg(i)),
    }
}

/// Argument `i` as a timestamp or timestamptz (microseconds since 2000-01-01).
pub(crate) fn timestamp(args: &[Value], i: usize) -> Result<i64> {
    match arg(args, i)? {
        Value::Timestamp(t) | Value::TimestampTz(t) => Ok(*t),
        _ => Err(bad_arg(i)),
    }
}

/// Argument `i` as an interval.
pub(crate) fn interval(args: &[Value], i: usize) -> Result<Interval> {
    match arg(args, i)? {
        Value::Interval(v) => Ok(*v),
        _ => Err(bad_arg(i)),
    }
}

/// Argument `i` as an array's elements.
pub(crate) fn array(args: &[Value], i: usize) -> Result<&[Value]> {
    match arg(args, i)? {
        Value::Array(v) => Ok(v),
        _ => Err(bad_arg(i)),
    }
}

/// Argument `i` as parsed jsonb.
pub(crate) fn jsonb(args: &[Value], i: usize) -> Result<&serde_json::Value> {
    match arg(args, i)? {
        Value::Jsonb(v) => Ok(v),
        _ => Err(bad_arg(i)),
    }
}

/// Argument `i` as a `text[]`, with NULL elements as `None`.
pub(crate) fn text_array(args: &[Value], i: usize) -> Result<Vec<Option<&str>>> {
    array(args, i)?
        .iter()
        .map(|v| match v {
            Value::Null => Ok(None),
            Value::Text(s) => Ok(Some(s.as_str())),
            _ => Err(bad_arg(i)),
        })
        .collect()
}

/// The SQL type of a non-NULL value, as far as the value tells it (string values are `text`,
/// object identifiers `oid`, arrays take the type of their first non-NULL element). Used by
/// polymorphic and `"any"` implementations to format or convert their arguments.
pub(crate) fn value_type(v: &Value) -> DataType {
    match v {
        Value::Null | Value::Text(_) => DataType::Text,
        Value::Bool(_) => DataType::Bool,
        Value::Int2(_) => DataType::Int2,
        Value::Int4(_) => DataType::Int4,
        Value::Int8(_) => DataType::Int8,
        Value::Float4(_) => DataType::Float4,
        Value::Float8(_) => DataType::Float8,
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
        Value::Array(items) => {
            let elem = items.iter().find(|v| !v.is_null()).map(value_type).unwrap_or(DataType::Text);
            DataType::Array(Box::new(elem))
        }
    }
}

/// The text output of a non-NULL value (what a cast to `text` gives).
pub(crate) fn to_text(v: &Value, ctx: &FnContext<'_>) -> String {
    match v {
        Value::Text(s) => s.clone(),
        Value::Bool(b) => if *b { "true" } else { "false" }.to_string(),
        Value::Int2(i) => i.to_string(),
        Value::Int4(i) => i.to_string(),
        Value::Int8(i) => i.to_string(),
        Value::Oid(i) => i.to_string(),
        Value::Numeric(d) => d.to_string(),
        other => format_text(other, &value_type(other), ctx.text),
    }
}

/// The text output of a value as it appears inside other text output (`concat`, `format`):
/// booleans are `t`/`f` there, as their type output function writes them.
pub(crate) fn output_text(v: &Value, ctx: &FnContext<'_>) -> String {
    match v {
        Value::Bool(b) => if *b { "t" } else { "f" }.to_string(),
        other => to_text(other, ctx),
    }
}

/// A `Value::Text`.
pub(crate) fn text_value(s: impl Into<String>) -> Value {
    Value::Text(s.into())
}

/// 22023 invalid parameter value.
pub(crate) fn invalid_param(message: impl Into<String>) -> SqlError {
    SqlError::new(sqlstate::INVALID_PARAMETER_VALUE, message)
}

/// 22003 for `smallint`, `integer`, `bigint` overflow.
pub(crate) fn int_out_of_range(ty: &DataType) -> SqlError {
    SqlError::out_of_range(match ty {
        DataType::Int2 => "smallint",
        DataType::Int8 => "bigint",
        _ => "integer",
    })
}

/// Converts an `i64` result to the integer value of type `ty`, or 22003.
pub(crate) fn int_value(v: i64, ty: &DataType) -> Result<Value> {
    match ty {
        DataType::Int2 => i16::try_from(v).map(Value::Int2).map_err(|_| int_out_of_range(ty)),
        DataType::Int4 => i32::try_from(v).map(Value::Int4).map_err(|_| int_out_of_range(ty)),
        _ => Ok(Value::Int8(v)),
    }
}

/// Characters of `s` as a vector (SQL string functions count characters, not bytes).
pub(crate) fn chars(s: &str) -> Vec<char> {
    s.chars().collect()
}

#[cfg(test)]
pub(crate) mod testing {
    //! A function context for unit tests.

    use crate::functions::{FnContext, FunctionEnv};
    use crate::types::TextContext;

    /// A fixed session: user `alice`, database `db`, schema `public`, one setting.
    pub(crate) struct TestEnv;

    impl FunctionEnv for TestEnv {
        fn current_user(&self) -> String {
            "alice".into()
        }
        fn current_database(&self) -> String {
            "db".into()
        }
        fn current_schema(&self) -> Option<String> {
            Some("public".into())
        }
        fn setting(&self, name: &str) -> Option<String> {
            (name == "work_mem").then(|| "4MB".into())
        }
        fn check_cancel(&self) -> crate::error::Result<()> {
            Ok(())
        }
    }

    /// Runs `f` with a context in time zone `tz`, transaction start 2024-01-15 12:00:00 UTC.
    pub(crate) fn with_ctx<R>(tz: chrono_tz::Tz, f: impl FnOnce(&FnContext<'_>) -> R) -> R {
        let text = TextContext { tz, ..TextContext::default() };
        // 2024-01-15 12:00:00 UTC in microseconds since 2000-01-01.
        let ts = (8780_i64 * 86_400 + 12 * 3600) * 1_000_000;
        let ctx = FnContext { text: &text, txn_timestamp: ts, stmt_timestamp: ts + 1, env: &TestEnv };
        f(&ctx)
    }

    /// Runs `f` with a UTC context.
    pub(crate) fn utc<R>(f: impl FnOnce(&FnContext<'_>) -> R) -> R {
        with_ctx(chrono_tz::UTC, f)
    }
}
