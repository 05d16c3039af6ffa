//! Concatenation (`||` for text, text with any non-array, bytea, arrays) and the array
//! operators `@>`, `<@`, `&&`. Array concatenation is not strict, as in PostgreSQL: a NULL
//! array acts as an empty one (`array_append(NULL, 1)` is `{1}`).

use std::cmp::Ordering;

use crate::error::Result;
use crate::functions::util::{arg, array, bytes, text, to_text};
use crate::functions::FnContext;
use crate::types::compare::compare;
use crate::types::Value;

/// `text || text`.
pub(crate) fn textcat(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let (a, b) = (text(args, 0)?, text(args, 1)?);
    let mut s = String::with_capacity(a.len() + b.len());
    s.push_str(a);
    s.push_str(b);
    Ok(Value::Text(s))
}

/// `text || anynonarray` and `anynonarray || text`: the non-text side is cast to text.
pub(crate) fn anytextcat(args: &[Value], ctx: &FnContext<'_>) -> Result<Value> {
    let a = to_text(arg(args, 0)?, ctx);
    let b = to_text(arg(args, 1)?, ctx);
    Ok(Value::Text(a + &b))
}

/// `bytea || bytea`.
pub(crate) fn byteacat(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let mut v = bytes(args, 0)?.to_vec();
    v.extend_from_slice(bytes(args, 1)?);
    Ok(Value::Bytea(v))
}

fn opt_array(args: &[Value], i: usize) -> Result<Option<&[Value]>> {
    match arg(args, i)? {
        Value::Null => Ok(None),
        _ => array(args, i).map(Some),
    }
}

/// `array_cat` / `anyarray || anyarray` (not strict).
pub(crate) fn array_cat(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    match (opt_array(args, 0)?, opt_array(args, 1)?) {
        (None, None) => Ok(Value::Null),
        (a, b) => Ok(Value::Array(a.unwrap_or(&[]).iter().chain(b.unwrap_or(&[])).cloned().collect())),
    }
}

/// `array_append` / `anyarray || anyelement` (not strict).
pub(crate) fn array_append(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let mut v = opt_array(args, 0)?.unwrap_or(&[]).to_vec();
    v.push(arg(args, 1)?.clone());
    Ok(Value::Array(v))
}

/// `array_prepend` / `anyelement || anyarray` (not strict).
pub(crate) fn array_prepend(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let mut v = vec![arg(args, 0)?.clone()];
    v.extend(opt_array(args, 1)?.unwrap_or(&[]).iter().cloned());
    Ok(Value::Array(v))
}

fn equal(a: &Value, b: &Value) -> bool {
    !a.is_null() && !b.is_null() && compare(a, b) == Ordering::Equal
}

fn contains(a: &[Value], b: &[Value]) -> bool {
    b.iter().all(|y| a.iter().any(|x| equal(x, y)))
}

/// `anyarray @> anyarray`: every element of the right side is in the left (NULLs never match).
pub(crate) fn array_contains(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    Ok(Value::Bool(contains(array(args, 0)?, array(args, 1)?)))
}

/// `anyarray <@ anyarray`.
pub(crate) fn array_contained(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    Ok(Value::Bool(contains(array(args, 1)?, array(args, 0)?)))
}

/// `anyarray && anyarray`: the arrays share a (non-NULL) element.
pub(crate) fn array_overlap(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let (a, b) = (array(args, 0)?, array(args, 1)?);
    Ok(Value::Bool(a.iter().any(|x| b.iter().any(|y| equal(x, y)))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::util::testing::utc;

    fn ints(v: &[i32]) -> Value {
        Value::Array(v.iter().map(|i| Value::Int4(*i)).collect())
    }

    fn as_ints(v: Value) -> Vec<Option<i32>> {
        match v {
            Value::Array(items) => items.iter().map(|x| if let Value::Int4(i) = x { Some(*i) } else { None }).collect(),
            other => panic!("not an array: {other:?}"),
        }
    }

    #[test]
    fn concatenation() {
        utc(|ctx| {
            let t = |s: &str| Value::Text(s.into());
            assert_eq!(textcat(&[t("ab"), t("cd")], ctx).unwrap().as_str(), Some("abcd"));
            assert_eq!(anytextcat(&[t("n="), Value::Int4(5)], ctx).unwrap().as_str(), Some("n=5"));
            assert_eq!(anytextcat(&[Value::Bool(true), t("!")], ctx).unwrap().as_str(), Some("true!"));
            assert!(
                matches!(byteacat(&[Value::Bytea(vec![1]), Value::Bytea(vec![2])], ctx).unwrap(), Value::Bytea(b) if b == vec![1, 2])
            );
            assert_eq!(as_ints(array_cat(&[ints(&[1, 2]), ints(&[3])], ctx).unwrap()), vec![Some(1), Some(2), Some(3)]);
            assert_eq!(as_ints(array_cat(&[Value::Null, ints(&[3])], ctx).unwrap()), vec![Some(3)]);
            assert!(array_cat(&[Value::Null, Value::Null], ctx).unwrap().is_null());
            assert_eq!(as_ints(array_append(&[ints(&[1]), Value::Int4(2)], ctx).unwrap()), vec![Some(1), Some(2)]);
            assert_eq!(as_ints(array_append(&[Value::Null, Value::Null], ctx).unwrap()), vec![None]);
            assert_eq!(as_ints(array_prepend(&[Value::Int4(0), ints(&[1])], ctx).unwrap()), vec![Some(0), Some(1)]);
        });
    }
}
