//! Array functions: `array_length`, `cardinality`, `array_upper`, `array_lower`,
//! `array_ndims`, `array_dims`, `array_position(s)`, `array_append`, `array_prepend`,
//! `array_cat`, `array_remove`, `array_replace`, `array_to_string`, `string_to_array`,
//! `array_fill`, `trim_array`, `array_shuffle`, `array_sample`.
//!
//! Tandem's arrays are one-dimensional with lower bound 1, so the dimension functions answer
//! for dimension 1 and give NULL for others. Searching functions compare with
//! `IS NOT DISTINCT FROM` (a NULL finds NULL elements), as PostgreSQL's do.

use std::cmp::Ordering;

use crate::error::{sqlstate, Result, SqlError};
use crate::functions::operators::array::{array_append, array_cat, array_prepend};
use crate::functions::resolve::{p, Param, Ret};
use crate::functions::scalar::math::next_random;
use crate::functions::scalar::Functions;
use crate::functions::util::{arg, array, int4, output_text, text, text_value};
use crate::functions::FnContext;
use crate::types::compare::compare;
use crate::types::{DataType, Value};

/// `array[lower:upper]` (1-based, inclusive; bounds past the ends are clipped, and an empty
/// range gives an empty array).
pub(crate) fn array_slice(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let items = array(args, 0)?;
    let (lower, upper) = (int4(args, 1)?.max(1) as usize, int4(args, 2)?);
    if upper < 1 || lower > upper as usize {
        return Ok(Value::Array(Vec::new()));
    }
    let upper = (upper as usize).min(items.len());
    Ok(Value::Array(items.get(lower - 1..upper).map(<[Value]>::to_vec).unwrap_or_default()))
}

pub(super) fn register(r: &mut Functions) {
    use DataType::{Int4, Text};
    r.add("array_length", [Param::AnyArray, p::INT4], Int4.clone(), array_length);
    r.add("cardinality", [Param::AnyArray], Int4.clone(), |a, _| Ok(Value::Int4(array(a, 0)?.len() as i32)));
    r.add("array_upper", [Param::AnyArray, p::INT4], Int4.clone(), array_length);
    r.add("array_lower", [Param::AnyArray, p::INT4], Int4.clone(), array_lower);
    r.add("array_ndims", [Param::AnyArray], Int4.clone(), |a, _| {
        Ok(if array(a, 0)?.is_empty() { Value::Null } else { Value::Int4(1) })
    });
    r.add("array_dims", [Param::AnyArray], Text.clone(), array_dims);
    r.add("array_position", [Param::AnyCompatibleArray, Param::AnyCompatible], Int4.clone(), array_position)
        .nonstrict();
    r.add("array_position", [Param::AnyCompatibleArray, Param::AnyCompatible, p::INT4], Int4.clone(), array_position)
        .nonstrict();
    r.add(
        "array_positions",
        [Param::AnyCompatibleArray, Param::AnyCompatible],
        DataType::Array(Box::new(Int4)),
        array_positions,
    )
    .nonstrict();
    r.add("array_append", [Param::AnyCompatibleArray, Param::AnyCompatible], Ret::Array, array_append).nonstrict();
    r.add("array_prepend", [Param::AnyCompatible, Param::AnyCompatibleArray], Ret::Array, array_prepend).nonstrict();
    r.add("array_cat", [Param::AnyCompatibleArray, Param::AnyCompatibleArray], Ret::Array, array_cat).nonstrict();
    r.add("array_remove", [Param::AnyCompatibleArray, Param::AnyCompatible], Ret::Array, array_remove).nonstrict();
    r.add(
        "array_replace",
        [Param::AnyCompatibleArray, Param::AnyCompatible, Param::AnyCompatible],
        Ret::Array,
        array_replace,
    )
    .nonstrict();
    r.add("array_to_string", [Param::AnyArray, p::TEXT], Text.clone(), array_to_string).stable();
    r.add("array_to_string", [Param::AnyArray, p::TEXT, p::TEXT], Text, array_to_string).nonstrict().stable();
    let text_arr = DataType::Array(Box::new(DataType::Text));
    r.add("string_to_array", [p::TEXT, p::TEXT], text_arr.clone(), string_to_array).nonstrict();
    r.add("string_to_array", [p::TEXT, p::TEXT, p::TEXT], text_arr, string_to_array).nonstrict();
    r.add("array_fill", [Param::AnyElement, p::array(DataType::Int4)], Ret::Array, array_fill);
    r.add("trim_array", [Param::AnyArray, p::INT4], Ret::Array, trim_array);
    r.add("array_shuffle", [Param::AnyArray], Ret::Array, array_shuffle).volatile();
    r.add("array_sample", [Param::AnyArray, p::INT4], Ret::Array, array_sample).volatile();
}

/// `IS NOT DISTINCT FROM` for array elements.
fn not_distinct(a: &Value, b: &Value) -> bool {
    match (a.is_null(), b.is_null()) {
        (true, true) => true,
        (false, false) => compare(a, b) == Ordering::Equal,
        _ => false,
    }
}

fn array_length(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let a = array(args, 0)?;
    Ok(if a.is_empty() || int4(args, 1)? != 1 { Value::Null } else { Value::Int4(a.len() as i32) })
}

fn array_lower(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let a = array(args, 0)?;
    Ok(if a.is_empty() || int4(args, 1)? != 1 { Value::Null } else { Value::Int4(1) })
}

fn array_dims(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let a = array(args, 0)?;
    Ok(if a.is_empty() { Value::Null } else { text_value(format!("[1:{}]", a.len())) })
}

fn nullable_array(args: &[Value], i: usize) -> Result<Option<&[Value]>> {
    match arg(args, i)? {
        Value::Null => Ok(None),
        _ => array(args, i).map(Some),
    }
}

fn array_position(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let Some(a) = nullable_array(args, 0)? else { return Ok(Value::Null) };
    let needle = arg(args, 1)?;
    let start = match args.get(2) {
        None => 1,
        Some(Value::Null) => {
            return Err(SqlError::new(sqlstate::NULL_VALUE_NOT_ALLOWED, "initial position must not be null"))
        }
        Some(_) => int4(args, 2)?,
    };
    let from = usize::try_from(start.max(1) - 1).unwrap_or(0);
    Ok(a.iter()
        .enumerate()
        .skip(from)
        .find(|(_, v)| not_distinct(v, needle))
        .map(|(i, _)| Value::Int4(i as i32 + 1))
        .unwrap_or(Value::Null))
}

fn array_positions(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let Some(a) = nullable_array(args, 0)? else { return Ok(Value::Null) };
    let needle = arg(args, 1)?;
    Ok(Value::Array(
        a.iter().enumerate().filter(|(_, v)| not_distinct(v, needle)).map(|(i, _)| Value::Int4(i as i32 + 1)).collect(),
    ))
}

fn array_remove(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let Some(a) = nullable_array(args, 0)? else { return Ok(Value::Null) };
    let needle = arg(args, 1)?;
    Ok(Value::Array(a.iter().filter(|v| !not_distinct(v, needle)).cloned().collect()))
}

fn array_replace(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let Some(a) = nullable_array(args, 0)? else { return Ok(Value::Null) };
    let (from, to) = (arg(args, 1)?, arg(args, 2)?);
    Ok(Value::Array(a.iter().map(|v| if not_distinct(v, from) { to.clone() } else { v.clone() }).collect()))
}

fn array_to_string(args: &[Value], ctx: &FnContext<'_>) -> Result<Value> {
    if arg(args, 0)?.is_null() || arg(args, 1)?.is_null() {
        return Ok(Value::Null);
    }
    let (a, sep) = (array(args, 0)?, text(args, 1)?);
    let null_text = match args.get(2) {
        Some(Value::Text(s)) => Some(s.as_str()),
        _ => None,
    };
    let parts: Vec<String> = a
        .iter()
        .filter_map(|v| match v {
            Value::Null => null_text.map(str::to_string),
            v => Some(output_text(v, ctx)),
        })
        .collect();
    Ok(text_value(parts.join(sep)))
}

fn string_to_array(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let s = match arg(args, 0)? {
        Value::Null => return Ok(Value::Null),
        _ => text(args, 0)?,
    };
    let null_text = match args.get(2) {
        Some(Value::Text(n)) => Some(n.as_str()),
        _ => None,
    };
    let elem = |x: &str| if Some(x) == null_text { Value::Null } else { text_value(x) };
    if s.is_empty() {
        return Ok(Value::Array(Vec::new()));
    }
    let items = match arg(args, 1)? {
        Value::Null => s.chars().map(|c| elem(&c.to_string())).collect(),
        _ => {
            let d = text(args, 1)?;
            if d.is_empty() {
                vec![elem(s)]
            } else {
                s.split(d).map(elem).collect()
            }
        }
    };
    Ok(Value::Array(items))
}

fn array_fill(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let dims = array(args, 1)?;
    let [Value::Int4(n)] = dims else {
        return Err(SqlError::unsupported("array_fill with other than one dimension"));
    };
    if *n < 0 {
        return Err(SqlError::new(
            sqlstate::PROGRAM_LIMIT_EXCEEDED,
            "array size exceeds the maximum allowed (134217727)",
        ));
    }
    if *n > 134_217_727 {
        return Err(SqlError::new(
            sqlstate::PROGRAM_LIMIT_EXCEEDED,
            "array size exceeds the maximum allowed (134217727)",
        ));
    }
    Ok(Value::Array(vec![arg(args, 0)?.clone(); *n as usize]))
}

fn trim_array(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let a = array(args, 0)?;
    let n = int4(args, 1)?;
    match usize::try_from(n) {
        Ok(k) if k <= a.len() => Ok(Value::Array(a[..a.len() - k].to_vec())),
        _ => Err(SqlError::new(
            sqlstate::ARRAY_SUBSCRIPT_ERROR,
            format!("number of elements to trim must be between 0 and {}", a.len()),
        )),
    }
}

fn shuffled(a: &[Value]) -> Vec<Value> {
    let mut v = a.to_vec();
    for i in (1..v.len()).rev() {
        let j = (next_random() % (i as u64 + 1)) as usize;
        v.swap(i, j);
    }
    v
}

fn array_shuffle(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    Ok(Value::Array(shuffled(array(args, 0)?)))
}

fn array_sample(args: &[Value], _: &FnContext<'_>) -> Result<Value> {
    let a = array(args, 0)?;
    let n = int4(args, 1)?;
    match usize::try_from(n) {
        Ok(k) if k <= a.len() => {
            let mut v = shuffled(a);
            v.truncate(k);
            Ok(Value::Array(v))
        }
        _ => Err(SqlError::new(
            sqlstate::INVALID_PARAMETER_VALUE,
            format!("sample size must be between 0 and {}", a.len()),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::scalar::testing::{call_typed as call, i, null, t, text_of};

    fn ints(v: &[Option<i32>]) -> (Value, DataType) {
        (
            Value::Array(v.iter().map(|x| x.map(Value::Int4).unwrap_or(Value::Null)).collect()),
            DataType::Array(Box::new(DataType::Int4)),
        )
    }

    fn as_ints(v: Result<Value>) -> Vec<Option<i64>> {
        match v {
            Ok(Value::Array(items)) => items.iter().map(Value::as_i64).collect(),
            other => panic!("{other:?}"),
        }
    }

    fn texts(v: Result<Value>) -> Vec<Option<String>> {
        match v {
            Ok(Value::Array(items)) => items.iter().map(|x| x.as_str().map(str::to_string)).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn dimensions() {
        let a = ints(&[Some(1), Some(2), Some(3)]);
        let empty = ints(&[]);
        assert_eq!(call("array_length", &[a.clone(), i(1)]).unwrap().as_i64(), Some(3));
        assert!(call("array_length", &[a.clone(), i(2)]).unwrap().is_null());
        assert!(call("array_length", &[empty.clone(), i(1)]).unwrap().is_null());
        assert_eq!(call("cardinality", std::slice::from_ref(&a)).unwrap().as_i64(), Some(3));
        assert_eq!(call("cardinality", std::slice::from_ref(&empty)).unwrap().as_i64(), Some(0));
        assert_eq!(call("array_upper", &[a.clone(), i(1)]).unwrap().as_i64(), Some(3));
        assert_eq!(call("array_lower", &[a.clone(), i(1)]).unwrap().as_i64(), Some(1));
        assert_eq!(call("array_ndims", std::slice::from_ref(&a)).unwrap().as_i64(), Some(1));
        assert_eq!(text_of(call("array_dims", &[a])), "[1:3]");
        assert_eq!(text_of(call("array_dims", &[empty])), "<NULL>");
    }

    #[test]
    fn searching_and_editing() {
        let a = ints(&[Some(1), Some(2), None, Some(2)]);
        assert_eq!(call("array_position", &[a.clone(), i(2)]).unwrap().as_i64(), Some(2));
        assert_eq!(call("array_position", &[a.clone(), i(2), i(3)]).unwrap().as_i64(), Some(4));
        assert_eq!(call("array_position", &[a.clone(), null(DataType::Int4)]).unwrap().as_i64(), Some(3));
        assert!(call("array_position", &[a.clone(), i(9)]).unwrap().is_null());
        assert_eq!(as_ints(call("array_positions", &[a.clone(), i(2)])), vec![Some(2), Some(4)]);
        assert_eq!(as_ints(call("array_remove", &[a.clone(), i(2)])), vec![Some(1), None]);
        assert_eq!(as_ints(call("array_remove", &[a.clone(), null(DataType::Int4)])), vec![Some(1), Some(2), Some(2)]);
        assert_eq!(as_ints(call("array_replace", &[a.clone(), i(2), i(7)])), vec![Some(1), Some(7), None, Some(7)]);
        assert_eq!(as_ints(call("array_append", &[ints(&[Some(1)]), i(2)])), vec![Some(1), Some(2)]);
        assert_eq!(as_ints(call("array_prepend", &[i(0), ints(&[Some(1)])])), vec![Some(0), Some(1)]);
        assert_eq!(as_ints(call("array_cat", &[ints(&[Some(1)]), ints(&[Some(2)])])), vec![Some(1), Some(2)]);
        assert_eq!(as_ints(call("array_fill", &[i(7), ints(&[Some(3)])])), vec![Some(7), Some(7), Some(7)]);
        assert_eq!(as_ints(call("trim_array", &[a.clone(), i(2)])), vec![Some(1), Some(2)]);
        assert_eq!(
            text_of(call("trim_array", &[a.clone(), i(5)])),
            "ERROR 2202E: number of elements to trim must be between 0 and 4"
        );
        let mut s = as_ints(call("array_shuffle", &[ints(&[Some(1), Some(2), Some(3)])]));
        s.sort();
        assert_eq!(s, vec![Some(1), Some(2), Some(3)]);
        assert_eq!(as_ints(call("array_sample", &[ints(&[Some(1), Some(2), Some(3)]), i(2)])).len(), 2);
    }

    #[test]
    fn strings() {
        let a = ints(&[Some(1), Some(2), None, Some(3)]);
        assert_eq!(text_of(call("array_to_string", &[a.clone(), t(",")])), "1,2,3");
        assert_eq!(text_of(call("array_to_string", &[a.clone(), t(","), t("*")])), "1,2,*,3");
        assert_eq!(text_of(call("array_to_string", &[a, t(","), null(DataType::Text)])), "1,2,3");
        let b = (Value::Array(vec![Value::Bool(true)]), DataType::Array(Box::new(DataType::Bool)));
        assert_eq!(text_of(call("array_to_string", &[b, t(",")])), "t");
        assert_eq!(
            texts(call("string_to_array", &[t("xx~~yy~~zz"), t("~~")])),
            vec![Some("xx".into()), Some("yy".into()), Some("zz".into())]
        );
        assert_eq!(
            texts(call("string_to_array", &[t("xx~^~yy~^~zz"), t("~^~"), t("yy")])),
            vec![Some("xx".into()), None, Some("zz".into())]
        );
        assert_eq!(
            texts(call("string_to_array", &[t("abc"), null(DataType::Text)])),
            vec![Some("a".into()), Some("b".into()), Some("c".into())]
        );
        assert_eq!(texts(call("string_to_array", &[t("abc"), t("")])), vec![Some("abc".into())]);
        assert_eq!(texts(call("string_to_array", &[t(""), t(",")])), Vec::<Option<String>>::new());
        assert!(call("string_to_array", &[null(DataType::Text), t(",")]).unwrap().is_null());
    }
}
