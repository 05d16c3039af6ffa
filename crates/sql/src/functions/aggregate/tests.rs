//! Aggregate tests: resolution and results against PostgreSQL's documented outputs.

use std::str::FromStr;

use rust_decimal::Decimal;

use super::*;
use crate::functions::jsonutil as ju;
use crate::types::Interval;

/// Resolves `name` for `types` and feeds `rows` (one argument list per row).
fn run(name: &str, types: &[DataType], rows: &[Vec<Value>]) -> Result<Value> {
    let r = resolve_aggregate(name, types, false)?.expect("aggregate");
    let mut acc = (r.make)(&r.arg_types);
    for row in rows {
        acc.update(row)?;
    }
    acc.finish()
}

fn ints(name: &str, values: &[Option<i32>]) -> Result<Value> {
    let rows: Vec<Vec<Value>> = values.iter().map(|v| vec![v.map(Value::Int4).unwrap_or(Value::Null)]).collect();
    run(name, &[DataType::Int4], &rows)
}

fn floats(name: &str, values: &[f64]) -> Result<Value> {
    let rows: Vec<Vec<Value>> = values.iter().map(|v| vec![Value::Float8(*v)]).collect();
    run(name, &[DataType::Float8], &rows)
}

fn nums(name: &str, values: &[&str]) -> Result<Value> {
    let rows: Vec<Vec<Value>> = values.iter().map(|v| vec![Value::Numeric(Decimal::from_str(v).unwrap())]).collect();
    run(name, &[DataType::Numeric(None)], &rows)
}

fn show(v: Result<Value>) -> String {
    match v {
        Ok(Value::Numeric(d)) => d.to_string(),
        Ok(Value::Int8(i)) => i.to_string(),
        Ok(Value::Int4(i)) => i.to_string(),
        Ok(Value::Int2(i)) => i.to_string(),
        Ok(Value::Float8(f)) => f.to_string(),
        Ok(Value::Float4(f)) => f.to_string(),
        Ok(Value::Text(s)) | Ok(Value::Json(s)) => s,
        Ok(Value::Jsonb(j)) => ju::jsonb_text(&j),
        Ok(Value::Bool(b)) => b.to_string(),
        Ok(Value::Null) => "NULL".into(),
        Ok(other) => format!("{other:?}"),
        Err(e) => format!("ERROR {}: {}", e.code, e.message),
    }
}

#[test]
fn resolution() {
    let r = resolve_aggregate("sum", &[DataType::Int4], false).unwrap().unwrap();
    assert_eq!(r.ret, DataType::Int8);
    let r = resolve_aggregate("sum", &[DataType::Int8], false).unwrap().unwrap();
    assert_eq!(r.ret, DataType::Numeric(None));
    let r = resolve_aggregate("avg", &[DataType::Int2], false).unwrap().unwrap();
    assert_eq!(r.ret, DataType::Numeric(None));
    let r = resolve_aggregate("avg", &[DataType::Float4], false).unwrap().unwrap();
    assert_eq!(r.ret, DataType::Float8);
    let r = resolve_aggregate("sum", &[DataType::Float4], false).unwrap().unwrap();
    assert_eq!(r.ret, DataType::Float4);
    let r = resolve_aggregate("max", &[DataType::Date], false).unwrap().unwrap();
    assert_eq!(r.ret, DataType::Date);
    let arr = DataType::Array(Box::new(DataType::Int4));
    let r = resolve_aggregate("max", std::slice::from_ref(&arr), false).unwrap().unwrap();
    assert_eq!(r.ret, arr);
    let r = resolve_aggregate("array_agg", &[DataType::Text], false).unwrap().unwrap();
    assert_eq!(r.ret, DataType::Array(Box::new(DataType::Text)));
    let r = resolve_aggregate("count", &[], true).unwrap().unwrap();
    assert_eq!((r.arg_types.len(), r.ret), (0, DataType::Int8));
    let r = resolve_aggregate("count", &[DataType::Jsonb], false).unwrap().unwrap();
    assert_eq!(r.arg_types, vec![DataType::Jsonb]);
    let r = resolve_aggregate("stddev", &[DataType::Int8], false).unwrap().unwrap();
    assert_eq!(r.ret, DataType::Numeric(None));
    let r = resolve_aggregate("variance", &[DataType::Float8], false).unwrap().unwrap();
    assert_eq!(r.ret, DataType::Float8);
    assert!(resolve_aggregate("lower", &[DataType::Text], false).unwrap().is_none());
    let e = resolve_aggregate("sum", &[DataType::Bool], false).unwrap_err();
    assert_eq!((e.code, e.message.as_str()), ("42883", "function sum(boolean) does not exist"));
    let e = resolve_aggregate("max", &[DataType::Bool], false).unwrap_err();
    assert_eq!(e.code, "42883");
    let e = resolve_aggregate("sum", &[], true).unwrap_err();
    assert_eq!(e.message, "function sum() does not exist");
    let e = resolve_aggregate("count", &[], false).unwrap_err();
    assert_eq!(e.code, "42809");
    assert!(is_aggregate("string_agg"));
}

#[test]
fn counts_sums_and_empty_input() {
    let r = resolve_aggregate("count", &[], true).unwrap().unwrap();
    let mut acc = (r.make)(&[]);
    acc.update(&[]).unwrap();
    acc.update(&[]).unwrap();
    assert_eq!(show(acc.finish()), "2");
    assert_eq!(show(ints("count", &[Some(1), None, Some(3)])), "2");
    assert_eq!(show(ints("count", &[])), "0");
    assert_eq!(show(ints("sum", &[Some(1), None, Some(3)])), "4");
    assert_eq!(show(ints("sum", &[])), "NULL");
    assert_eq!(show(ints("sum", &[None])), "NULL");
    assert_eq!(show(ints("sum", &[Some(i32::MAX), Some(i32::MAX)])), "4294967294");
    let big: Vec<Vec<Value>> = vec![vec![Value::Int8(i64::MAX)], vec![Value::Int8(i64::MAX)]];
    assert_eq!(show(run("sum", &[DataType::Int8], &big)), "18446744073709551614");
    assert_eq!(show(nums("sum", &["1.5", "2.25"])), "3.75");
    assert_eq!(show(floats("sum", &[0.5, 0.25])), "0.75");
    assert_eq!(show(floats("sum", &[1e308, 1e308])), "ERROR 22003: value out of range: overflow");
    let f4: Vec<Vec<Value>> = vec![vec![Value::Float4(1.5)], vec![Value::Float4(2.0)]];
    assert_eq!(show(run("sum", &[DataType::Float4], &f4)), "3.5");
    let ivs: Vec<Vec<Value>> = vec![
        vec![Value::Interval(Interval { months: 1, days: 2, micros: 3 })],
        vec![Value::Interval(Interval { months: 1, days: 0, micros: 1 })],
    ];
    assert!(
        matches!(run("sum", &[DataType::Interval], &ivs), Ok(Value::Interval(i)) if i == Interval { months: 2, days: 2, micros: 4 })
    );
    assert!(
        matches!(run("avg", &[DataType::Interval], &ivs), Ok(Value::Interval(i)) if i == Interval { months: 1, days: 1, micros: 2 })
    );
}

#[test]
fn averages_with_postgres_scale() {
    assert_eq!(show(ints("avg", &[Some(1), Some(2)])), "1.5000000000000000");
    assert_eq!(show(ints("avg", &[Some(1), Some(2), Some(4)])), "2.3333333333333333");
    assert_eq!(show(ints("avg", &[Some(10), Some(20)])), "15.0000000000000000");
    assert_eq!(show(ints("avg", &[Some(3)])), "3.0000000000000000");
    assert_eq!(show(ints("avg", &[])), "NULL");
    assert_eq!(show(nums("avg", &["1.10", "2.20"])), "1.6500000000000000");
    assert_eq!(show(floats("avg", &[1.0, 2.0])), "1.5");
}

#[test]
fn statistics() {
    assert_eq!(show(ints("variance", &[Some(1), Some(2), Some(3)])), "1.00000000000000000000");
    assert_eq!(show(ints("stddev", &[Some(1), Some(2), Some(3)])), "1.00000000000000000000");
    assert_eq!(show(ints("var_pop", &[Some(1), Some(2), Some(3), Some(4)])), "1.2500000000000000");
    assert_eq!(show(ints("stddev_pop", &[Some(1), Some(2), Some(3), Some(4)])), "1.1180339887498948");
    assert_eq!(
        show(ints("stddev_samp", &[Some(2), Some(4), Some(4), Some(4), Some(5), Some(5), Some(7), Some(9)])),
        "2.1380899352993951"
    );
    assert_eq!(show(ints("var_samp", &[Some(5)])), "NULL");
    assert_eq!(show(ints("var_pop", &[Some(5)])), "0");
    assert_eq!(show(ints("var_samp", &[Some(5), Some(5)])), "0");
    assert_eq!(show(nums("var_samp", &["1.5", "2.5"])), "0.50000000000000000000");
    assert_eq!(show(floats("var_samp", &[1.0, 2.0, 3.0, 4.0])), (5.0f64 / 3.0).to_string());
    assert_eq!(show(floats("stddev_pop", &[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0])), "2");
    assert_eq!(show(floats("var_pop", &[])), "NULL");
    assert_eq!(show(floats("var_samp", &[1.0])), "NULL");
}

#[test]
fn min_max_bool_bit() {
    assert_eq!(show(ints("min", &[Some(3), None, Some(1), Some(2)])), "1");
    assert_eq!(show(ints("max", &[Some(3), None, Some(1), Some(2)])), "3");
    assert_eq!(show(ints("max", &[None])), "NULL");
    let texts: Vec<Vec<Value>> = ["b", "a", "c"].iter().map(|s| vec![Value::Text((*s).into())]).collect();
    assert_eq!(show(run("min", &[DataType::Text], &texts)), "a");
    assert_eq!(show(run("max", &[DataType::Varchar(Some(5))], &texts)), "c");
    assert_eq!(show(floats("max", &[1.0, f64::NAN, 2.0])), "NaN");
    let bools = |v: &[Option<bool>]| -> Vec<Vec<Value>> {
        v.iter().map(|b| vec![b.map(Value::Bool).unwrap_or(Value::Null)]).collect()
    };
    assert_eq!(show(run("bool_and", &[DataType::Bool], &bools(&[Some(true), None, Some(false)]))), "false");
    assert_eq!(show(run("every", &[DataType::Bool], &bools(&[Some(true), None]))), "true");
    assert_eq!(show(run("bool_or", &[DataType::Bool], &bools(&[Some(false), Some(true)]))), "true");
    assert_eq!(show(run("bool_or", &[DataType::Bool], &bools(&[]))), "NULL");
    assert_eq!(show(ints("bit_and", &[Some(12), Some(10)])), "8");
    assert_eq!(show(ints("bit_or", &[Some(12), Some(10)])), "14");
    assert_eq!(show(ints("bit_xor", &[Some(12), Some(10)])), "6");
}

#[test]
fn collecting_aggregates() {
    let rows = |v: &[Option<&str>]| -> Vec<Vec<Value>> {
        v.iter()
            .map(|s| vec![s.map(|s| Value::Text(s.into())).unwrap_or(Value::Null), Value::Text(", ".into())])
            .collect()
    };
    assert_eq!(
        show(run("string_agg", &[DataType::Text, DataType::Text], &rows(&[Some("a"), None, Some("b"), Some("c")]))),
        "a, b, c"
    );
    assert_eq!(show(run("string_agg", &[DataType::Text, DataType::Text], &rows(&[None]))), "NULL");
    assert_eq!(show(run("string_agg", &[DataType::Text, DataType::Unknown], &rows(&[Some("x")]))), "x");
    let r = ints("array_agg", &[Some(1), None, Some(2)]).unwrap();
    assert!(matches!(&r, Value::Array(v) if v.len() == 3 && v[1].is_null()));
    assert_eq!(show(ints("array_agg", &[])), "NULL");
    assert_eq!(show(ints("json_agg", &[Some(1), None, Some(2)])), "[1, null, 2]");
    assert_eq!(show(ints("jsonb_agg", &[Some(1), None])), "[1, null]");
    let kv: Vec<Vec<Value>> =
        vec![vec![Value::Text("a".into()), Value::Int4(1)], vec![Value::Text("b".into()), Value::Null]];
    assert_eq!(show(run("json_object_agg", &[DataType::Text, DataType::Int4], &kv)), r#"{ "a" : 1, "b" : null }"#);
    assert_eq!(show(run("jsonb_object_agg", &[DataType::Text, DataType::Int4], &kv)), r#"{"a": 1, "b": null}"#);
    let bad: Vec<Vec<Value>> = vec![vec![Value::Null, Value::Int4(1)]];
    assert_eq!(
        show(run("json_object_agg", &[DataType::Text, DataType::Int4], &bad)),
        "ERROR 22004: null value not allowed for object key"
    );
    let e = resolve_aggregate("array_agg", &[DataType::Array(Box::new(DataType::Int4))], false).unwrap_err();
    assert_eq!(e.code, "0A000");
}

#[test]
fn json_aggregates_use_session_zone() {
    let r = resolve_aggregate("json_agg", &[DataType::TimestampTz], false).unwrap().unwrap();
    let mut acc = (r.make)(&r.arg_types);
    acc.set_text_context(&TextContext { tz: chrono_tz::Asia::Tokyo, ..TextContext::default() });
    acc.update(&[Value::TimestampTz(0)]).unwrap();
    assert_eq!(show(acc.finish()), r#"["2000-01-01T09:00:00+09:00"]"#);
}
