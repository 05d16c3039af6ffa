use super::*;
use crate::types::compare::compare_typed;
use crate::types::datetime::{END_TIMESTAMP, MIN_TIMESTAMP};
use crate::types::text::parse_jsonb;
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::cmp::Ordering;
use std::str::FromStr;

fn enc(v: &Value, ty: &DataType) -> Vec<u8> {
    let mut w = KeyWriter::new();
    encode_key(v, ty, &mut w);
    w.finish()
}

fn dec(bytes: &[u8], ty: &DataType) -> Value {
    let mut r = KeyReader::new(bytes);
    let v = decode_key(&mut r, ty).unwrap_or_else(|e| panic!("{ty}: {e}"));
    assert!(r.is_empty(), "{ty}: bytes left over");
    v
}

/// Checks that byte order equals value order and that decoding gives an equal value.
fn check(a: &Value, b: &Value, ty: &DataType) -> std::result::Result<(), TestCaseError> {
    let (ea, eb) = (enc(a, ty), enc(b, ty));
    let expected = match (a.is_null(), b.is_null()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => compare_typed(a, b, ty),
    };
    prop_assert_eq!(ea.cmp(&eb), expected, "{:?} vs {:?} as {}", a, b, ty);
    let back = dec(&ea, ty);
    prop_assert_eq!(compare_typed(&back, a, ty), Ordering::Equal, "{:?} decoded as {:?}", a, back);
    prop_assert_eq!(enc(&back, ty), ea);
    Ok(())
}

fn num(s: &str) -> Value {
    Value::Numeric(Decimal::from_str(s).unwrap())
}

#[test]
fn known_orders() {
    let n = DataType::Numeric(None);
    let sorted = [
        "-1000", "-999.5", "-1", "-0.5", "-0.05", "0", "0.001", "0.1", "0.101", "0.11", "1", "1.5", "10", "99.9", "100",
    ];
    for w in sorted.windows(2) {
        assert!(enc(&num(w[0]), &n) < enc(&num(w[1]), &n), "{} < {}", w[0], w[1]);
    }
    assert_eq!(enc(&num("1.0"), &n), enc(&num("1.00"), &n));
    assert_eq!(enc(&num("1.0"), &n), enc(&num("1"), &n));
    assert_eq!(enc(&num("-0.00"), &n), enc(&num("0"), &n));
    assert!(matches!(dec(&enc(&num("1.50"), &n), &n), Value::Numeric(d) if d.to_string() == "1.5"));
    assert!(enc(&Value::Int4(5), &DataType::Int4) < enc(&Value::Null, &DataType::Int4));
    let bp = DataType::Bpchar(Some(4));
    assert_eq!(enc(&Value::Text("ab  ".into()), &bp), enc(&Value::Text("ab".into()), &bp));
    let iv = DataType::Interval;
    let month = Value::Interval(Interval { months: 1, days: 0, micros: 0 });
    let days = Value::Interval(Interval { months: 0, days: 30, micros: 0 });
    assert_eq!(enc(&month, &iv), enc(&days, &iv));
    assert!(matches!(dec(&enc(&days, &iv), &iv), Value::Interval(Interval { months: 1, days: 0, micros: 0 })));
    let arr = DataType::Array(Box::new(DataType::Int4));
    let a = |v: Vec<Value>| Value::Array(v);
    assert!(enc(&a(vec![]), &arr) < enc(&a(vec![Value::Int4(i32::MIN)]), &arr));
    assert!(enc(&a(vec![Value::Int4(1)]), &arr) < enc(&a(vec![Value::Null]), &arr));
}

#[test]
fn jsonb_known_orders() {
    let ty = DataType::Jsonb;
    let j = |s: &str| Value::Jsonb(parse_jsonb(s).unwrap());
    let sorted = [
        "[]",
        "null",
        "\"\"",
        "\"a\"",
        "-5",
        "0",
        "2.5",
        "false",
        "true",
        "[0]",
        "[[]]",
        "[1, 2]",
        "{}",
        r#"{"b": 1}"#,
        r#"{"aa": 1, "c": 1}"#,
    ];
    for w in sorted.windows(2) {
        assert!(enc(&j(w[0]), &ty) < enc(&j(w[1]), &ty), "{} < {}", w[0], w[1]);
        assert_eq!(compare_typed(&j(w[0]), &j(w[1]), &ty), Ordering::Less, "{} < {}", w[0], w[1]);
    }
    assert_eq!(enc(&j(r#"{"a": 1.0}"#), &ty), enc(&j(r#"{"a": 1}"#), &ty));
}

#[test]
fn corrupt_keys_are_errors() {
    for (bytes, ty) in [
        (vec![], DataType::Int4),
        (vec![7], DataType::Int4),
        (vec![PRESENT, 0x80], DataType::Int8),
        (vec![PRESENT, 0x09], DataType::Numeric(None)),
        (vec![PRESENT, NUM_POSITIVE, 0x80, 0, 0, 1, 200, 0], DataType::Numeric(None)),
        (vec![PRESENT, NUM_POSITIVE, 0x80, 0, 0, 1, 1, 0], DataType::Numeric(None)),
        (vec![PRESENT, 0x99], DataType::Jsonb),
        (vec![PRESENT, 1, 2], DataType::Array(Box::new(DataType::Int4))),
        (vec![PRESENT, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], DataType::Int2),
    ] {
        let e = decode_key(&mut KeyReader::new(&bytes), &ty).unwrap_err();
        assert_eq!(e.code, "XX001", "{bytes:?} as {ty}");
    }
}

#[test]
fn mismatched_value_does_not_panic() {
    let mut w = KeyWriter::new();
    encode_key(&Value::Text("x".into()), &DataType::Int4, &mut w);
    assert!(decode_key(&mut KeyReader::new(w.as_bytes()), &DataType::Int4).is_err());
}

fn json_strategy() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        "-?(0|[1-9][0-9]{0,3})(\\.[0-9]{1,3})?".prop_map(|s| parse_jsonb(&s).unwrap()),
        "[ab\u{e9}]{0,3}".prop_map(Json::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Json::Array),
            prop::collection::btree_map("[a-c]{0,2}", inner, 0..4).prop_map(|m| Json::Object(m.into_iter().collect())),
        ]
    })
}

fn nullable<T: Strategy<Value = Value> + 'static>(s: T) -> BoxedStrategy<Value> {
    prop_oneof![1 => Just(Value::Null), 8 => s].boxed()
}

fn typed_values() -> impl Strategy<Value = (DataType, Value, Value)> {
    fn pair(ty: DataType, s: BoxedStrategy<Value>) -> BoxedStrategy<(DataType, Value, Value)> {
        (nullable(s.clone()), nullable(s)).prop_map(move |(a, b)| (ty.clone(), a, b)).boxed()
    }
    let float =
        prop_oneof![any::<f64>(), Just(0.0), Just(-0.0), Just(f64::NAN), Just(f64::INFINITY), Just(f64::NEG_INFINITY)];
    let decimal = prop_oneof![
        (any::<i64>(), 0u32..=28).prop_map(|(m, s)| Decimal::new(m, s)),
        (any::<i128>(), 0u32..=28).prop_map(|(m, s)| Decimal::try_from_i128_with_scale(m >> 32, s).unwrap_or_default()),
        (-1000i64..1000, 0u32..4).prop_map(|(m, s)| Decimal::new(m, s)),
    ];
    prop_oneof![
        pair(DataType::Bool, any::<bool>().prop_map(Value::Bool).boxed()),
        pair(DataType::Int2, any::<i16>().prop_map(Value::Int2).boxed()),
        pair(DataType::Int4, any::<i32>().prop_map(Value::Int4).boxed()),
        pair(DataType::Int8, any::<i64>().prop_map(Value::Int8).boxed()),
        pair(DataType::Float4, any::<f32>().prop_map(Value::Float4).boxed()),
        pair(DataType::Float8, float.prop_map(Value::Float8).boxed()),
        pair(DataType::Numeric(None), decimal.prop_map(Value::Numeric).boxed()),
        pair(DataType::Text, "\\PC{0,6}|[\0a]{0,3}".prop_map(Value::Text).boxed()),
        pair(DataType::Bpchar(None), "[a \t]{0,5}".prop_map(Value::Text).boxed()),
        pair(DataType::Bytea, any::<Vec<u8>>().prop_map(Value::Bytea).boxed()),
        pair(DataType::Date, any::<i32>().prop_map(Value::Date).boxed()),
        pair(DataType::Time, (0..=86_400_000_000i64).prop_map(Value::Time).boxed()),
        pair(
            DataType::TimestampTz,
            prop_oneof![MIN_TIMESTAMP..END_TIMESTAMP, Just(i64::MIN), Just(i64::MAX)]
                .prop_map(Value::TimestampTz)
                .boxed()
        ),
        pair(
            DataType::Interval,
            prop_oneof![(any::<i32>(), any::<i32>(), any::<i64>()), (-2i32..2, -60i32..60, -3i64..3),]
                .prop_map(|(months, days, micros)| {
                    let micros = if micros.abs() < 3 { micros * 43_200_000_000 } else { micros };
                    Value::Interval(Interval { months, days, micros })
                })
                .boxed()
        ),
        pair(DataType::Uuid, any::<[u8; 16]>().prop_map(Value::Uuid).boxed()),
        pair(DataType::Oid, any::<u32>().prop_map(Value::Oid).boxed()),
        pair(DataType::Json, "\\{\"[ab]\":[0-9]\\}".prop_map(Value::Json).boxed()),
        pair(DataType::Jsonb, json_strategy().prop_map(Value::Jsonb).boxed()),
        pair(
            DataType::Array(Box::new(DataType::Int4)),
            prop::collection::vec(nullable(any::<i32>().prop_map(Value::Int4)), 0..4).prop_map(Value::Array).boxed()
        ),
        pair(
            DataType::Array(Box::new(DataType::Bpchar(None))),
            prop::collection::vec(nullable("[a ]{0,3}".prop_map(Value::Text)), 0..3).prop_map(Value::Array).boxed()
        ),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn order_and_round_trip((ty, a, b) in typed_values()) {
        check(&a, &b, &ty)?;
        check(&b, &a, &ty)?;
        check(&a, &a, &ty)?;
    }

    #[test]
    fn composite_keys_order_column_by_column(
        (t1, a1, b1) in typed_values(),
        (t2, a2, b2) in typed_values(),
    ) {
        let key = |x: &Value, y: &Value| {
            let mut w = KeyWriter::new();
            encode_key(x, &t1, &mut w);
            encode_key(y, &t2, &mut w);
            w.finish()
        };
        let ord = |x: &Value, y: &Value, t: &DataType| match (x.is_null(), y.is_null()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => compare_typed(x, y, t),
        };
        let expected = ord(&a1, &b1, &t1).then(ord(&a2, &b2, &t2));
        prop_assert_eq!(key(&a1, &a2).cmp(&key(&b1, &b2)), expected);
        let bytes = key(&a1, &a2);
        let mut r = KeyReader::new(&bytes);
        prop_assert_eq!(compare_typed(&decode_key(&mut r, &t1).unwrap(), &a1, &t1), Ordering::Equal);
        prop_assert_eq!(compare_typed(&decode_key(&mut r, &t2).unwrap(), &a2, &t2), Ordering::Equal);
        prop_assert!(r.is_empty());
    }

    #[test]
    fn garbage_never_panics(bytes: Vec<u8>) {
        for ty in [DataType::Numeric(None), DataType::Jsonb, DataType::Interval, DataType::Array(Box::new(DataType::Text)), DataType::Uuid] {
            let _ = decode_key(&mut KeyReader::new(&bytes), &ty);
        }
    }
}
