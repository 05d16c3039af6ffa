use super::*;
use crate::types::text::{parse_jsonb, parse_text, TextContext};
use crate::types::Interval;
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::collections::hash_map::DefaultHasher;
use std::str::FromStr;

fn h(v: &Value) -> u64 {
    let mut s = DefaultHasher::new();
    hash_value(v, &mut s);
    s.finish()
}

fn ht(v: &Value, ty: &DataType) -> u64 {
    let mut s = DefaultHasher::new();
    hash_value_typed(v, ty, &mut s);
    s.finish()
}

fn jb(s: &str) -> Json {
    parse_jsonb(s).unwrap()
}

fn num(s: &str) -> Value {
    Value::Numeric(Decimal::from_str(s).unwrap())
}

#[test]
fn floats() {
    let f = |v: f64| Value::Float8(v);
    assert_eq!(compare(&f(f64::NAN), &f(f64::INFINITY)), Ordering::Greater);
    assert_eq!(compare(&f(f64::NAN), &f(-f64::NAN)), Ordering::Equal);
    assert_eq!(compare(&f(-0.0), &f(0.0)), Ordering::Equal);
    assert_eq!(h(&f(-0.0)), h(&f(0.0)));
    assert_eq!(h(&f(f64::NAN)), h(&f(-f64::NAN)));
    assert_eq!(compare(&f(f64::NEG_INFINITY), &f(-1e308)), Ordering::Less);
    assert_eq!(compare(&Value::Float4(f32::NAN), &Value::Float4(1.0)), Ordering::Greater);
}

#[test]
fn numerics_by_value() {
    assert_eq!(compare(&num("1.0"), &num("1.00")), Ordering::Equal);
    assert_eq!(h(&num("1.0")), h(&num("1.00")));
    assert_eq!(h(&num("0")), h(&num("-0.000")));
    assert_eq!(compare(&num("-2"), &num("1")), Ordering::Less);
    assert_eq!(compare(&num("10"), &num("9.99")), Ordering::Greater);
}

#[test]
fn strings() {
    let t = |s: &str| Value::Text(s.into());
    assert_eq!(compare(&t("a"), &t("B")), Ordering::Greater);
    assert_eq!(compare(&t("a"), &t("ab")), Ordering::Less);
    assert_eq!(compare(&t("é"), &t("z")), Ordering::Greater);
    let bp = DataType::Bpchar(Some(5));
    assert_eq!(compare_typed(&t("a  "), &t("a"), &bp), Ordering::Equal);
    assert_eq!(ht(&t("a  "), &bp), ht(&t("a"), &bp));
    assert_eq!(compare_typed(&t("a "), &t("a\t"), &bp), Ordering::Less);
    assert_eq!(compare(&t("a "), &t("a\t")), Ordering::Greater);
    assert_eq!(compare_typed(&t("a "), &t("a"), &DataType::Text), Ordering::Greater);
    let arr = DataType::Array(Box::new(bp));
    let a = Value::Array(vec![t("x  ")]);
    let b = Value::Array(vec![t("x")]);
    assert_eq!(compare_typed(&a, &b, &arr), Ordering::Equal);
    assert_eq!(ht(&a, &arr), ht(&b, &arr));
}

#[test]
fn intervals_by_ordering_key() {
    let iv = |months, days, micros| Value::Interval(Interval { months, days, micros });
    assert_eq!(compare(&iv(1, 0, 0), &iv(0, 30, 0)), Ordering::Equal);
    assert_eq!(h(&iv(1, 0, 0)), h(&iv(0, 30, 0)));
    assert_eq!(compare(&iv(0, 1, 0), &iv(0, 0, 86_400_000_000)), Ordering::Equal);
    assert_eq!(compare(&iv(0, 1, 1), &iv(0, 0, 86_400_000_000)), Ordering::Greater);
    assert_eq!(compare(&iv(i32::MAX, i32::MAX, i64::MAX), &iv(i32::MIN, i32::MIN, i64::MIN)), Ordering::Greater);
}

#[test]
fn arrays() {
    let a = |v: Vec<Value>| Value::Array(v);
    let i = Value::Int4;
    assert_eq!(compare(&a(vec![i(1), i(2)]), &a(vec![i(1), i(3)])), Ordering::Less);
    assert_eq!(compare(&a(vec![i(1)]), &a(vec![i(1), i(0)])), Ordering::Less);
    assert_eq!(compare(&a(vec![i(1), Value::Null]), &a(vec![i(1), i(100)])), Ordering::Greater);
    assert_eq!(compare(&a(vec![Value::Null]), &a(vec![Value::Null])), Ordering::Equal);
    assert_eq!(compare(&a(vec![]), &a(vec![Value::Null])), Ordering::Less);
    assert_eq!(h(&a(vec![Value::Float8(-0.0)])), h(&a(vec![Value::Float8(0.0)])));
}

#[test]
fn jsonb_order() {
    let c = |x: &str, y: &str| compare(&Value::Jsonb(jb(x)), &Value::Jsonb(jb(y)));
    // Object > Array > Boolean > Number > String > Null.
    let ascending = ["null", "\"a\"", "\"b\"", "-1", "1.5", "false", "true", "[1, 2]", "{\"a\": 1}"];
    for w in ascending.windows(2) {
        assert_eq!(c(w[0], w[1]), Ordering::Less, "{} < {}", w[0], w[1]);
    }
    // Containers compare by size first.
    assert_eq!(c("[9]", "[1, 1]"), Ordering::Less);
    assert_eq!(c(r#"{"z": 1}"#, r#"{"a": 1, "b": 1}"#), Ordering::Less);
    // Keys in storage order (shorter first): {"aa":1,"c":1} > {"b":1,"d":1} as PostgreSQL documents.
    assert_eq!(c(r#"{"aa": 1, "c": 1}"#, r#"{"b": 1, "d": 1}"#), Ordering::Greater);
    // The top-level anomaly: an empty array sorts below any scalar, even null.
    assert_eq!(c("[]", "null"), Ordering::Less);
    assert_eq!(c("1", "[1]"), Ordering::Less);
    assert_eq!(c("1", "[]"), Ordering::Greater);
    assert_eq!(c("[[]]", "[1]"), Ordering::Greater);
    // Numbers by value.
    assert_eq!(c("1.0", "1"), Ordering::Equal);
    assert_eq!(c(r#"{"a": [1.50]}"#, r#"{"a": [1.5]}"#), Ordering::Equal);
    assert_eq!(h(&Value::Jsonb(jb(r#"{"a": [1.50]}"#))), h(&Value::Jsonb(jb(r#"{"a": [1.5]}"#))));
    assert_eq!(c("100", "1e2"), Ordering::Equal);
}

#[test]
fn mismatched_variants_do_not_panic() {
    assert_eq!(compare(&Value::Int4(5), &Value::Int8(1)), Ordering::Less);
    assert_eq!(compare(&Value::Text("a".into()), &Value::Int4(1)), Ordering::Greater);
    assert_eq!(compare(&Value::Null, &Value::Int4(1)), Ordering::Greater);
    assert_eq!(compare_nulls_last(&Value::Null, &Value::Int4(1)), Ordering::Greater);
    assert!(HashKey(Value::Null) == HashKey(Value::Null));
    assert!(HashKey(Value::Null) != HashKey(Value::Int4(0)));
}

fn scalar_value() -> impl Strategy<Value = (Value, DataType)> {
    prop_oneof![
        any::<i64>().prop_map(|v| (Value::Int8(v), DataType::Int8)),
        prop_oneof![any::<f64>(), Just(0.0), Just(-0.0), Just(f64::NAN)]
            .prop_map(|v| (Value::Float8(v), DataType::Float8)),
        (any::<i32>(), 0u32..6)
            .prop_map(|(m, s)| (Value::Numeric(Decimal::new(i64::from(m), s)), DataType::Numeric(None))),
        "[ab ]{0,4}".prop_map(|s| (Value::Text(s), DataType::Bpchar(None))),
        (-3i32..3, -40i32..40, -3i64..3).prop_map(|(m, d, u)| {
            (Value::Interval(Interval { months: m, days: d, micros: u * 43_200_000_000 }), DataType::Interval)
        }),
    ]
}

proptest! {
    #[test]
    fn equal_values_hash_equal((a, ty) in scalar_value(), (b, _) in scalar_value()) {
        if compare_typed(&a, &b, &ty) == Ordering::Equal {
            prop_assert_eq!(ht(&a, &ty), ht(&b, &ty));
        }
    }

    #[test]
    fn order_is_antisymmetric((a, ty) in scalar_value(), (b, _) in scalar_value()) {
        prop_assert_eq!(compare_typed(&a, &b, &ty), compare_typed(&b, &a, &ty).reverse());
    }

    #[test]
    fn jsonb_equal_values_hash_equal(x in "(0|[1-9][0-9]{0,2})(\\.[0-9]{1,3})?", y in "(0|[1-9][0-9]{0,2})(\\.[0-9]{1,3})?") {
        let (a, b) = (Value::Jsonb(jb(&format!("[{x}]"))), Value::Jsonb(jb(&format!("[{y}]"))));
        if compare(&a, &b) == Ordering::Equal {
            prop_assert_eq!(h(&a), h(&b));
        }
        let (dx, dy) = (Decimal::from_str(&x).unwrap(), Decimal::from_str(&y).unwrap());
        prop_assert_eq!(compare(&a, &b), dx.cmp(&dy));
    }
}

#[test]
fn text_parsed_values_compare_sensibly() {
    let ctx = TextContext::default();
    let p = |s: &str, ty: &DataType| parse_text(s, ty, &ctx).unwrap();
    assert_eq!(compare(&p("2024-01-01", &DataType::Date), &p("infinity", &DataType::Date)), Ordering::Less);
    assert_eq!(
        compare(&p("-infinity", &DataType::Timestamp), &p("4713-01-01 BC", &DataType::Timestamp)),
        Ordering::Less
    );
    let u = DataType::Uuid;
    assert_eq!(
        compare(&p("00000000-0000-0000-0000-000000000001", &u), &p("10000000-0000-0000-0000-000000000000", &u)),
        Ordering::Less
    );
}
