use super::*;
use crate::types::compare::compare;
use crate::types::text::{parse_text, TextContext};
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::cmp::Ordering;
use std::str::FromStr;

fn round(v: &Value, ty: &DataType) -> Value {
    let bytes = format_binary(v, ty).unwrap();
    parse_binary(&bytes, ty).unwrap_or_else(|e| panic!("{v:?}: {e}"))
}

fn numeric_bytes(s: &str) -> Vec<u8> {
    format_binary(&Value::Numeric(Decimal::from_str(s).unwrap()), &DataType::Numeric(None)).unwrap()
}

fn words(ndigits: u16, weight: i16, sign: u16, dscale: u16, digits: &[i16]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&ndigits.to_be_bytes());
    out.extend_from_slice(&weight.to_be_bytes());
    out.extend_from_slice(&sign.to_be_bytes());
    out.extend_from_slice(&dscale.to_be_bytes());
    for d in digits {
        out.extend_from_slice(&d.to_be_bytes());
    }
    out
}

#[test]
fn fixed_width_encodings() {
    assert_eq!(format_binary(&Value::Bool(true), &DataType::Bool).unwrap(), vec![1]);
    assert_eq!(format_binary(&Value::Int4(-2), &DataType::Int4).unwrap(), vec![0xff, 0xff, 0xff, 0xfe]);
    assert_eq!(format_binary(&Value::Int4(7), &DataType::Int8).unwrap(), vec![0, 0, 0, 0, 0, 0, 0, 7]);
    assert_eq!(format_binary(&Value::Int8(1 << 40), &DataType::Int4).unwrap_err().code, "22003");
    assert_eq!(format_binary(&Value::Float8(1.5), &DataType::Float8).unwrap(), 1.5f64.to_be_bytes().to_vec());
    assert_eq!(format_binary(&Value::Date(-1), &DataType::Date).unwrap(), vec![0xff; 4]);
    let iv = Value::Interval(Interval { months: 1, days: 2, micros: 3 });
    assert_eq!(format_binary(&iv, &DataType::Interval).unwrap(), vec![0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 1]);
    assert_eq!(format_binary(&Value::Oid(26), &DataType::RegType).unwrap(), vec![0, 0, 0, 26]);
    assert_eq!(format_binary(&Value::Text("é".into()), &DataType::Char).unwrap(), vec![0xe9]);
    let jsonb = parse_text(r#"{"b":1,"a":2}"#, &DataType::Jsonb, &TextContext::default()).unwrap();
    assert_eq!(format_binary(&jsonb, &DataType::Jsonb).unwrap(), b"\x01{\"a\": 2, \"b\": 1}".to_vec());
    assert!(format_binary(&Value::Text("x".into()), &DataType::Int4).is_err());
    assert_eq!(format_binary(&Value::Null, &DataType::Void).unwrap(), Vec::<u8>::new());
}

#[test]
fn numeric_wire_format() {
    // 12345.678: weight 1, digits [1, 2345, 6780], dscale 3.
    assert_eq!(numeric_bytes("12345.678"), words(3, 1, 0, 3, &[1, 2345, 6780]));
    assert_eq!(numeric_bytes("-0.0001"), words(1, -1, 0x4000, 4, &[1]));
    assert_eq!(numeric_bytes("0.00"), words(0, 0, 0, 2, &[]));
    assert_eq!(numeric_bytes("10000"), words(1, 1, 0, 0, &[1]));
    assert_eq!(numeric_bytes("1.50"), words(2, 0, 0, 2, &[1, 5000]));
    let p = |b: &[u8]| parse_binary(b, &DataType::Numeric(None));
    assert!(
        matches!(p(&words(3, 1, 0, 3, &[1, 2345, 6780])).unwrap(), Value::Numeric(d) if d.to_string() == "12345.678")
    );
    // Digits hidden by dscale are truncated, as numeric_recv does.
    assert!(matches!(p(&words(2, 0, 0, 1, &[1, 5999])).unwrap(), Value::Numeric(d) if d.to_string() == "1.5"));
    assert_eq!(p(&words(1, 0, 0x1234, 0, &[1])).unwrap_err().message, "invalid sign in external \"numeric\" value");
    assert_eq!(p(&words(1, 0, 0, 0, &[10000])).unwrap_err().message, "invalid digit in external \"numeric\" value");
    assert_eq!(p(&words(1, 0, 0, 0x4000, &[1])).unwrap_err().message, "invalid scale in external \"numeric\" value");
    assert_eq!(p(&words(0, 0, 0xC000, 0, &[])).unwrap_err().code, "0A000");
    assert_eq!(p(&words(1, 10, 0, 0, &[1])).unwrap_err().code, "22003");
    assert_eq!(p(&words(2, 0, 0, 0, &[1])).unwrap_err().code, "22P03");
}

#[test]
fn round_trips_of_every_type() {
    let ctx = TextContext::default();
    let cases: &[(&str, DataType)] = &[
        ("t", DataType::Bool),
        ("-32768", DataType::Int2),
        ("2147483647", DataType::Int4),
        ("-9223372036854775808", DataType::Int8),
        ("1.5", DataType::Float4),
        ("-Infinity", DataType::Float8),
        ("-123.4500", DataType::Numeric(None)),
        ("héllo", DataType::Text),
        ("ab  ", DataType::Bpchar(Some(4))),
        ("pg_class", DataType::Name),
        ("é", DataType::Char),
        ("\\x00ff", DataType::Bytea),
        ("2024-01-31", DataType::Date),
        ("infinity", DataType::Date),
        ("24:00:00", DataType::Time),
        ("2024-01-31 12:34:56.789", DataType::Timestamp),
        ("-infinity", DataType::TimestampTz),
        ("-1 days +02:00:00", DataType::Interval),
        ("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", DataType::Uuid),
        (r#"{"b": [1, 2.0]}"#, DataType::Json),
        (r#"{"b": [1, 2.0], "a": null}"#, DataType::Jsonb),
        ("4294967295", DataType::Oid),
        ("{1,NULL,3}", DataType::Array(Box::new(DataType::Int4))),
        ("{}", DataType::Array(Box::new(DataType::Text))),
        (r#"{"a b",NULL,""}"#, DataType::Array(Box::new(DataType::Text))),
    ];
    for (text, ty) in cases {
        let v = parse_text(text, ty, &ctx).unwrap();
        let back = round(&v, ty);
        assert_eq!(compare(&v, &back), Ordering::Equal, "{text} as {ty}");
    }
}

#[test]
fn array_wire_format() {
    let ty = DataType::Array(Box::new(DataType::Int4));
    let v = Value::Array(vec![Value::Int4(1), Value::Null]);
    let bytes = format_binary(&v, &ty).unwrap();
    let mut expected = Vec::new();
    for word in [1i32, 1, 23, 2, 1, 4, 1, -1] {
        expected.extend_from_slice(&word.to_be_bytes());
    }
    expected.truncate(expected.len() - 8);
    expected.extend_from_slice(&1i32.to_be_bytes());
    expected.extend_from_slice(&(-1i32).to_be_bytes());
    assert_eq!(bytes, expected);
    let empty = format_binary(&Value::Array(vec![]), &ty).unwrap();
    assert_eq!(empty, [0i32.to_be_bytes(), 0i32.to_be_bytes(), 23i32.to_be_bytes()].concat());

    let header =
        |ndim: i32, flags: i32, oid: u32| [ndim.to_be_bytes(), flags.to_be_bytes(), oid.to_be_bytes()].concat();
    assert_eq!(parse_binary(&header(-1, 0, 23), &ty).unwrap_err().message, "invalid number of dimensions: -1");
    assert_eq!(parse_binary(&header(7, 0, 23), &ty).unwrap_err().code, "54000");
    assert_eq!(parse_binary(&header(0, 2, 23), &ty).unwrap_err().message, "invalid array flags");
    let e = parse_binary(&header(0, 0, 25), &ty).unwrap_err();
    assert_eq!(
        (e.code, e.message.as_str()),
        ("42804", "binary data has array element type 25 (text) instead of expected 23 (integer)")
    );
    assert_eq!(parse_binary(&header(2, 0, 23), &ty).unwrap_err().code, "0A000");
    let mut wrong_elem = header(1, 0, 23);
    for word in [1i32, 1, 2] {
        wrong_elem.extend_from_slice(&word.to_be_bytes());
    }
    wrong_elem.extend_from_slice(&[0, 1]);
    assert_eq!(parse_binary(&wrong_elem, &ty).unwrap_err().code, "22P03");
    let mut long_elem = header(1, 0, 23);
    for word in [1i32, 1, 5, 0] {
        long_elem.extend_from_slice(&word.to_be_bytes());
    }
    long_elem.push(0);
    assert_eq!(parse_binary(&long_elem, &ty).unwrap_err().message, "improper binary format in array element 1");
}

#[test]
fn malformed_input() {
    assert_eq!(parse_binary(&[0, 1], &DataType::Int4).unwrap_err().code, "22P03");
    assert_eq!(parse_binary(&[0, 0, 0, 0, 1], &DataType::Int4).unwrap_err().code, "22P03");
    assert_eq!(parse_binary(&[], &DataType::Bool).unwrap_err().code, "22P03");
    assert!(matches!(parse_binary(&[2], &DataType::Bool).unwrap(), Value::Bool(true)));
    let e = parse_binary(&[b'a', 0xc3, 0x28], &DataType::Text).unwrap_err();
    assert_eq!((e.code, e.message.as_str()), ("22021", "invalid byte sequence for encoding \"UTF8\": 0xc3"));
    assert_eq!(
        parse_binary(b"a\0", &DataType::Text).unwrap_err().message,
        "invalid byte sequence for encoding \"UTF8\": 0x00"
    );
    assert!(matches!(parse_binary(&i32::MAX.to_be_bytes(), &DataType::Date).unwrap(), Value::Date(DATE_POS_INFINITY)));
    assert_eq!(parse_binary(&(i32::MAX - 1).to_be_bytes(), &DataType::Date).unwrap_err().message, "date out of range");
    assert_eq!(
        parse_binary(&(USECS_PER_DAY + 1).to_be_bytes(), &DataType::Time).unwrap_err().message,
        "time out of range"
    );
    assert_eq!(
        parse_binary(&(i64::MAX - 1).to_be_bytes(), &DataType::Timestamp).unwrap_err().message,
        "timestamp out of range"
    );
    assert_eq!(parse_binary(b"\x02{}", &DataType::Jsonb).unwrap_err().message, "unsupported jsonb version number 2");
    assert_eq!(parse_binary(b"{", &DataType::Json).unwrap_err().code, "22P02");
    assert_eq!(parse_binary(&[b'a'; 64], &DataType::Name).unwrap_err().code, "42622");
}

proptest! {
    #[test]
    fn garbage_never_panics(bytes: Vec<u8>) {
        for ty in [DataType::Numeric(None), DataType::Array(Box::new(DataType::Int4)), DataType::Array(Box::new(DataType::Text)),
                   DataType::Jsonb, DataType::Interval, DataType::Text, DataType::Uuid, DataType::Date] {
            let _ = parse_binary(&bytes, &ty);
        }
    }

    #[test]
    fn numeric_round_trips(m in any::<i64>(), s in 0u32..28) {
        let d = Decimal::new(m, s);
        let back = round(&Value::Numeric(d), &DataType::Numeric(None));
        prop_assert!(matches!(back, Value::Numeric(b) if b == d && b.scale() == d.scale()));
    }

    #[test]
    fn float_and_int_round_trip(f: f64, i: i64) {
        let back = round(&Value::Float8(f), &DataType::Float8);
        prop_assert!(matches!(back, Value::Float8(b) if b.to_bits() == f.to_bits()));
        prop_assert!(matches!(round(&Value::Int8(i), &DataType::Int8), Value::Int8(b) if b == i));
    }
}
