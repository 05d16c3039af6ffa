use super::*;
use crate::types::Interval;
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::str::FromStr;

fn ctx() -> TextContext {
    TextContext::default()
}

fn fmt(v: &Value, ty: &DataType) -> String {
    format_text(v, ty, &ctx())
}

fn parse(s: &str, ty: &DataType) -> Result<Value> {
    parse_text(s, ty, &ctx())
}

fn round(s: &str, ty: &DataType) -> String {
    fmt(&parse(s, ty).unwrap_or_else(|e| panic!("{s}: {e}")), ty)
}

#[test]
fn booleans() {
    for s in ["t", "true", "TRUE", " yes ", "on", "1", "tr", "y", "ye", "On"] {
        assert!(parse_bool(s).unwrap(), "{s}");
    }
    for s in ["f", "false", "no", "off", "0", "fa", "n", "OF", "\tfalse\n"] {
        assert!(!parse_bool(s).unwrap(), "{s}");
    }
    for s in ["", "o", "truex", "2", "yess", "of f", "-1"] {
        let e = parse_bool(s).unwrap_err();
        assert_eq!(e.message, format!("invalid input syntax for type boolean: \"{s}\""));
        assert_eq!(e.code, "22P02");
    }
    assert_eq!(fmt(&Value::Bool(true), &DataType::Bool), "t");
    assert_eq!(fmt(&Value::Bool(false), &DataType::Bool), "f");
}

#[test]
fn integers() {
    let p4 = |s: &str| parse_int(s, 32, "integer");
    assert_eq!(p4(" 42 ").unwrap(), 42);
    assert_eq!(p4("-2147483648").unwrap(), i64::from(i32::MIN));
    assert_eq!(p4("+2147483647").unwrap(), i64::from(i32::MAX));
    assert_eq!(p4("1_000").unwrap(), 1000);
    assert_eq!(p4("0x1F").unwrap(), 31);
    assert_eq!(p4("-0x80000000").unwrap(), i64::from(i32::MIN));
    assert_eq!(p4("0o17").unwrap(), 15);
    assert_eq!(p4("0b101").unwrap(), 5);
    assert_eq!(p4("0x_1F").unwrap(), 31);
    assert_eq!(p4("007").unwrap(), 7);
    let e = p4("2147483648").unwrap_err();
    assert_eq!((e.code, e.message.as_str()), ("22003", "value \"2147483648\" is out of range for type integer"));
    let e = p4("abc").unwrap_err();
    assert_eq!((e.code, e.message.as_str()), ("22P02", "invalid input syntax for type integer: \"abc\""));
    for bad in ["", " ", "-", "1.5", "1e3", "_1", "1_", "1__0", "0x", "- 1", "1 2", "0xg", "١"] {
        assert_eq!(p4(bad).unwrap_err().code, "22P02", "{bad}");
    }
    // Overflow found while reading digits wins over trailing garbage, as in PostgreSQL.
    assert_eq!(p4("99999999999x").unwrap_err().code, "22003");
    assert_eq!(p4("2147483648x").unwrap_err().code, "22P02");
    assert_eq!(parse("32767", &DataType::Int2).unwrap().as_i64(), Some(32767));
    assert_eq!(
        parse("32768", &DataType::Int2).unwrap_err().message,
        "value \"32768\" is out of range for type smallint"
    );
    assert_eq!(parse("-9223372036854775808", &DataType::Int8).unwrap().as_i64(), Some(i64::MIN));
    assert_eq!(
        parse("9223372036854775808", &DataType::Int8).unwrap_err().message,
        "value \"9223372036854775808\" is out of range for type bigint"
    );
    assert_eq!(fmt(&Value::Int8(i64::MIN), &DataType::Int8), "-9223372036854775808");
}

#[test]
fn numerics() {
    let n = DataType::Numeric(None);
    assert_eq!(round("1.50", &n), "1.50");
    assert_eq!(round("  -1.5e3 ", &n), "-1500");
    assert_eq!(round("1e-3", &n), "0.001");
    assert_eq!(round("-0.00", &n), "0.00");
    assert_eq!(round(".5", &n), "0.5");
    assert_eq!(round("0x10", &n), "16");
    assert_eq!(fmt(&Value::Numeric(Decimal::from_str("-0.0").unwrap()), &n), "0.0");
    let e = parse("abc", &n).unwrap_err();
    assert_eq!((e.code, e.message.as_str()), ("22P02", "invalid input syntax for type numeric: \"abc\""));
    let e = parse("NaN", &n).unwrap_err();
    assert_eq!(e.code, "22P02");
    assert!(e.detail.is_some());
    let e = parse("1e100", &n).unwrap_err();
    assert_eq!((e.code, e.message.as_str()), ("22003", "value overflows numeric format"));
}

#[test]
fn floats_use_context_digits() {
    assert_eq!(fmt(&Value::Float8(0.1 + 0.2), &DataType::Float8), "0.30000000000000004");
    let c = TextContext { extra_float_digits: 0, ..ctx() };
    assert_eq!(format_text(&Value::Float8(0.1 + 0.2), &DataType::Float8, &c), "0.3");
    assert_eq!(round("1e100", &DataType::Float8), "1e+100");
    assert_eq!(round("-Infinity", &DataType::Float4), "-Infinity");
}

#[test]
fn strings() {
    assert_eq!(round("  a b ", &DataType::Text), "  a b ");
    assert_eq!(round("x  ", &DataType::Bpchar(Some(5))), "x  ");
    assert_eq!(round("é", &DataType::Varchar(Some(1))), "é");
    let long = "é".repeat(40);
    let name = parse(&long, &DataType::Name).unwrap();
    assert_eq!(fmt(&name, &DataType::Name), "é".repeat(31));
    assert_eq!(parse("a\0b", &DataType::Text).unwrap_err().code, "22021");
    assert_eq!(round("abc", &DataType::Unknown), "abc");
}

#[test]
fn char_type() {
    assert_eq!(round("abc", &DataType::Char), "a");
    assert_eq!(round("", &DataType::Char), "");
    assert_eq!(round("é", &DataType::Char), "\\303");
    assert_eq!(round("\\303", &DataType::Char), "\\303");
    assert_eq!(round("\\101", &DataType::Char), "A");
    assert_eq!(parse("é", &DataType::Char).unwrap().as_str(), Some("\u{c3}"));
    assert_eq!(char_to_byte("\u{c3}"), 0xc3);
}

#[test]
fn bytea() {
    assert_eq!(fmt(&Value::Bytea(vec![0x0a, 0x0b, 0xff]), &DataType::Bytea), "\\x0a0bff");
    assert_eq!(fmt(&Value::Bytea(vec![]), &DataType::Bytea), "\\x");
    assert_eq!(parse_bytea("\\x0A0b ff").unwrap(), vec![0x0a, 0x0b, 0xff]);
    assert_eq!(parse_bytea("abc\\\\\\001\\377").unwrap(), b"abc\\\x01\xff".to_vec());
    assert_eq!(parse_bytea("").unwrap(), Vec::<u8>::new());
    assert_eq!(parse_bytea("é").unwrap(), "é".as_bytes().to_vec());
    let e = parse_bytea("\\x0").unwrap_err();
    assert_eq!((e.code, e.message.as_str()), ("22023", "invalid hexadecimal data: odd number of digits"));
    let e = parse_bytea("\\xzz").unwrap_err();
    assert_eq!((e.code, e.message.as_str()), ("22023", "invalid hexadecimal digit: \"z\""));
    let e = parse_bytea("a\\b").unwrap_err();
    assert_eq!((e.code, e.message.as_str()), ("22P02", "invalid input syntax for type bytea"));
    assert!(parse_bytea("\\400").is_err());
    // Whitespace separates bytes but may not split one.
    assert_eq!(parse_bytea("\\x 0 a").unwrap_err().message, "invalid hexadecimal digit: \" \"");
    assert!(parse_bytea("\\").is_err());
}

#[test]
fn uuids() {
    let canonical = "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11";
    for s in [
        canonical,
        "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11",
        "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}",
        "a0eebc999c0b4ef8bb6d6bb9bd380a11",
        "a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11",
        "{a0eebc999c0b4ef8bb6d6bb9bd380a11}",
    ] {
        assert_eq!(round(s, &DataType::Uuid), canonical, "{s}");
    }
    for bad in [
        "",
        "a0eebc99",
        "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1",
        "{a0eebc999c0b4ef8bb6d6bb9bd380a11",
        "a0e-ebc999c0b4ef8bb6d6bb9bd380a11",
        " a0eebc999c0b4ef8bb6d6bb9bd380a11",
        "a0eebc999c0b4ef8bb6d6bb9bd380a11-",
    ] {
        let e = parse(bad, &DataType::Uuid).unwrap_err();
        assert_eq!(e.message, format!("invalid input syntax for type uuid: \"{bad}\""));
    }
}

#[test]
fn oids_and_regs() {
    assert_eq!(round("4294967295", &DataType::Oid), "4294967295");
    assert_eq!(round(" -1 ", &DataType::Oid), "4294967295");
    assert_eq!(round("-2147483648", &DataType::Oid), "2147483648");
    assert_eq!(
        parse("4294967296", &DataType::Oid).unwrap_err().message,
        "value \"4294967296\" is out of range for type oid"
    );
    assert_eq!(parse("-2147483649", &DataType::Oid).unwrap_err().code, "22003");
    assert_eq!(parse("x", &DataType::Oid).unwrap_err().message, "invalid input syntax for type oid: \"x\"");
    assert_eq!(parse("", &DataType::Oid).unwrap_err().code, "22P02");
    assert_eq!(round("1259", &DataType::RegClass), "1259");
    assert_eq!(round("-", &DataType::RegType), "-");
    assert_eq!(round("1043", &DataType::RegType), "character varying");
    assert_eq!(round("1042", &DataType::RegType), "character");
    let e = parse("pg_class", &DataType::RegClass).unwrap_err();
    assert_eq!((e.code, e.message.as_str()), ("42P01", "relation \"pg_class\" does not exist"));
    assert_eq!(parse("int4", &DataType::RegType).unwrap_err().code, "42704");
}

#[test]
fn json_types() {
    assert_eq!(round(r#"{"b":1,"a":[1,2.50]}"#, &DataType::Json), r#"{"b":1,"a":[1,2.50]}"#);
    assert_eq!(round(r#"{"b":1,"a":[1,2.50]}"#, &DataType::Jsonb), r#"{"a": [1, 2.50], "b": 1}"#);
    assert_eq!(parse("{", &DataType::Json).unwrap_err().message, "invalid input syntax for type json");
}

#[test]
fn dates_and_intervals_dispatch() {
    assert_eq!(round("2024-01-31", &DataType::Date), "2024-01-31");
    assert_eq!(round("04:05:06.789", &DataType::Time), "04:05:06.789");
    assert_eq!(round("2024-01-31 12:34:56.789", &DataType::Timestamp), "2024-01-31 12:34:56.789");
    assert_eq!(round("2024-01-31 12:34:56.789+01", &DataType::TimestampTz), "2024-01-31 11:34:56.789+00");
    assert_eq!(round("1 year 2 mons", &DataType::Interval), "1 year 2 mons");
    let v = Value::Interval(Interval { months: 0, days: -1, micros: 7_200_000_000 });
    assert_eq!(fmt(&v, &DataType::Interval), "-1 days +02:00:00");
}

#[test]
fn arrays_recurse_into_elements() {
    let ints = DataType::Array(Box::new(DataType::Int4));
    assert_eq!(round("{1,2,NULL}", &ints), "{1,2,NULL}");
    assert_eq!(round("{}", &ints), "{}");
    let texts = DataType::Array(Box::new(DataType::Text));
    assert_eq!(round(r#"{"a b","x\"y",NULL,""}"#, &texts), r#"{"a b","x\"y",NULL,""}"#);
    let dates = DataType::Array(Box::new(DataType::Date));
    assert_eq!(round("{2024-01-31,infinity}", &dates), "{2024-01-31,infinity}");
    let tstz = DataType::Array(Box::new(DataType::TimestampTz));
    assert_eq!(round("{\"2024-01-31 12:00+00\"}", &tstz), "{\"2024-01-31 12:00:00+00\"}");
    let bools = DataType::Array(Box::new(DataType::Bool));
    assert_eq!(round("{t,false}", &bools), "{t,f}");
    let jsonb = DataType::Array(Box::new(DataType::Jsonb));
    assert_eq!(round(r#"{"{\"a\":1}"}"#, &jsonb), r#"{"{\"a\": 1}"}"#);
    let chars = DataType::Array(Box::new(DataType::Char));
    assert_eq!(round("{a,é}", &chars), r#"{a,"\\303"}"#);
}

#[test]
fn void_and_null() {
    assert!(parse("anything", &DataType::Void).unwrap().is_null());
    assert_eq!(fmt(&Value::Null, &DataType::Int4), "");
}

proptest! {
    #[test]
    fn text_round_trips(s in "\\PC*") {
        let ty = DataType::Array(Box::new(DataType::Text));
        let v = Value::Array(vec![Value::Text(s.clone()), Value::Null]);
        let back = parse(&fmt(&v, &ty), &ty).unwrap();
        prop_assert!(matches!(&back, Value::Array(items) if matches!(&items[0], Value::Text(t) if *t == s)));
    }

    #[test]
    fn ints_round_trip(v: i64) {
        prop_assert_eq!(parse(&v.to_string(), &DataType::Int8).unwrap().as_i64(), Some(v));
    }

    #[test]
    fn bytea_round_trips(b: Vec<u8>) {
        let v = parse(&fmt(&Value::Bytea(b.clone()), &DataType::Bytea), &DataType::Bytea).unwrap();
        prop_assert!(matches!(v, Value::Bytea(back) if back == b));
    }

    #[test]
    fn uuid_round_trips(u: [u8; 16]) {
        let v = parse(&fmt(&Value::Uuid(u), &DataType::Uuid), &DataType::Uuid).unwrap();
        prop_assert!(matches!(v, Value::Uuid(back) if back == u));
    }

    #[test]
    fn numeric_round_trips(m: i64, s in 0u32..28) {
        let d = Decimal::new(m, s);
        let v = parse(&fmt(&Value::Numeric(d), &DataType::Numeric(None)), &DataType::Numeric(None)).unwrap();
        prop_assert!(matches!(v, Value::Numeric(back) if back == d && back.scale() == d.scale()));
    }

    #[test]
    fn garbage_never_panics(s in "\\PC{0,30}") {
        for ty in [DataType::Bool, DataType::Int4, DataType::Float8, DataType::Numeric(None), DataType::Bytea, DataType::Uuid,
                   DataType::Jsonb, DataType::Oid, DataType::Char, DataType::Array(Box::new(DataType::Int4))] {
            let _ = parse(&s, &ty);
        }
    }
}
