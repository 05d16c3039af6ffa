use super::*;
use crate::types::text::format_text;
use chrono_tz::{America, Europe};
use proptest::prelude::*;
use std::str::FromStr;

use DataType::*;

fn ctx() -> TextContext {
    TextContext::default()
}

fn arr(t: DataType) -> DataType {
    DataType::Array(Box::new(t))
}

/// Casts the text `input` (parsed as `from`) to `to` and prints the result as `to`.
fn c(input: &str, from: &DataType, to: &DataType, cc: CoercionContext) -> Result<String> {
    c_in(input, from, to, cc, &ctx())
}

fn c_in(input: &str, from: &DataType, to: &DataType, cc: CoercionContext, text: &TextContext) -> Result<String> {
    let v = parse_text(input, from, text)?;
    let from = if *from == Unknown { Unknown } else { from.clone() };
    let out = cast(v, &from, to, cc, text)?;
    Ok(if out.is_null() { "NULL".into() } else { format_text(&out, to, text) })
}

fn ok(input: &str, from: &DataType, to: &DataType) -> String {
    c(input, from, to, E).unwrap_or_else(|e| panic!("{input}::{from} -> {to}: {e}"))
}

fn err(input: &str, from: &DataType, to: &DataType, cc: CoercionContext) -> SqlError {
    c(input, from, to, cc).expect_err("cast should fail")
}

#[test]
fn coercion_contexts_follow_pg_cast() {
    let cases: &[(DataType, DataType, Option<CoercionContext>)] = &[
        (Int2, Int4, Some(I)),
        (Int4, Int8, Some(I)),
        (Int8, Int4, Some(A)),
        (Int4, Int2, Some(A)),
        (Int4, Float4, Some(I)),
        (Int8, Float8, Some(I)),
        (Int8, Numeric(None), Some(I)),
        (Numeric(None), Float8, Some(I)),
        (Float8, Numeric(Some((5, 2))), Some(A)),
        (Float8, Float4, Some(A)),
        (Float4, Float8, Some(I)),
        (Float8, Int4, Some(A)),
        (Numeric(None), Int8, Some(A)),
        (Text, Varchar(Some(3)), Some(I)),
        (Varchar(None), Text, Some(I)),
        (Bpchar(Some(2)), Text, Some(I)),
        (Text, Name, Some(I)),
        (Name, Varchar(None), Some(A)),
        (Text, Char, Some(A)),
        (Char, Text, Some(I)),
        (Int4, Text, Some(A)),
        (Date, Varchar(None), Some(A)),
        (Text, Int4, Some(E)),
        (Text, Date, Some(E)),
        (Text, Jsonb, Some(E)),
        (Text, RegClass, Some(I)),
        (Text, RegType, Some(E)),
        (Date, Timestamp, Some(I)),
        (Date, TimestampTz, Some(I)),
        (Timestamp, TimestampTz, Some(I)),
        (TimestampTz, Timestamp, Some(A)),
        (TimestampTz, Date, Some(A)),
        (Timestamp, Time, Some(A)),
        (Time, Interval, Some(I)),
        (Interval, Time, Some(A)),
        (Bool, Int4, Some(E)),
        (Int4, Bool, Some(E)),
        (Bool, Int8, None),
        (Char, Int4, Some(E)),
        (Int8, Oid, Some(I)),
        (Oid, Int4, Some(A)),
        (Oid, Int2, None),
        (RegClass, Oid, Some(I)),
        (Oid, RegType, Some(I)),
        (Int4, RegClass, Some(I)),
        (RegClass, Int8, Some(A)),
        (RegClass, RegType, None),
        (Json, Jsonb, Some(A)),
        (Jsonb, Json, Some(A)),
        (Jsonb, Int4, Some(E)),
        (Jsonb, Text, Some(A)),
        (Uuid, Bytea, None),
        (Date, Int4, None),
        (Int4, Date, None),
        (Bytea, Text, Some(A)),
        (arr(Int4), arr(Int8), Some(I)),
        (arr(Int8), arr(Int4), Some(A)),
        (arr(Int4), Text, Some(A)),
        (Text, arr(Int4), Some(E)),
        (arr(Uuid), arr(Bytea), None),
        (Unknown, Uuid, Some(I)),
        (Unknown, arr(Date), Some(I)),
        (Void, Text, None),
        (Int4, Unknown, None),
    ];
    for (from, to, needed) in cases {
        for cc in [I, A, E] {
            let expected = needed.is_some_and(|n| cc >= n);
            assert_eq!(can_coerce(from, to, cc), expected, "{from} -> {to} in {cc:?}");
        }
    }
}

#[test]
fn integer_conversions() {
    assert_eq!(ok("2.5", &Float8, &Int4), "2");
    assert_eq!(ok("3.5", &Float8, &Int4), "4");
    assert_eq!(ok("-2.5", &Float8, &Int4), "-2");
    assert_eq!(ok("2.5", &Float4, &Int2), "2");
    assert_eq!(ok("2.5", &Numeric(None), &Int4), "3");
    assert_eq!(ok("-2.5", &Numeric(None), &Int4), "-3");
    assert_eq!(ok("2147483647.4", &Numeric(None), &Int4), "2147483647");
    assert_eq!(ok("-2147483648.5", &Float8, &Int4), "-2147483648");
    let e = err("32768", &Int4, &Int2, A);
    assert_eq!((e.code, e.message.as_str()), ("22003", "smallint out of range"));
    assert_eq!(err("2147483648", &Int8, &Int4, A).message, "integer out of range");
    assert_eq!(err("NaN", &Float8, &Int4, A).message, "integer out of range");
    assert_eq!(err("Infinity", &Float8, &Int8, A).message, "bigint out of range");
    assert_eq!(err("9223372036854775807", &Float8, &Int8, A).message, "bigint out of range");
    assert_eq!(err("2147483647.5", &Numeric(None), &Int4, A).message, "integer out of range");
    assert_eq!(err("1e20", &Numeric(None), &Int8, A).message, "bigint out of range");
    assert_eq!(ok("-9223372036854775808", &Int8, &Float8), "-9.223372036854776e+18");
    assert_eq!(ok("16777217", &Int4, &Float4), "1.6777216e+07");
}

#[test]
fn float_and_numeric_conversions() {
    assert_eq!(ok("0.1", &Float8, &Numeric(None)), "0.1");
    assert_eq!(ok("0.3333333333333333", &Float8, &Numeric(None)), "0.333333333333333");
    assert_eq!(ok("0.1", &Float4, &Numeric(None)), "0.1");
    assert_eq!(ok("1e15", &Float8, &Numeric(None)), "1000000000000000");
    assert_eq!(ok("123.456", &Float8, &Numeric(Some((5, 2)))), "123.46");
    assert_eq!(err("NaN", &Float8, &Numeric(None), A).code, "0A000");
    assert_eq!(err("-Infinity", &Float4, &Numeric(None), A).code, "0A000");
    assert_eq!(ok("0.1", &Numeric(None), &Float8), "0.1");
    assert_eq!(ok("1.23456789", &Numeric(None), &Float4), "1.2345679");
    assert_eq!(ok("0.1", &Float4, &Float8), "0.10000000149011612");
    assert_eq!(ok("1.5", &Float8, &Float4), "1.5");
    assert_eq!(err("1e300", &Float8, &Float4, A).message, "value out of range: overflow");
    assert_eq!(err("1e-300", &Float8, &Float4, A).message, "value out of range: underflow");
    assert_eq!(ok("Infinity", &Float8, &Float4), "Infinity");
    assert_eq!(ok("7", &Int4, &Numeric(None)), "7");
}

#[test]
fn numeric_typmods() {
    let n52 = Numeric(Some((5, 2)));
    assert_eq!(ok("1.5", &Numeric(None), &n52), "1.50");
    assert_eq!(ok("123.455", &Numeric(None), &n52), "123.46");
    assert_eq!(ok("-123.455", &Numeric(None), &n52), "-123.46");
    assert_eq!(ok("999.994", &Numeric(None), &n52), "999.99");
    let e = err("999.995", &Numeric(None), &n52, A);
    assert_eq!((e.code, e.message.as_str()), ("22003", "numeric field overflow"));
    assert_eq!(
        e.detail.as_deref(),
        Some("A field with precision 5, scale 2 must round to an absolute value less than 10^3.")
    );
    let e = err("1", &Int4, &Numeric(Some((2, 2))), A);
    assert_eq!(
        e.detail.as_deref(),
        Some("A field with precision 2, scale 2 must round to an absolute value less than 1.")
    );
    assert_eq!(ok("0.999", &Numeric(None), &Numeric(Some((3, 3)))), "0.999");
    assert_eq!(ok("0", &Numeric(None), &Numeric(Some((1, 1)))), "0.0");
    assert_eq!(ok("12345", &Int4, &Numeric(Some((5, 0)))), "12345");
    assert_eq!(ok("0.012", &Numeric(None), &Numeric(Some((2, 3)))), "0.012");
    assert_eq!(
        err("0.12", &Numeric(None), &Numeric(Some((2, 3))), A).detail.as_deref(),
        Some("A field with precision 2, scale 3 must round to an absolute value less than 10^-1.")
    );
    assert_eq!(ok("1.25", &Unknown, &Numeric(Some((3, 1)))), "1.3");
    assert_eq!(ok("{1,2.26}", &arr(Numeric(None)), &arr(Numeric(Some((3, 1))))), "{1.0,2.3}");
}

#[test]
fn string_lengths() {
    let v5 = Varchar(Some(5));
    assert_eq!(c("abcdefg", &Text, &v5, E).unwrap(), "abcde");
    let e = err("abcdefg", &Text, &v5, A);
    assert_eq!((e.code, e.message.as_str()), ("22001", "value too long for type character varying(5)"));
    assert_eq!(err("abcdefg", &Text, &v5, I).code, "22001");
    assert_eq!(c("abc      ", &Text, &v5, A).unwrap(), "abc  ");
    assert_eq!(c("abcde", &Text, &v5, A).unwrap(), "abcde");
    assert_eq!(c("ééééé", &Text, &Varchar(Some(3)), E).unwrap(), "ééé");
    assert_eq!(c("ab", &Text, &Bpchar(Some(5)), A).unwrap(), "ab   ");
    assert_eq!(c("abcdef", &Text, &Bpchar(Some(3)), E).unwrap(), "abc");
    assert_eq!(err("abcd", &Text, &Bpchar(Some(3)), A).message, "value too long for type character(3)");
    assert_eq!(c("ab  ", &Bpchar(Some(4)), &Bpchar(Some(2)), A).unwrap(), "ab");
    assert_eq!(c("ab  ", &Bpchar(Some(4)), &Text, I).unwrap(), "ab");
    assert_eq!(c("ab  ", &Bpchar(Some(4)), &Varchar(Some(10)), I).unwrap(), "ab");
    assert_eq!(c("é", &Text, &Bpchar(Some(3)), A).unwrap(), "é  ");
    assert_eq!(err("abcd", &Unknown, &Varchar(Some(3)), A).code, "22001");
    let long = "x".repeat(70);
    assert_eq!(ok(&long, &Text, &Name).len(), 63);
    assert_eq!(c("abc", &Bpchar(None), &Bpchar(None), A).unwrap(), "abc");
}

#[test]
fn to_and_from_text() {
    assert_eq!(ok("t", &Bool, &Text), "true");
    assert_eq!(ok("f", &Bool, &Varchar(Some(3))), "fal");
    assert_eq!(ok("yes", &Text, &Bool), "t");
    assert_eq!(ok("1.50", &Numeric(None), &Text), "1.50");
    assert_eq!(ok("0.1", &Float8, &Text), "0.1");
    assert_eq!(ok("2024-01-31", &Date, &Text), "2024-01-31");
    assert_eq!(ok("{1,2}", &arr(Int4), &Text), "{1,2}");
    assert_eq!(ok("{1,2}", &Text, &arr(Int8)), "{1,2}");
    assert_eq!(ok(r#"{"a":1}"#, &Jsonb, &Text), r#"{"a": 1}"#);
    assert_eq!(ok("\\x0a", &Bytea, &Text), "\\x0a");
    assert_eq!(ok(" 42 ", &Text, &Int4), "42");
    assert_eq!(ok(" 42 ", &Bpchar(Some(4)), &Int4), "42");
    assert_eq!(ok("1259", &Text, &RegClass), "1259");
    let e = err("abc", &Text, &Int4, E);
    assert_eq!((e.code, e.message.as_str()), ("22P02", "invalid input syntax for type integer: \"abc\""));
    let tz = TextContext { tz: Europe::Paris, ..ctx() };
    assert_eq!(c_in("2024-01-31 12:00+00", &TimestampTz, &Text, A, &tz).unwrap(), "2024-01-31 13:00:00+01");
}

#[test]
fn char_type() {
    assert_eq!(ok("é", &Char, &Text), "\\303");
    assert_eq!(ok("abc", &Text, &Char), "a");
    assert_eq!(ok("\\101", &Text, &Char), "A");
    assert_eq!(ok("é", &Char, &Int4), "-61");
    assert_eq!(ok("65", &Int4, &Char), "A");
    assert_eq!(ok("-61", &Int4, &Char), "\\303");
    assert_eq!(err("200", &Int4, &Char, E).message, "\"char\" out of range");
    assert_eq!(ok("", &Char, &Text), "");
}

#[test]
fn bool_and_oid() {
    assert_eq!(ok("t", &Bool, &Int4), "1");
    assert_eq!(ok("0", &Int4, &Bool), "f");
    assert_eq!(ok("-5", &Int4, &Bool), "t");
    assert_eq!(ok("-1", &Int4, &Oid), "4294967295");
    assert_eq!(ok("-1", &Int2, &Oid), "4294967295");
    assert_eq!(ok("4294967295", &Oid, &Int4), "-1");
    assert_eq!(ok("4294967295", &Oid, &Int8), "4294967295");
    assert_eq!(err("-1", &Int8, &Oid, I).message, "OID out of range");
    assert_eq!(err("4294967296", &Int8, &RegClass, I).message, "OID out of range");
    assert_eq!(ok("1259", &Int8, &RegClass), "1259");
    assert_eq!(ok("1259", &RegClass, &Oid), "1259");
    // regtype shows the type's name, as PostgreSQL's regtypeout does.
    assert_eq!(ok("23", &Oid, &RegType), "integer");
    assert_eq!(ok("4294967295", &RegClass, &Int4), "-1");
}

#[test]
fn dates_and_times() {
    let paris = TextContext { tz: Europe::Paris, ..ctx() };
    let ny = TextContext { tz: America::New_York, ..ctx() };
    assert_eq!(ok("2024-01-31", &Date, &Timestamp), "2024-01-31 00:00:00");
    assert_eq!(c_in("2024-01-31", &Date, &TimestampTz, I, &paris).unwrap(), "2024-01-31 00:00:00+01");
    assert_eq!(c_in("2024-01-31", &Date, &TimestampTz, I, &ctx()).unwrap(), "2024-01-31 00:00:00+00");
    assert_eq!(c_in("2024-01-31 23:30:00+00", &TimestampTz, &Date, A, &paris).unwrap(), "2024-02-01");
    assert_eq!(c_in("2024-01-31 23:30:00+00", &TimestampTz, &Timestamp, A, &paris).unwrap(), "2024-02-01 00:30:00");
    assert_eq!(c_in("2024-07-01 12:00", &Timestamp, &TimestampTz, I, &ny).unwrap(), "2024-07-01 12:00:00-04");
    assert_eq!(c_in("2024-03-10 02:30", &Timestamp, &TimestampTz, I, &ny).unwrap(), "2024-03-10 03:30:00-04");
    assert_eq!(c_in("2024-01-31 23:30:00+00", &TimestampTz, &Time, A, &paris).unwrap(), "00:30:00");
    assert_eq!(ok("2024-01-31 12:34:56.5", &Timestamp, &Time), "12:34:56.5");
    assert_eq!(ok("2024-01-31 12:34:56.5", &Timestamp, &Date), "2024-01-31");
    assert_eq!(ok("0044-03-15 12:00 BC", &Timestamp, &Date), "0044-03-15 BC");
    assert_eq!(ok("infinity", &Timestamp, &Time), "NULL");
    assert_eq!(ok("-infinity", &Timestamp, &Date), "-infinity");
    assert_eq!(ok("infinity", &Date, &TimestampTz), "infinity");
    assert_eq!(ok("-1 days -01:00:00", &Interval, &Time), "23:00:00");
    assert_eq!(ok("1 day 02:00", &Interval, &Time), "02:00:00");
    assert_eq!(ok("04:05:06", &Time, &Interval), "04:05:06");
    assert_eq!(err("5874897-12-31", &Date, &Timestamp, I).message, "date out of range for timestamp");
}

#[test]
fn json_conversions() {
    assert_eq!(ok(r#"{"b":1, "a":[1.0]}"#, &Json, &Jsonb), r#"{"a": [1.0], "b": 1}"#);
    assert_eq!(ok(r#"{"b":1, "a":[1.0]}"#, &Jsonb, &Json), r#"{"a": [1.0], "b": 1}"#);
    assert_eq!(ok("1.5", &Jsonb, &Int4), "2");
    assert_eq!(ok("-2.5", &Jsonb, &Int8), "-3");
    assert_eq!(ok("1.50", &Jsonb, &Numeric(None)), "1.50");
    assert_eq!(ok("1e2", &Jsonb, &Float8), "100");
    assert_eq!(ok("true", &Jsonb, &Bool), "t");
    let e = err("\"x\"", &Jsonb, &Int4, E);
    assert_eq!((e.code, e.message.as_str()), ("22023", "cannot cast jsonb string to type integer"));
    assert_eq!(err("{}", &Jsonb, &Bool, E).message, "cannot cast jsonb object to type boolean");
    assert_eq!(err("[1]", &Jsonb, &Numeric(None), E).message, "cannot cast jsonb array to type numeric");
    assert_eq!(err("null", &Jsonb, &Float8, E).message, "cannot cast jsonb null to type double precision");
    assert_eq!(err("1", &Jsonb, &Bool, E).message, "cannot cast jsonb numeric to type boolean");
    assert_eq!(err("1e30", &Jsonb, &Int4, E).message, "integer out of range");
    assert_eq!(err("32768", &Jsonb, &Int2, E).message, "smallint out of range");
    assert_eq!(err("{", &Text, &Jsonb, E).message, "invalid input syntax for type json");
}

#[test]
fn arrays_cast_elementwise() {
    assert_eq!(ok("{1,NULL,3}", &arr(Int4), &arr(Int8)), "{1,NULL,3}");
    assert_eq!(ok("{1.5,2.5}", &arr(Float8), &arr(Int4)), "{2,2}");
    assert_eq!(ok("{t,f}", &arr(Bool), &arr(Text)), "{true,false}");
    assert_eq!(ok("{abc,de}", &arr(Text), &arr(Varchar(Some(2)))), "{ab,de}");
    assert_eq!(err("{abc}", &arr(Text), &arr(Varchar(Some(2))), A).code, "22001");
    assert_eq!(err("{1,x}", &arr(Text), &arr(Int4), E).message, "invalid input syntax for type integer: \"x\"");
    assert_eq!(ok("{2024-01-31}", &arr(Date), &arr(Timestamp)), "{\"2024-01-31 00:00:00\"}");
}

#[test]
fn unknown_literals_and_nulls() {
    assert_eq!(ok("2024-01-31", &Unknown, &Date), "2024-01-31");
    assert_eq!(ok("{a,b}", &Unknown, &arr(Text)), "{a,b}");
    assert_eq!(ok("x", &Unknown, &Unknown), "x");
    for (from, to) in [(Int4, Text), (Text, Int4), (Jsonb, Int4), (Unknown, Date), (Uuid, Bytea)] {
        assert!(cast(Value::Null, &from, &to, A, &ctx()).unwrap().is_null());
    }
    let e = cast(Value::Uuid([0; 16]), &Uuid, &Int4, E, &ctx()).unwrap_err();
    assert_eq!((e.code, e.message.as_str()), ("42846", "cannot cast type uuid to integer"));
}

proptest! {
    #[test]
    fn int_casts_agree_with_ranges(v: i64) {
        let r = cast(Value::Int8(v), &Int8, &Int4, A, &ctx());
        prop_assert_eq!(r.is_ok(), i32::try_from(v).is_ok());
        let back = cast(Value::Int8(v), &Int8, &Numeric(None), I, &ctx()).unwrap();
        let again = cast(back, &Numeric(None), &Int8, A, &ctx()).unwrap();
        prop_assert_eq!(again.as_i64(), Some(v));
    }

    #[test]
    fn float_to_int_rounds_half_even(i in -1_000_000i64..1_000_000) {
        let f = i as f64 + 0.5;
        let r = cast(Value::Float8(f), &Float8, &Int8, A, &ctx()).unwrap();
        let expected = if i % 2 == 0 { i } else { i + 1 };
        prop_assert_eq!(r.as_i64(), Some(expected));
    }

    #[test]
    fn numeric_typmod_result_fits(m in any::<i64>(), s in 0u32..10, p in 1u16..20, sc in 0u16..8) {
        prop_assume!(sc <= p);
        let d = Decimal::new(m, s);
        if let Ok(r) = numeric_typmod(d, p, sc) {
            prop_assert_eq!(r.scale(), u32::from(sc));
            let limit = Decimal::from_str(&format!("1e{}", p - sc)).unwrap_or(Decimal::MAX);
            prop_assert!(r.abs() < limit);
        }
    }

    #[test]
    fn text_round_trips_through_casts(v: i32) {
        let t = cast(Value::Int4(v), &Int4, &Text, A, &ctx()).unwrap();
        let back = cast(t, &Text, &Int4, E, &ctx()).unwrap();
        prop_assert_eq!(back.as_i64(), Some(i64::from(v)));
    }
}
