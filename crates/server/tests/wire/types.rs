//! Every built-in type as a result and as a parameter, in the text and binary formats, in the
//! simple and extended protocols.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use tokio_postgres::types::{FromSql, ToSql};

use crate::raw::{bind, parse, sync, tags, Raw};
use crate::{with_server, Binary, Text};

/// A value of a type: its input, and its output in the text format (PostgreSQL's, with
/// `TimeZone` UTC and the default `DateStyle`, `IntervalStyle` and `extra_float_digits`).
struct Case {
    ty: &'static str,
    oid: u32,
    input: &'static str,
    text: &'static str,
}

const fn case(ty: &'static str, oid: u32, input: &'static str, text: &'static str) -> Case {
    Case { ty, oid, input, text }
}

const CASES: &[Case] = &[
    case("bool", 16, "true", "t"),
    case("bool", 16, "false", "f"),
    case("int2", 21, "-32768", "-32768"),
    case("int2", 21, "32767", "32767"),
    case("int4", 23, "-2147483648", "-2147483648"),
    case("int4", 23, "42", "42"),
    case("int8", 20, "-9223372036854775808", "-9223372036854775808"),
    case("int8", 20, "9223372036854775807", "9223372036854775807"),
    case("float4", 700, "1.5", "1.5"),
    case("float4", 700, "-0", "-0"),
    case("float4", 700, "NaN", "NaN"),
    case("float4", 700, "Infinity", "Infinity"),
    case("float4", 700, "3.4028235e38", "3.4028235e+38"),
    case("float4", 700, "1e-45", "1e-45"),
    case("float4", 700, "0.1", "0.1"),
    case("float8", 701, "0.1", "0.1"),
    case("float8", 701, "1e308", "1e+308"),
    case("float8", 701, "-Infinity", "-Infinity"),
    case("float8", 701, "2.2250738585072014e-308", "2.2250738585072014e-308"),
    case("float8", 701, "123456789.125", "123456789.125"),
    case("numeric", 1700, "0", "0"),
    case("numeric", 1700, "123.4500", "123.4500"),
    case("numeric", 1700, "-0.000001", "-0.000001"),
    case("numeric", 1700, "1e20", "100000000000000000000"),
    case("numeric", 1700, "1234567890123456789.12345678", "1234567890123456789.12345678"),
    case("numeric(10,3)", 1700, "1.5", "1.500"),
    case("text", 25, "hello", "hello"),
    case("text", 25, "", ""),
    case("text", 25, "ünïcødé ✓", "ünïcødé ✓"),
    case("text", 25, "it's", "it's"),
    case("varchar(5)", 1043, "abc", "abc"),
    case("char(4)", 1042, "ab", "ab  "),
    case("char", 1042, "x", "x"),
    case("bytea", 17, "\\xdeadbeef", "\\xdeadbeef"),
    case("bytea", 17, "", "\\x"),
    case("date", 1082, "2024-02-29", "2024-02-29"),
    case("date", 1082, "0001-01-01", "0001-01-01"),
    case("date", 1082, "4713-01-01 BC", "4713-01-01 BC"),
    case("date", 1082, "infinity", "infinity"),
    case("time", 1083, "00:00:00", "00:00:00"),
    case("time", 1083, "23:59:59.999999", "23:59:59.999999"),
    case("time", 1083, "12:34:56.5", "12:34:56.5"),
    case("timestamp", 1114, "2024-02-29 12:34:56.789", "2024-02-29 12:34:56.789"),
    case("timestamp", 1114, "1999-12-31 23:59:59", "1999-12-31 23:59:59"),
    case("timestamp", 1114, "infinity", "infinity"),
    case("timestamp", 1114, "-infinity", "-infinity"),
    case("timestamptz", 1184, "2024-02-29 12:34:56.789+00", "2024-02-29 12:34:56.789+00"),
    case("timestamptz", 1184, "2024-07-01 00:00:00+02", "2024-06-30 22:00:00+00"),
    case("interval", 1186, "1 year 2 mons 3 days 04:05:06.789", "1 year 2 mons 3 days 04:05:06.789"),
    case("interval", 1186, "-1 day", "-1 days"),
    case("interval", 1186, "0", "00:00:00"),
    case("interval", 1186, "1 day -01:00:00", "1 day -01:00:00"),
    case("interval", 1186, "-1 year -2 mons", "-1 years -2 mons"),
    case("uuid", 2950, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
    case("json", 114, r#"{"b": 1, "a": [1, 2]}"#, r#"{"b": 1, "a": [1, 2]}"#),
    case("jsonb", 3802, r#"{"b": 1, "a": [1, 2]}"#, r#"{"a": [1, 2], "b": 1}"#),
    case("jsonb", 3802, r#"[1, "x", null, true, 1.50]"#, r#"[1, "x", null, true, 1.50]"#),
    case("int4[]", 1007, "{1,2,NULL}", "{1,2,NULL}"),
    case("int8[]", 1016, "{}", "{}"),
    case("text[]", 1009, r#"{"a b",c,NULL,""}"#, r#"{"a b",c,NULL,""}"#),
    case("varchar[]", 1015, r#"{x,"y z"}"#, r#"{x,"y z"}"#),
    case("bool[]", 1000, "{t,f}", "{t,f}"),
    case("float8[]", 1022, "{1.5,NaN}", "{1.5,NaN}"),
    case("numeric[]", 1231, "{1.50,-2}", "{1.50,-2}"),
    case("date[]", 1182, "{2024-01-01}", "{2024-01-01}"),
    case("uuid[]", 2951, "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}", "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}"),
    case("bytea[]", 1001, r#"{"\\x01ff"}"#, r#"{"\\x01ff"}"#),
];

/// Values PostgreSQL has and Tandem does not (docs/sql-types.md, "Differences from
/// PostgreSQL"): numeric NaN and infinities, and numerics beyond 28 significant digits. Tandem
/// rejects their input with the SQLSTATE given here.
const POSTGRES_ONLY: &[(Case, &str)] = &[
    (case("numeric", 1700, "NaN", "NaN"), "22P02"),
    (case("numeric", 1700, "Infinity", "Infinity"), "22P02"),
    (case("numeric", 1700, "-Infinity", "-Infinity"), "22P02"),
    (case("numeric", 1700, "123456789012345678901234567890", "123456789012345678901234567890"), "22003"),
];

/// Each case four ways: simple query (text result); extended with a text parameter and a
/// binary result; the binary result sent back as a binary parameter with a binary result (it
/// must come back unchanged) and with a text result (it must print as the input did).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_type_round_trips_in_both_formats() {
    with_server(async |server| {
        let c = server.connect().await;
        c.batch_execute("SET TimeZone = 'UTC'").await.unwrap();
        let (mut raw, _) = Raw::connect(server.port()).await;
        raw.simple("SET TimeZone = 'UTC'").await;
        for (case, state) in POSTGRES_ONLY {
            if server.is_postgres() {
                check_case(&c, &mut raw, case).await;
            } else {
                let literal = format!("'{}'::{}", case.input, case.ty);
                let err = c.simple_query(&format!("SELECT {literal}")).await.unwrap_err();
                assert_eq!(crate::code(&err), *state, "{literal}: {err:?}");
            }
        }
        for case in CASES {
            check_case(&c, &mut raw, case).await;
        }
    })
    .await;
}

async fn check_case(c: &tokio_postgres::Client, raw: &mut Raw, case: &Case) {
    let what = format!("{} {:?}", case.ty, case.input);
    let literal = format!("'{}'::{}", case.input.replace('\'', "''"), case.ty);
    let rows = c.simple_query(&format!("SELECT {literal}")).await.unwrap();
    let tokio_postgres::SimpleQueryMessage::Row(row) = &rows[1] else { panic!("{what}: {rows:?}") };
    assert_eq!(row.get(0), Some(case.text), "{what}: simple query");

    let stmt = c.prepare(&format!("SELECT $1::{}", case.ty)).await.unwrap();
    assert_eq!(stmt.params()[0].oid(), case.oid, "{what}: parameter type");
    assert_eq!(stmt.columns()[0].type_().oid(), case.oid, "{what}: result type");
    let binary: Binary = c.query_one(&stmt, &[&Text(case.input)]).await.unwrap().get(0);
    let again: Binary = c.query_one(&stmt, &[&binary]).await.unwrap().get(0);
    assert_eq!(again, binary, "{what}: binary parameter and result");

    raw.send(&[parse("", &format!("SELECT $1::{}", case.ty), &[case.oid]), sync()].concat()).await;
    assert_eq!(tags(&raw.until_ready().await), "1Z", "{what}");
    raw.send(&[bind("", "", &[1], &[Some(&binary.0)], &[0]), crate::raw::execute("", 0), sync()].concat()).await;
    let msgs = raw.until_ready().await;
    assert_eq!(tags(&msgs), "2DCZ", "{what}: {msgs:?}");
    assert_eq!(msgs[1].text_values(), [Some(case.text.to_string())], "{what}: binary in, text out");
}

/// Binary encodings are PostgreSQL's (`numeric_send` and `interval_send` on PostgreSQL 15;
/// the other types are checked by decoding them with tokio-postgres below).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binary_encodings_match_postgres() {
    with_server(async |server| {
        let c = server.connect().await;
        let cases: &[(&str, &str)] = &[
            ("'123.4500'::numeric", "0002000000000004007b1194"),
            ("'-0.000001'::numeric", "0001fffe400000060064"),
            ("'0'::numeric", "0000000000000000"),
            ("'1234567890123456789.12345678'::numeric", "0007000400000008007b11d722c509291a8504d2162e"),
            ("'1 year 2 mons 3 days 04:05:06.789'::interval", "000000036c97ca88000000030000000e"),
            ("'-1 day'::interval", "0000000000000000ffffffff00000000"),
            (
                "'{1,2,NULL}'::int4[]",
                "000000010000000100000017000000030000000100000004000000010000000400000002ffffffff",
            ),
        ];
        for (expr, hex) in cases {
            let value: Binary = c.query_one(&format!("SELECT {expr}"), &[]).await.unwrap().get(0);
            assert_eq!(to_hex(&value.0), *hex, "{expr}");
        }
    })
    .await;
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Sends `value` as a binary parameter of type `ty`: it must equal the literal `text` on the
/// server and come back unchanged.
async fn typed<T>(c: &tokio_postgres::Client, ty: &str, value: T, text: &str)
where
    T: ToSql + Sync + for<'a> FromSql<'a> + PartialEq + std::fmt::Debug,
{
    let sql = format!("SELECT $1::{ty}, $1::{ty} = '{}'::{ty}", text.replace('\'', "''"));
    let row = c.query_one(&sql, &[&value]).await.unwrap_or_else(|e| panic!("{ty} {value:?}: {e:?}"));
    assert_eq!(row.get::<_, T>(0), value, "{ty}: came back changed");
    assert!(row.get::<_, bool>(1), "{ty} {value:?} is not {text:?} on the server");
}

/// Rust values through tokio-postgres's own binary codecs, NULLs included.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_parameters_and_results() {
    with_server(async |server| {
        let c = server.connect().await;
        c.batch_execute("SET TimeZone = 'UTC'").await.unwrap();
        typed(&c, "bool", true, "true").await;
        typed(&c, "int2", -32768i16, "-32768").await;
        typed(&c, "int4", 2147483647i32, "2147483647").await;
        typed(&c, "int8", -9223372036854775808i64, "-9223372036854775808").await;
        typed(&c, "float4", 1.5f32, "1.5").await;
        typed(&c, "float8", 0.1f64, "0.1").await;
        typed(&c, "text", "ünïcødé ✓".to_string(), "ünïcødé ✓").await;
        typed(&c, "varchar", "it's".to_string(), "it's").await;
        typed(&c, "bytea", vec![0u8, 1, 255], "\\x0001ff").await;
        let date = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        typed(&c, "date", date, "2024-02-29").await;
        let time = NaiveTime::from_hms_micro_opt(23, 59, 59, 999_999).unwrap();
        typed(&c, "time", time, "23:59:59.999999").await;
        let ts: NaiveDateTime = date.and_hms_milli_opt(12, 34, 56, 789).unwrap();
        typed(&c, "timestamp", ts, "2024-02-29 12:34:56.789").await;
        let tstz: DateTime<Utc> = ts.and_utc();
        typed(&c, "timestamptz", tstz, "2024-02-29 14:34:56.789+02").await;
        let uuid = uuid::Uuid::parse_str("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11").unwrap();
        typed(&c, "uuid", uuid, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11").await;
        let json = serde_json::json!({"a": [1, 2], "b": null});
        typed(&c, "jsonb", json.clone(), r#"{"b": null, "a": [1, 2]}"#).await;
        let row = c.query_one("SELECT $1::json::text", &[&json]).await.unwrap();
        assert_eq!(serde_json::from_str::<serde_json::Value>(row.get(0)).unwrap(), json);
        typed(&c, "int4[]", vec![Some(1i32), None, Some(3)], "{1,NULL,3}").await;
        typed(&c, "text[]", vec!["a b".to_string(), String::new()], r#"{"a b",""}"#).await;
        typed(&c, "bool[]", vec![true, false], "{t,f}").await;
        typed(&c, "float8[]", vec![1.5f64, -0.25], "{1.5,-0.25}").await;
        typed(&c, "int8[]", Vec::<i64>::new(), "{}").await;
        typed(&c, "date[]", vec![date], "{2024-02-29}").await;
        typed(&c, "uuid[]", vec![uuid], "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}").await;
        typed(&c, "bytea[]", vec![vec![1u8, 255]], r#"{"\\x01ff"}"#).await;
        // NULL as a parameter and as a result, in both formats.
        let row = c
            .query_one(
                "SELECT $1::int4, $2::text, $3::int4[] IS NULL",
                &[&None::<i32>, &None::<&str>, &None::<Vec<i32>>],
            )
            .await
            .unwrap();
        assert_eq!(
            (row.get::<_, Option<i32>>(0), row.get::<_, Option<String>>(1), row.get::<_, bool>(2)),
            (None, None, true)
        );
    })
    .await;
}

/// `timestamptz` prints in the session's TimeZone, in the simple and extended protocols.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timestamptz_follows_the_session_time_zone() {
    with_server(async |server| {
        let c = server.connect().await;
        c.batch_execute("SET TimeZone = 'America/New_York'").await.unwrap();
        let rows = c
            .simple_query("SELECT '2024-02-29 12:34:56.789+00'::timestamptz, '2024-07-01 00:00:00+02'::timestamptz")
            .await
            .unwrap();
        let tokio_postgres::SimpleQueryMessage::Row(row) = &rows[1] else { panic!("{rows:?}") };
        assert_eq!(row.get(0), Some("2024-02-29 07:34:56.789-05"));
        assert_eq!(row.get(1), Some("2024-06-30 18:00:00-04"));
        // Binary is UTC microseconds whatever the zone.
        let at: DateTime<Utc> =
            c.query_one("SELECT '2024-02-29 12:34:56.789+00'::timestamptz", &[]).await.unwrap().get(0);
        assert_eq!(at.to_rfc3339(), "2024-02-29T12:34:56.789+00:00");
    })
    .await;
}
